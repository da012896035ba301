// Notices to operators against the real daemon and broker (docs/notifications.md): a supervisor tells a group,
// everyone or one operator; exactly those operators hear it on their own MQTT topic and list it; a read mark and a
// withdrawal reach their other screens; an expired notice is gone; and bad input is a 400 that stores nothing.
// The shared database is never wiped: the group and the operators carry a unique suffix.
#include <gtest/gtest.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// An ISO time `seconds` from now.
std::string inSeconds(int seconds) {
    return Poco::DateTimeFormatter::format(Poco::DateTime() + Poco::Timespan(seconds, 0), "%Y-%m-%dT%H:%M:%S.%iZ");
}

class Notifications : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "notices-" + unique();
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
        for (const std::string& path : cleanup_) admin("DELETE", path);
    }

    HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    void createOperator(const std::string& id, const std::string& group) {
        const std::string groups = group.empty() ? "" : R"(,"groups":[")" + group + R"("])";
        const HttpResult r = admin("POST", "/api/v1/operators", R"({"id":")" + id + R"(","name":"Notices )" + id + "\"" +
                                                                     groups + "}");
        ASSERT_EQ(r.status, 201) << r.body;
        cleanup_.insert(cleanup_.begin(), "/api/v1/operators/" + id);
    }

    // The ids of the operator's current notices, newest first.
    std::vector<std::int64_t> listed(const std::string& op, const std::string& query = "") {
        const HttpResult r = admin("GET", "/api/v1/operators/" + op + "/notifications" + query);
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::int64_t> ids;
        const auto items = r.json()->getArray("notifications");
        for (std::size_t i = 0; i < items->size(); ++i) {
            ids.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
        }
        return ids;
    }

    static DaemonProcess* daemon_;
    std::vector<std::string> cleanup_;
    DbProbe db_;
};

DaemonProcess* Notifications::daemon_ = nullptr;

TEST_F(Notifications, ReachExactlyTheirAudienceAndKeepTheirReadMarks) {
    const std::string u = unique();
    const std::string group = "g-notices-" + u, inGroup = "op-notices-a-" + u, outside = "op-notices-b-" + u;
    HttpResult r = admin("POST", "/api/v1/operator-groups", R"({"id":")" + group + R"(","name":"Notices )" + u + "\"}");
    ASSERT_EQ(r.status, 201) << r.body;
    cleanup_.push_back("/api/v1/operator-groups/" + group);
    createOperator(inGroup, group);
    createOperator(outside, "");
    MqttProbe a("omnigate/v1/operators/" + inGroup + "/notifications");
    MqttProbe b("omnigate/v1/operators/" + outside + "/notifications");

    // To the group: its member hears it, the other operator does not.
    r = admin("POST", "/api/v1/notifications",
              R"({"audience":"group","audience_id":")" + group + R"(","text":"Server update at 18:00",)"
              R"("importance":"important"})");
    ASSERT_EQ(r.status, 201) << r.body;
    const std::int64_t toGroup = r.json()->getValue<std::int64_t>("id");
    EXPECT_EQ(r.json()->getValue<int>("recipients"), 1);
    EXPECT_EQ(r.json()->getValue<std::string>("author"), "administrator");
    const auto heard = a.waitFor([](const ReceivedMessage&) { return true; }, 1, 10s);
    ASSERT_EQ(heard.size(), 1u);
    const auto event = parse(heard[0].payload);
    EXPECT_EQ(event->getValue<std::string>("type"), "notification.created");
    EXPECT_EQ(event->getObject("data")->getValue<std::string>("text"), "Server update at 18:00");
    EXPECT_EQ(event->getObject("data")->getValue<std::string>("importance"), "important");
    EXPECT_TRUE(event->getObject("data")->isNull("read_at"));

    // To one operator, then to everyone: each lists what reached them, the newest first.
    r = admin("POST", "/api/v1/notifications",
              R"({"audience":"operator","audience_id":")" + outside + R"(","text":"Please call the team lead"})");
    ASSERT_EQ(r.status, 201) << r.body;
    const std::int64_t toOne = r.json()->getValue<std::int64_t>("id");
    r = admin("POST", "/api/v1/notifications", R"({"audience":"all","text":"Lunch is served","expires_at":")" +
                                                   inSeconds(3) + "\"}");
    ASSERT_EQ(r.status, 201) << r.body;
    const std::int64_t toAll = r.json()->getValue<std::int64_t>("id");
    EXPECT_EQ(r.json()->getValue<std::int64_t>("recipients"),
              db_.scalar("SELECT COUNT(*) FROM operators")) << "everyone, as they are now";
    EXPECT_EQ(listed(inGroup), (std::vector<std::int64_t>{toAll, toGroup}));
    EXPECT_EQ(listed(outside), (std::vector<std::int64_t>{toAll, toOne}));
    EXPECT_EQ(b.waitFor([](const ReceivedMessage&) { return true; }, 2, 10s).size(), 2u);
    EXPECT_EQ(b.all().size(), 2u) << "nothing of the group's notice";

    // Read on one screen: marked once, the other screens hear it, the sender sees it counted.
    r = admin("POST", "/api/v1/operators/" + inGroup + "/notifications/" + std::to_string(toGroup) + "/read");
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string readAt = r.json()->getValue<std::string>("read_at");
    r = admin("POST", "/api/v1/operators/" + inGroup + "/notifications/" + std::to_string(toGroup) + "/read");
    EXPECT_EQ(r.json()->getValue<std::string>("read_at"), readAt) << "the first mark stays";
    EXPECT_EQ(a.waitFor([](const ReceivedMessage& m) { return parse(m.payload)->getValue<std::string>("type") ==
                                                              "notification.read"; },
                        1, 10s)
                  .size(),
              1u);
    EXPECT_EQ(listed(inGroup, "?unread=true"), (std::vector<std::int64_t>{toAll}));
    EXPECT_EQ(admin("POST", "/api/v1/operators/" + outside + "/notifications/" + std::to_string(toGroup) + "/read")
                  .status,
              404)
        << "not theirs to read";
    r = admin("GET", "/api/v1/notifications?limit=3");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto sent = r.json()->getArray("notifications");
    ASSERT_EQ(sent->size(), 3u);
    EXPECT_EQ(sent->getObject(2)->getValue<std::int64_t>("id"), toGroup);
    EXPECT_EQ(sent->getObject(2)->getValue<int>("read"), 1);
    EXPECT_EQ(sent->getObject(2)->getValue<int>("recipients"), 1);

    // Withdrawn before it was read: gone from the list, and the banner is taken down.
    ASSERT_EQ(admin("DELETE", "/api/v1/notifications/" + std::to_string(toOne)).status, 204);
    EXPECT_EQ(b.waitFor([](const ReceivedMessage& m) { return parse(m.payload)->getValue<std::string>("type") ==
                                                              "notification.withdrawn"; },
                        1, 10s)
                  .size(),
              1u);
    EXPECT_EQ(admin("DELETE", "/api/v1/notifications/999999999999").status, 404);

    // Expired by itself: no longer listed.
    std::this_thread::sleep_for(3500ms);
    EXPECT_EQ(listed(outside), std::vector<std::int64_t>{});
    EXPECT_EQ(listed(inGroup), (std::vector<std::int64_t>{toGroup})) << "read, not expired";
}

TEST_F(Notifications, BadInputIsRefusedNamingTheFieldAndStoresNothing) {
    const std::string op = "op-notices-bad-" + unique();
    createOperator(op, "");
    const std::int64_t before = db_.scalar("SELECT COUNT(*) FROM notifications");
    const auto refused = [&](const std::string& body, const std::string& named) {
        const HttpResult r = admin("POST", "/api/v1/notifications", body);
        EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
        EXPECT_NE(r.body.find(named), std::string::npos) << r.body;
    };
    refused(R"({"audience":"everyone","text":"x"})", "'audience' must be all, group or operator");
    refused(R"({"audience":"group","text":"x"})", "'audience_id' is required");
    refused(R"({"audience":"all","audience_id":"x","text":"x"})", "'audience_id' is for a group or an operator");
    refused(R"({"audience":"group","audience_id":"no-such-group-x","text":"x"})", "no operator group 'no-such-group-x'");
    refused(R"({"audience":"operator","audience_id":"no-such-op-x","text":"x"})", "no operator 'no-such-op-x'");
    refused(R"({"audience":"operator","audience_id":")" + op + R"(","text":"   "})", "'text' must be 1 to 2000");
    refused(R"({"audience":"operator","audience_id":")" + op + R"(","text":")" + std::string(2001, 'x') + "\"}",
            "'text' must be 1 to 2000");
    refused(R"({"audience":"operator","audience_id":")" + op + R"(","text":"x","importance":"high"})",
            "'importance' must be normal, important or urgent");
    refused(R"({"audience":"operator","audience_id":")" + op + R"(","text":"x","expires_at":")" + inSeconds(-60) +
                "\"}",
            "'expires_at' is in the past");
    refused(R"({"audience":"operator","audience_id":")" + op + R"(","text":"x","expires_at":"tomorrow"})",
            "'expires_at' must be a date and time");
    refused(R"({"audience":"operator","audience_id":")" + op + R"(","text":"x","colour":"red"})", "colour");
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM notifications"), before) << "nothing half-written";
    EXPECT_EQ(admin("GET", "/api/v1/notifications?limit=0").status, 400);
    EXPECT_EQ(admin("GET", "/api/v1/operators/" + op + "/notifications?unread=maybe").status, 400);
}

}  // namespace
}  // namespace omnigate::test
