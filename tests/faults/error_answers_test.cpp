// What a client hears when the database fails under its request: 503, what failed in a sentence, and the request's
// id; never what the database said (its error text, its address, SQL). The daemon's log has all of that under the
// same id, so a client's report leads to it. A secret a client had to put in the query string (a visitor's
// WebSocket ?token=) is masked in that log line.
#include <gtest/gtest.h>

#include <Poco/UUIDGenerator.h>

#include <thread>

#include "support/daemon_process.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

// The log line naming the request, once the daemon's output has caught up with it.
std::string logLineOf(DaemonProcess& daemon, const std::string& requestId) {
    const std::string marker = "request " + requestId;
    for (int i = 0; i < 100; ++i) {
        const std::string log = daemon.log();
        const auto at = log.find(marker);
        if (at != std::string::npos) {
            const auto start = log.rfind('\n', at);
            return log.substr(start == std::string::npos ? 0 : start + 1, log.find('\n', at) - start - 1);
        }
        std::this_thread::sleep_for(50ms);
    }
    return "";
}

TEST(ErrorAnswers, ADatabaseFailureReachesTheClientOnlyAsARequestIdTheLogAlsoHas) {
    DaemonOptions options;
    options.instance = "error-answers";
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();
    const std::string visitor =
        daemon.http().postJson("/api/v1/webchat/demo/sessions", "{}").json()->getValue<std::string>("token");
    const std::string secret = "query-secret-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();

    services("stop", "mariadb");
    struct Call {
        std::string method, path, bearer, body;
    };
    // Core resources (one reached with a secret in its query) and a plugin's route that writes.
    const std::vector<Call> calls{
        {"GET", "/api/v1/queues?token=" + secret, daemon.adminToken(), ""},
        {"GET", "/api/v1/clients/1", daemon.adminToken(), ""},
        {"POST", "/api/v1/webchat/demo/messages", visitor, R"({"text":"while the database is down"})"},
    };
    const std::string dbPort = requireEnv("OMNIGATE_DB_PORT");
    for (const Call& call : calls) {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + call.bearer}};
        if (!call.body.empty()) headers["Content-Type"] = "application/json";
        const HttpResult r = daemon.http().request(call.method, call.path, call.body, headers);
        const std::string what = call.method + " " + call.path + ": ";
        EXPECT_EQ(r.status, 503) << what << r.body;
        for (const std::string& inside : {dbPort, std::string("MySQL"), std::string("MariaDB"), std::string("SQL"),
                                          std::string("connection"), std::string("Can't"), std::string("mysql://"),
                                          requireEnv("OMNIGATE_DB_NAME")}) {
            EXPECT_EQ(r.body.find(inside), std::string::npos) << what << "'" << inside << "' reached the client: " << r.body;
        }
        const auto error = r.json()->getObject("error");
        ASSERT_TRUE(error->has("request_id")) << what << r.body;
        const std::string id = error->getValue<std::string>("request_id");
        EXPECT_EQ(r.headers.count("X-Request-Id") ? r.headers.at("X-Request-Id") : "", id) << what;

        const std::string line = logLineOf(daemon, id);
        ASSERT_FALSE(line.empty()) << what << "no log line names request " << id << "\n" << daemon.log();
        // The log keeps what the client was spared: the database's own words or its address.
        EXPECT_TRUE(line.find("MySQL") != std::string::npos || line.find(dbPort) != std::string::npos) << line;
    }
    const std::string log = daemon.log();
    EXPECT_EQ(log.find(secret), std::string::npos) << "the query's token reached the log";
    EXPECT_NE(log.find("token=REDACTED"), std::string::npos) << log;

    services("start", "mariadb");
    EXPECT_TRUE(daemon.waitReady(60s)) << daemon.log();
}

}  // namespace
}  // namespace omnigate::test
