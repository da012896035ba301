// A database restart under load: while MariaDB is down the daemon says so (/readyz 503 with the reason, writes
// 503 with the JSON error, nothing crashes); when it is back the daemon recovers by itself, no restart needed.
#include <gtest/gtest.h>

#include <thread>

#include "support/daemon_process.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

TEST(DatabaseRestart, ReadinessFollowsTheDatabaseAndWritesRecover) {
    DaemonOptions options;
    options.instance = "db-restart";
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    const std::string token =
        daemon.http().postJson("/api/v1/webchat/demo/sessions", "{}").json()->getValue<std::string>("token");
    ASSERT_EQ(daemon.http().postJson("/api/v1/webchat/demo/messages", R"({"text":"before"})", token).status, 201);

    services("stop", "mariadb");
    HttpResult ready;
    for (int i = 0; i < 100; ++i) {
        ready = daemon.http().get("/readyz");
        if (ready.status == 503) break;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(ready.status, 503) << ready.body;
    EXPECT_NE(ready.body.find("database"), std::string::npos) << ready.body;

    const HttpResult during = daemon.http().postJson("/api/v1/webchat/demo/messages", R"({"text":"during"})", token);
    EXPECT_EQ(during.status, 503) << during.body;
    EXPECT_EQ(during.json()->getObject("error")->getValue<std::string>("code"), "unavailable");
    EXPECT_EQ(during.headers.count("Retry-After") ? during.headers.at("Retry-After") : "", "1");
    EXPECT_EQ(daemon.http().get("/healthz").status, 200) << "the process must stay up";

    services("start", "mariadb");
    EXPECT_TRUE(daemon.waitReady(60s)) << daemon.log();
    const HttpResult after = daemon.http().postJson("/api/v1/webchat/demo/messages", R"({"text":"after"})", token);
    EXPECT_EQ(after.status, 201) << after.body << "\n" << daemon.log();
    const HttpResult history = daemon.http().get("/api/v1/webchat/demo/messages", token);
    ASSERT_EQ(history.status, 200);
    EXPECT_EQ(history.json()->getArray("messages")->size(), 2u) << "'before' and 'after', never 'during'";
}

}  // namespace
}  // namespace omnigate::test
