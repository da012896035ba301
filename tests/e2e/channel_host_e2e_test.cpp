// What the host offers a channel beyond submitting messages, through the real daemon and the echo test channel:
// pinning a message to an interaction (only the sender's own open one), amending a stored message (edited,
// deleted), closing an interaction for the channel (a caller hung up), a system message, the client behind an
// address, the status updates a channel is told of after commit (with the operator), prepareOutbound's say
// over what an operator sends (a template rendered, visibility refused), and delivery reports arriving out of order.
#include <gtest/gtest.h>

#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <filesystem>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string uniqueId() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

std::string encode(const std::string& value) {
    std::string out;
    Poco::URI::encode(value, "&=+?#/ ", out);
    return out;
}

struct Submitted {
    std::int64_t message = 0;
    std::int64_t interaction = 0;
    bool duplicate = false;
};

class ChannelHost : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        pluginDir_ = new fs::path(fs::temp_directory_path() / ("omnigate-channel-host-" + uniqueId().substr(0, 8)));
        fs::create_directories(*pluginDir_);
        fs::create_symlink(fs::path(requireEnv("OMNIGATE_TEST_PLUGIN_DIR")) / "omnigate_echo.so",
                           *pluginDir_ / "omnigate_echo.so");
        DaemonOptions options;
        options.instance = "channel-host-" + uniqueId().substr(0, 8);
        options.channelsYaml =
            "  - type: echo\n"
            "    id: host1\n"
            "    settings:\n"
            "      greeting: Hello\n";
        const std::string previous = requireEnv("OMNIGATE_PLUGIN_DIR");
        ::setenv("OMNIGATE_PLUGIN_DIR", pluginDir_->c_str(), 1);
        daemon_ = new DaemonProcess(options);
        ::setenv("OMNIGATE_PLUGIN_DIR", previous.c_str(), 1);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
        std::error_code ignored;
        fs::remove_all(*pluginDir_, ignored);
        delete pluginDir_;
        pluginDir_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    HttpResult hostCall(const std::string& method, const std::string& what, const std::string& query) {
        return daemon_->http().request(method, "/test/echo/host1/host/" + what + "?" + query);
    }

    Submitted submit(const std::string& externalId, const std::string& from, const std::string& text,
                     std::int64_t pin = 0, const std::string& thread = "") {
        const HttpResult r = hostCall("POST", "inbound",
                                      "id=" + encode(externalId) + "&from=" + encode(from) + "&text=" + encode(text) +
                                          "&pin=" + std::to_string(pin) + "&thread=" + encode(thread));
        EXPECT_EQ(r.status, 200) << r.body;
        Submitted s;
        char duplicate = '0';
        std::sscanf(r.body.c_str(), "message=%ld interaction=%ld duplicate=%c", &s.message, &s.interaction, &duplicate);
        s.duplicate = duplicate == '1';
        return s;
    }

    HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    std::string updates() { return hostCall("GET", "updates", "").body; }

    // Waits until the echo channel was told of a line starting with `prefix` (lines are
    // "<id> <status> <operator> <resolution>").
    bool toldOf(const std::string& prefix) {
        for (int i = 0; i < 100; ++i) {
            const std::string told = "\n" + updates();
            if (told.find("\n" + prefix) != std::string::npos) return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    DbProbe db_;
    static inline DaemonProcess* daemon_ = nullptr;
    static inline fs::path* pluginDir_ = nullptr;
};

TEST_F(ChannelHost, APinJoinsOnlyTheSendersOwnOpenInteraction) {
    const std::string alice = "alice-" + uniqueId(), bob = "bob-" + uniqueId();
    const Submitted first = submit("a1-" + uniqueId(), alice, "my order is late", 0, "thread-a");
    ASSERT_GT(first.interaction, 0);

    // Another thread key would open a new interaction; the pin puts it into the pinned one.
    const Submitted pinned = submit("a2-" + uniqueId(), alice, "any news?", first.interaction, "thread-b");
    EXPECT_EQ(pinned.interaction, first.interaction);

    // Bob quoting Alice's interaction never lands in it.
    const Submitted foreign = submit("b1-" + uniqueId(), bob, "re: my order is late", first.interaction);
    EXPECT_NE(foreign.interaction, first.interaction);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE interaction_id = " + std::to_string(first.interaction)),
              2);

    // Closed, the pin no longer holds: the usual threading opens a new one.
    ASSERT_EQ(hostCall("POST", "close", "interaction=" + std::to_string(first.interaction) + "&resolution=done").status,
              200);
    const Submitted late = submit("a3-" + uniqueId(), alice, "thanks", first.interaction, "thread-a");
    EXPECT_NE(late.interaction, first.interaction);
}

TEST_F(ChannelHost, AnAmendmentEditsOrMarksDeletedAndPublishesTheMessage) {
    const std::string externalId = "edit-" + uniqueId();
    const Submitted s = submit(externalId, "carol-" + uniqueId(), "hello wrold");
    MqttProbe probe("omnigate/v1/interactions/" + std::to_string(s.interaction) + "/events");

    ASSERT_EQ(hostCall("POST", "amend", "id=" + encode(externalId) + "&text=" + encode("hello world")).body, "found");
    const auto row = db_.rows("SELECT body, edited_at IS NOT NULL, deleted_at IS NULL FROM messages WHERE id = " +
                              std::to_string(s.message));
    ASSERT_EQ(row.size(), 1u);
    EXPECT_EQ(row[0], (std::vector<std::string>{"hello world", "1", "1"}));
    const auto edited = probe.waitFor(
        [](const ReceivedMessage& m) { return m.payload.find("\"message.updated\"") != std::string::npos; }, 1, 5s);
    ASSERT_EQ(edited.size(), 1u);
    EXPECT_NE(edited[0].payload.find("\"text\":\"hello world\""), std::string::npos) << edited[0].payload;
    EXPECT_NE(edited[0].payload.find("\"edited_at\""), std::string::npos) << edited[0].payload;

    ASSERT_EQ(hostCall("POST", "amend", "id=" + encode(externalId) + "&deleted=1").body, "found");
    EXPECT_EQ(db_.scalar("SELECT deleted_at IS NOT NULL FROM messages WHERE id = " + std::to_string(s.message)), 1);
    // The text stays for the record, and the REST view shows when it was deleted.
    const HttpResult messages = admin("GET", "/api/v1/interactions/" + std::to_string(s.interaction) + "/messages");
    EXPECT_NE(messages.body.find("\"deleted_at\""), std::string::npos) << messages.body;
    EXPECT_NE(messages.body.find("hello world"), std::string::npos);

    EXPECT_EQ(hostCall("POST", "amend", "id=nobody-" + uniqueId() + "&text=x").body, "unknown");

    // The channel's own correction (late media replacing its placeholder) changes the text but is no edit.
    const std::string mediaId = "media-" + uniqueId();
    const Submitted media = submit(mediaId, "carol-" + uniqueId(), "(photo: downloading)");
    ASSERT_EQ(hostCall("POST", "amend", "id=" + encode(mediaId) + "&text=photo&by_client=0").body, "found");
    EXPECT_EQ(db_.rows("SELECT body, edited_at IS NULL FROM messages WHERE id = " + std::to_string(media.message)),
              (std::vector<std::vector<std::string>>{{"photo", "1"}}));
}

TEST_F(ChannelHost, TheChannelClosesAnInteractionFromAnyOpenStatusOnce) {
    const Submitted s = submit("hangup-" + uniqueId(), "dave-" + uniqueId(), "a call");
    const std::string id = std::to_string(s.interaction);
    ASSERT_EQ(hostCall("POST", "close", "interaction=" + id + "&resolution=abandoned&reason=" +
                                            encode("caller hung up after 12 s in queue"))
                  .status,
              200);
    const auto change = db_.rows(
        "SELECT to_status, actor_kind, actor_id, reason FROM interaction_status_history WHERE interaction_id = " + id +
        " ORDER BY id DESC LIMIT 1");
    ASSERT_EQ(change.size(), 1u);
    EXPECT_EQ(change[0], (std::vector<std::string>{"closed", "channel", "echo", "caller hung up after 12 s in queue"}));
    EXPECT_EQ(db_.text("SELECT resolution FROM interactions WHERE id = " + id), "abandoned");
    EXPECT_TRUE(toldOf(id + " closed  abandoned\n")) << updates();

    const HttpResult again = hostCall("POST", "close", "interaction=" + id + "&resolution=abandoned");
    EXPECT_EQ(again.status, 409) << again.body;
    EXPECT_EQ(hostCall("POST", "close", "interaction=999999999&resolution=x").status, 404);
}

TEST_F(ChannelHost, ASystemMessageAndTheClientBehindAnAddress) {
    const std::string from = "erin-" + uniqueId();
    const Submitted s = submit("note-" + uniqueId(), from, "hello");
    const HttpResult note =
        hostCall("POST", "note", "interaction=" + std::to_string(s.interaction) + "&text=" + encode("call recorded"));
    ASSERT_EQ(note.status, 200) << note.body;
    const auto row = db_.rows("SELECT author, direction, body FROM messages WHERE interaction_id = " +
                              std::to_string(s.interaction) + " ORDER BY id DESC LIMIT 1");
    ASSERT_EQ(row.size(), 1u);
    EXPECT_EQ(row[0], (std::vector<std::string>{"system", "in", "call recorded"}));
    EXPECT_EQ(hostCall("POST", "note", "interaction=999999999&text=x").status, 404);

    const std::int64_t clientId =
        db_.scalar("SELECT client_id FROM interactions WHERE id = " + std::to_string(s.interaction));
    EXPECT_EQ(hostCall("GET", "client", "kind=echo&value=" + encode(from)).body, std::to_string(clientId));
    EXPECT_EQ(hostCall("GET", "client", "kind=echo&value=nobody-" + uniqueId()).status, 404);
}

TEST_F(ChannelHost, TheChannelIsToldOfEveryCommittedStatusChangeWithTheOperator) {
    const Submitted s = submit("told-" + uniqueId(), "frank-" + uniqueId(), "hello");
    const std::string id = std::to_string(s.interaction);
    // An operator's REST calls, not the channel, change it: the channel still hears of each, in commit order.
    HttpResult r = admin("POST", "/api/v1/interactions/" + id + "/status", R"({"status":"assigned"})");
    ASSERT_EQ(r.status, 200) << r.body;
    r = admin("POST", "/api/v1/interactions/" + id + "/status", R"({"status":"closed","resolution":"solved"})");
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_TRUE(toldOf(id + " closed  solved")) << updates();
    const std::string told = updates();
    const auto assigned = told.find(id + " assigned");
    const auto closed = told.find(id + " closed");
    ASSERT_NE(assigned, std::string::npos) << told;
    EXPECT_LT(assigned, closed);
    EXPECT_EQ(told.find(id + " closed", closed + 1), std::string::npos) << told;

    // A refused change (closed is final) tells nothing.
    r = admin("POST", "/api/v1/interactions/" + id + "/status", R"({"status":"queued"})");
    EXPECT_EQ(r.status, 409);

    // An operator's own outbound interaction: its next change names them.
    const std::int64_t clientId = db_.scalar("SELECT client_id FROM interactions WHERE id = " + id);
    r = daemon_->http().request("POST", "/api/v1/interactions",
                                R"({"client_id":)" + std::to_string(clientId) +
                                    R"(,"channel":"echo","account":"host1","text":"following up"})",
                                {{"Authorization", "Bearer " + daemon_->adminToken()},
                                 {"Content-Type", "application/json"},
                                 {"X-Omnigate-Actor", "operator:ivanov"}});
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string outbound =
        std::to_string(r.json()->getObject("interaction")->getValue<std::int64_t>("id"));
    r = admin("POST", "/api/v1/interactions/" + outbound + "/status", R"({"status":"waiting"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(toldOf(outbound + " waiting ivanov ")) << updates();
    EXPECT_EQ(updates().find(id + " queued"), std::string::npos);
}

TEST_F(ChannelHost, PrepareOutboundRendersATemplateOrRefusesWithNothingStored) {
    const Submitted s = submit("tpl-" + uniqueId(), "gina-" + uniqueId(), "hello");
    const std::string path = "/api/v1/interactions/" + std::to_string(s.interaction) + "/messages";
    const auto outbound = [&] {
        return db_.scalar("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND interaction_id = " +
                          std::to_string(s.interaction));
    };

    HttpResult r = admin("POST", path, R"({"template":{"name":"greeting","language":"en","parameters":["Gina","!"]}})");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("text"), "Hello Gina !");
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "sent");
    EXPECT_EQ(outbound(), 1);

    // The echo channel knows no other template and no public answers: refused, nothing stored.
    r = admin("POST", path, R"({"template":{"name":"promo","language":"en"}})");
    EXPECT_EQ(r.status, 400) << r.body;
    r = admin("POST", path, R"({"text":"hi","visibility":"public"})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("visibility"), std::string::npos) << r.body;
    r = admin("POST", path, R"({"text":"hi","visibility":"sideways"})");
    EXPECT_EQ(r.status, 400) << r.body;
    r = admin("POST", path, R"({"template":{"language":"en"}})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("template.name"), std::string::npos) << r.body;
    EXPECT_EQ(outbound(), 1);
}

TEST_F(ChannelHost, ALateDeliveryReportNeverMovesAMessageBack) {
    const Submitted s = submit("late-" + uniqueId(), "hugo-" + uniqueId(), "hello");
    const auto send = [&] {
        const HttpResult r =
            admin("POST", "/api/v1/interactions/" + std::to_string(s.interaction) + "/messages", R"({"text":"hi"})");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()->getValue<std::int64_t>("id");
    };
    const auto report = [&](std::int64_t id, const std::string& status) {
        ASSERT_EQ(hostCall("POST", "status", "id=echo:" + std::to_string(id) + "&status=" + status).status, 200);
    };
    const auto status = [&](std::int64_t id) {
        return db_.text("SELECT status FROM messages WHERE id = " + std::to_string(id));
    };

    const std::int64_t first = send();
    report(first, "read");
    EXPECT_EQ(status(first), "read");
    report(first, "delivered");  // Meta may send it after "read"
    EXPECT_EQ(status(first), "read");
    report(first, "failed");  // the client has read it: a failure report cannot be right
    EXPECT_EQ(status(first), "read");

    const std::int64_t second = send();
    report(second, "delivered");
    EXPECT_EQ(status(second), "delivered");
    const std::int64_t third = send();
    report(third, "failed");
    EXPECT_EQ(status(third), "failed");
    report(third, "delivered");
    EXPECT_EQ(status(third), "failed");
}

}  // namespace
}  // namespace omnigate::test
