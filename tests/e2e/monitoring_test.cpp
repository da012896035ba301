// Monitoring behind http.metrics_token: /metrics needs the token, /readyz still answers a load balancer but shows
// which server is down and what the plugins report only to a caller with the token, /healthz stays open. Without
// the setting all three are open, as before (the documents test reads them so).
#include <gtest/gtest.h>

#include "support/daemon_process.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

const std::string kMetricsToken = "monitoring-test-metrics-token";

class Monitoring : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "monitoring";
        options.httpYaml += "  metrics_token: " + kMetricsToken + "\n";
        daemon_ = new DaemonProcess(options);
        ready_ = daemon_->waitReady();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    // Checked per test: a failure in SetUpTestSuite would leave the tests skipped, which ctest does not count.
    void SetUp() override { ASSERT_TRUE(ready_) << daemon_->log(); }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }
    static DaemonProcess* daemon_;
    static bool ready_;
};

DaemonProcess* Monitoring::daemon_ = nullptr;
bool Monitoring::ready_ = false;

TEST_F(Monitoring, MetricsNeedTheMetricsToken) {
    for (const std::string& bearer : {std::string(), std::string("not-the-metrics-token")}) {
        const HttpResult refused = daemon_->http().get("/metrics", bearer);
        EXPECT_EQ(refused.status, 401) << refused.body;
        EXPECT_EQ(refused.body.find("omnigate_"), std::string::npos) << refused.body;
    }
    const HttpResult scraped = daemon_->http().get("/metrics", kMetricsToken);
    EXPECT_EQ(scraped.status, 200) << scraped.body;
    EXPECT_NE(scraped.body.find("omnigate_outbox_backlog"), std::string::npos) << scraped.body;
    // The admin token holds every right, this one included.
    EXPECT_EQ(daemon_->http().get("/metrics", daemon_->adminToken()).status, 200);
}

TEST_F(Monitoring, ReadinessShowsItsDetailsOnlyWithTheToken) {
    const HttpResult plain = daemon_->http().get("/readyz");
    ASSERT_EQ(plain.status, 200) << plain.body;
    EXPECT_EQ(plain.json()->getValue<std::string>("status"), "ready");
    EXPECT_FALSE(plain.json()->has("checks")) << plain.body;

    const HttpResult detailed = daemon_->http().get("/readyz", kMetricsToken);
    ASSERT_EQ(detailed.status, 200) << detailed.body;
    ASSERT_TRUE(detailed.json()->has("checks")) << detailed.body;
    EXPECT_EQ(detailed.json()->getObject("checks")->getValue<std::string>("database"), "ok");
    EXPECT_EQ(detailed.json()->getObject("checks")->getValue<std::string>("antivirus"), "ok") << "the test clamd";
}

TEST(MonitoringAntivirus, AClamdThatDoesNotAnswerMakesTheDaemonDegradedNotUnready) {
    DaemonOptions options;
    options.instance = "monitoring-av";
    options.httpYaml += "  metrics_token: " + kMetricsToken + "\n";
    options.filesYaml = "  antivirus:\n    address: unix:" + requireEnv("OMNIGATE_VAR_DIR") + "/no-clamd.sock\n";
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    const HttpResult detailed = daemon.http().get("/readyz", kMetricsToken);
    ASSERT_EQ(detailed.status, 200) << detailed.body;
    EXPECT_EQ(detailed.json()->getValue<std::string>("status"), "degraded");
    const std::string why = detailed.json()->getObject("checks")->getValue<std::string>("antivirus");
    EXPECT_NE(why.find("no-clamd.sock"), std::string::npos) << why;
    EXPECT_NE(why.find("refused until it answers"), std::string::npos) << why;
}

TEST_F(Monitoring, LivenessStaysOpen) {
    const HttpResult health = daemon_->http().get("/healthz");
    EXPECT_EQ(health.status, 200) << health.body;
}

}  // namespace
}  // namespace omnigate::test
