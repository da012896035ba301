// The interactions API against the real daemon: listing with every filter and across pages, one interaction with
// its history, the lifecycle (legal, illegal, stale and concurrent changes), the rating request on close (web chat
// asks on the visitor's page; the echo test channel gets a message), topics, outbound interactions, switching a
// channel, and an operator's rating for the client, with their rows in MariaDB and their events on MQTT.
// The shared database is never wiped: every assertion is scoped to clients and interactions this test created.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/UUIDGenerator.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"
#include "support/test_env.h"
#include "support/visitor_page.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string uniqueId() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

std::string errorCode(const HttpResult& r) { return r.json()->getObject("error")->getValue<std::string>("code"); }
std::string errorMessage(const HttpResult& r) { return r.json()->getObject("error")->getValue<std::string>("message"); }

const std::string kRatingRequest = "Rate us from 1 to 5, please (interactions test)";

// A web chat visitor who wrote once: their client and the interaction the message opened.
struct Visitor {
    std::string token;
    std::string visitorId;
    std::int64_t clientId = 0;
    std::int64_t interactionId = 0;
};

class InteractionsApi : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        // The daemon loads plugins from one folder; the echo test channel (which, unlike web chat, does not ask
        // for ratings itself) lives with the test plugins, so both are linked into a folder of this suite's own.
        pluginDir_ = new fs::path(fs::temp_directory_path() / ("omnigate-interactions-" + uniqueId().substr(0, 8)));
        fs::create_directories(*pluginDir_);
        fs::create_symlink(fs::path(requireEnv("OMNIGATE_PLUGIN_DIR")) / "omnigate_webchat.so",
                           *pluginDir_ / "omnigate_webchat.so");
        fs::create_symlink(fs::path(requireEnv("OMNIGATE_TEST_PLUGIN_DIR")) / "omnigate_echo.so",
                           *pluginDir_ / "omnigate_echo.so");
        DaemonOptions options;
        options.instance = "interactions-" + uniqueId().substr(0, 8);
        options.channelsYaml =
            "  - type: webchat\n"
            "    id: demo\n"
            "    settings:\n"
            "      token_secret: test-webchat-secret-0123456789\n"
            "  - type: echo\n"
            "    id: echo1\n"
            "    settings:\n"
            "      greeting: hello\n"
            // `channels:` is the last section DaemonProcess writes, so a top-level key may follow the list.
            "interactions:\n"
            "  rating_request_text: " +
            kRatingRequest + "\n";
        // DaemonProcess writes plugins.directory from this variable while it is constructed.
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

    Visitor newVisitor(const std::string& text = "Hello " + uniqueId()) {
        Visitor v;
        const HttpResult session =
            daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Visitor )" + uniqueId() + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        v.token = session.json()->getValue<std::string>("token");
        v.visitorId = session.json()->getValue<std::string>("visitor_id");
        const HttpResult message = write(v, text);
        v.clientId = message.json()->getValue<std::int64_t>("client_id");
        v.interactionId = message.json()->getValue<std::int64_t>("interaction_id");
        return v;
    }

    HttpResult write(const Visitor& v, const std::string& text) {
        const HttpResult r =
            daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":")" + text + R"("})", v.token);
        EXPECT_EQ(r.status, 201) << r.body;
        return r;
    }

    HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "",
                     const std::string& actor = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        if (!actor.empty()) headers["X-Omnigate-Actor"] = actor;
        return daemon_->http().request(method, path, body, headers);
    }

    HttpResult setStatus(std::int64_t id, const std::string& body, const std::string& actor = "") {
        return admin("POST", "/api/v1/interactions/" + std::to_string(id) + "/status", body, actor);
    }

    Poco::JSON::Object::Ptr interaction(std::int64_t id) {
        const HttpResult r = admin("GET", "/api/v1/interactions/" + std::to_string(id));
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json()->getObject("interaction");
    }

    // The ids a list query returns, in order.
    std::vector<std::int64_t> listIds(const std::string& query) {
        const HttpResult r = admin("GET", "/api/v1/interactions?" + query);
        EXPECT_EQ(r.status, 200) << query << ": " << r.body;
        std::vector<std::int64_t> ids;
        if (r.status != 200) return ids;
        const auto list = r.json()->getArray("interactions");
        for (std::size_t i = 0; i < list->size(); ++i)
            ids.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
        return ids;
    }

    std::int64_t createTopic(const std::string& name) {
        const HttpResult r = admin("POST", "/api/v1/topics", R"({"name":")" + name + R"("})");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::int64_t>("id") : 0;
    }

    // Events of `type` on the interaction's topic.
    static std::vector<Poco::JSON::Object::Ptr> events(MqttProbe& probe, std::int64_t interactionId,
                                                       const std::string& type, std::size_t count) {
        const std::string topic = "omnigate/v1/interactions/" + std::to_string(interactionId) + "/events";
        std::vector<Poco::JSON::Object::Ptr> out;
        for (const ReceivedMessage& m : probe.waitFor(
                 [&](const ReceivedMessage& m) {
                     return m.topic == topic && parse(m.payload)->getValue<std::string>("type") == type;
                 },
                 count, 10s)) {
            out.push_back(parse(m.payload)->getObject("data"));
        }
        return out;
    }

    static std::vector<std::string> strings(const Poco::JSON::Array::Ptr& list) {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < list->size(); ++i)
            out.push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
        return out;
    }

    static fs::path* pluginDir_;
    static DaemonProcess* daemon_;
    DbProbe db_;
};

fs::path* InteractionsApi::pluginDir_ = nullptr;
DaemonProcess* InteractionsApi::daemon_ = nullptr;

// --- Access ------------------------------------------------------------------------------------------------------

TEST_F(InteractionsApi, EveryRouteNeedsTheAdminToken) {
    for (const auto& [method, path] :
         std::vector<std::pair<std::string, std::string>>{{"GET", "/api/v1/interactions"},
                                                          {"POST", "/api/v1/interactions"},
                                                          {"GET", "/api/v1/interactions/1"},
                                                          {"POST", "/api/v1/interactions/1/status"},
                                                          {"PUT", "/api/v1/interactions/1/topics"},
                                                          {"POST", "/api/v1/interactions/1/channel"},
                                                          {"POST", "/api/v1/interactions/1/rating"}}) {
        const HttpResult r = daemon_->http().request(method, path, "{}", {{"Authorization", "Bearer wrong-token"}});
        EXPECT_EQ(r.status, 401) << method << " " << path << ": " << r.body;
    }
}

TEST_F(InteractionsApi, UnknownIdsAre404AndAMalformedActorIs400) {
    EXPECT_EQ(admin("GET", "/api/v1/interactions/999999999").status, 404);
    EXPECT_EQ(setStatus(999999999, R"({"status":"queued"})").status, 404);
    EXPECT_EQ(admin("POST", "/api/v1/interactions/999999999/rating", R"({"rating":5})").status, 404);
    const HttpResult actor = admin("GET", "/api/v1/interactions?limit=1", "", "supervisor");
    EXPECT_EQ(actor.status, 400);
    EXPECT_NE(errorMessage(actor).find("X-Omnigate-Actor"), std::string::npos) << actor.body;
}

// --- Reading ---------------------------------------------------------------------------------------------------

TEST_F(InteractionsApi, OneInteractionWithItsMessagesAndStatusHistory) {
    const Visitor v = newVisitor("Where is my order?");
    write(v, "It was due yesterday");
    ASSERT_EQ(setStatus(v.interactionId, R"({"status":"assigned","reason":"took it"})", "operator:anna").status, 200);
    ASSERT_EQ(setStatus(v.interactionId, R"({"status":"waiting"})").status, 200);

    const HttpResult r = admin("GET", "/api/v1/interactions/" + std::to_string(v.interactionId));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = r.json();
    const auto i = body->getObject("interaction");
    EXPECT_EQ(i->getValue<std::int64_t>("id"), v.interactionId);
    EXPECT_EQ(i->getValue<std::int64_t>("client_id"), v.clientId);
    EXPECT_EQ(i->getValue<std::string>("channel"), "webchat");
    EXPECT_EQ(i->getValue<std::string>("account"), "demo");
    EXPECT_EQ(i->getObject("address")->getValue<std::string>("kind"), "webchat");
    EXPECT_EQ(i->getObject("address")->getValue<std::string>("value"), v.visitorId);
    EXPECT_EQ(i->getValue<std::string>("status"), "waiting");
    EXPECT_EQ(i->getValue<int>("version"), 3);

    // The client's messages in order (an auto-reply template another test left for this account may add its own).
    std::vector<std::string> texts;
    const auto messages = body->getArray("messages");
    for (std::size_t n = 0; n < messages->size(); ++n) {
        const auto m = messages->getObject(static_cast<unsigned>(n));
        if (m->getValue<std::string>("author") == "client") texts.push_back(m->getValue<std::string>("text"));
    }
    EXPECT_EQ(texts, (std::vector<std::string>{"Where is my order?", "It was due yesterday"}));

    const auto history = body->getArray("status_history");
    ASSERT_EQ(history->size(), 3u);
    EXPECT_TRUE(history->getObject(0)->isNull("from"));
    EXPECT_EQ(history->getObject(0)->getValue<std::string>("to"), "new");
    EXPECT_EQ(history->getObject(0)->getValue<std::string>("actor_kind"), "client");
    EXPECT_EQ(history->getObject(1)->getValue<std::string>("from"), "new");
    EXPECT_EQ(history->getObject(1)->getValue<std::string>("to"), "assigned");
    EXPECT_EQ(history->getObject(1)->getValue<std::string>("actor_kind"), "operator");
    EXPECT_EQ(history->getObject(1)->getValue<std::string>("actor_id"), "anna");
    EXPECT_EQ(history->getObject(1)->getValue<std::string>("reason"), "took it");
    EXPECT_EQ(history->getObject(2)->getValue<std::string>("to"), "waiting");
    EXPECT_EQ(history->getObject(2)->getValue<std::string>("actor_kind"), "admin");
}

TEST_F(InteractionsApi, ListFiltersEachNarrowTheResult) {
    // Two visitors; a and b are interactions of the first (b after a was closed), c of the second.
    Visitor first = newVisitor();
    const std::int64_t a = first.interactionId;
    ASSERT_EQ(setStatus(a, R"({"status":"closed"})").status, 200);
    std::this_thread::sleep_for(20ms);  // created_at has milliseconds: keep the creations apart
    const std::int64_t b = write(first, "again").json()->getValue<std::int64_t>("interaction_id");
    ASSERT_NE(a, b);
    ASSERT_EQ(setStatus(b, R"({"status":"assigned"})", "operator:op-" + uniqueId().substr(0, 8)).status, 200);
    std::this_thread::sleep_for(20ms);
    const Visitor second = newVisitor();
    const std::int64_t c = second.interactionId;
    const std::string both = "client_id=" + std::to_string(first.clientId);

    EXPECT_EQ(listIds(both), (std::vector<std::int64_t>{b, a}));  // newest first
    EXPECT_EQ(listIds(both + "&status=closed"), std::vector<std::int64_t>{a});
    EXPECT_EQ(listIds(both + "&status=closed,assigned"), (std::vector<std::int64_t>{b, a}));
    EXPECT_EQ(listIds(both + "&status=new,queued"), std::vector<std::int64_t>{});
    EXPECT_EQ(listIds(both + "&channel=webchat&account=demo"), (std::vector<std::int64_t>{b, a}));
    EXPECT_EQ(listIds(both + "&channel=echo"), std::vector<std::int64_t>{});
    EXPECT_EQ(listIds(both + "&account=elsewhere"), std::vector<std::int64_t>{});
    EXPECT_EQ(listIds(both + "&queue=q-" + uniqueId().substr(0, 8)), std::vector<std::int64_t>{});
    EXPECT_EQ(listIds("client_id=" + std::to_string(second.clientId)), std::vector<std::int64_t>{c});

    // created_from and created_to include their ends; the window of b's own creation time holds only b.
    const std::string createdB = interaction(b)->getValue<std::string>("created_at");
    EXPECT_EQ(listIds(both + "&created_from=" + createdB), std::vector<std::int64_t>{b});
    EXPECT_EQ(listIds(both + "&created_to=" + createdB), (std::vector<std::int64_t>{b, a}));
    EXPECT_EQ(listIds("created_from=" + createdB + "&created_to=" + createdB + "&" + both),
              std::vector<std::int64_t>{b});
    EXPECT_EQ(listIds(both + "&created_from=2000-01-01&created_to=2000-01-02"), std::vector<std::int64_t>{});
    // A bare date as created_to includes its whole day.
    const std::string dayB = createdB.substr(0, 10);
    const bool sameDay = interaction(a)->getValue<std::string>("created_at").substr(0, 10) == dayB;  // not at midnight
    EXPECT_EQ(listIds(both + "&created_from=" + dayB + "&created_to=" + dayB).size(), sameDay ? 2u : 1u) << dayB;
    // The same instant in another zone.
    EXPECT_EQ(listIds(both + "&created_to=2000-01-01T03:00:00%2B03:00"), std::vector<std::int64_t>{});
    // OutboundToAKnownWebchatClient lists by an operator who has an interaction; nobody has one here.
    EXPECT_EQ(listIds(both + "&operator=nobody-" + uniqueId().substr(0, 8)), std::vector<std::int64_t>{});
}

TEST_F(InteractionsApi, ListRefusesBadFiltersNamingThem) {
    const HttpResult status = admin("GET", "/api/v1/interactions?status=new,opened,Closed");
    ASSERT_EQ(status.status, 400) << status.body;
    EXPECT_NE(errorMessage(status).find("'opened'"), std::string::npos) << status.body;
    EXPECT_NE(errorMessage(status).find("'Closed'"), std::string::npos) << status.body;
    EXPECT_EQ(errorMessage(status).find("'new'"), std::string::npos) << status.body;

    for (const char* query : {"created_from=yesterday", "created_to=2026-13-01", "created_from=2026-11-25T10:00:00",
                              "created_from=2026-02-30", "limit=0", "limit=201", "client_id=abc", "topic=-1",
                              "cursor=garbage", "status=new&status=closed", "created_from=2026-11-02&created_to=2026-11-01", "colour=blue"}) {
        const HttpResult r = admin("GET", std::string("/api/v1/interactions?") + query);
        EXPECT_EQ(r.status, 400) << query << ": " << r.body;
    }
    const HttpResult unknown = admin("GET", "/api/v1/interactions?colour=blue");
    EXPECT_NE(errorMessage(unknown).find("'colour'"), std::string::npos) << unknown.body;
    const HttpResult time = admin("GET", "/api/v1/interactions?created_to=soon");
    EXPECT_NE(errorMessage(time).find("'created_to'"), std::string::npos) << time.body;
}

TEST_F(InteractionsApi, PagesCoverEveryInteractionOnceNewestFirst) {
    // Seven interactions of one client: each close makes the visitor's next message open a new one.
    Visitor v = newVisitor();
    std::vector<std::int64_t> created{v.interactionId};
    for (int i = 1; i < 7; ++i) {
        ASSERT_EQ(setStatus(created.back(), R"({"status":"closed"})").status, 200);
        created.push_back(write(v, "message " + std::to_string(i)).json()->getValue<std::int64_t>("interaction_id"));
    }
    ASSERT_EQ(std::set<std::int64_t>(created.begin(), created.end()).size(), 7u);

    std::vector<std::int64_t> seen;
    std::vector<std::size_t> pageSizes;
    std::string query = "client_id=" + std::to_string(v.clientId) + "&limit=3";
    for (int page = 0; page < 10; ++page) {
        const HttpResult r = admin("GET", "/api/v1/interactions?" + query);
        ASSERT_EQ(r.status, 200) << r.body;
        const auto body = r.json();
        const auto list = body->getArray("interactions");
        pageSizes.push_back(list->size());
        for (std::size_t i = 0; i < list->size(); ++i)
            seen.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
        if (body->isNull("next_cursor")) break;
        query =
            "client_id=" + std::to_string(v.clientId) + "&limit=3&cursor=" + body->getValue<std::string>("next_cursor");
    }
    EXPECT_EQ(pageSizes, (std::vector<std::size_t>{3, 3, 1}));
    std::vector<std::int64_t> expected(created.rbegin(), created.rend());
    EXPECT_EQ(seen, expected);

    // Exactly a full last page: the cursor after it leads to an empty page, never to a repeat.
    const HttpResult all = admin("GET", "/api/v1/interactions?client_id=" + std::to_string(v.clientId) + "&limit=7");
    EXPECT_TRUE(all.json()->isNull("next_cursor")) << all.body;
}

// --- The lifecycle ---------------------------------------------------------------------------------------------

TEST_F(InteractionsApi, LegalChangesFollowTheTableAndIllegalOnesName409TheAllowed) {
    MqttProbe probe("omnigate/v1/interactions/+/events");
    const Visitor v = newVisitor();
    const HttpResult illegal = setStatus(v.interactionId, R"({"status":"waiting"})");
    ASSERT_EQ(illegal.status, 409) << illegal.body;
    EXPECT_EQ(errorCode(illegal), "illegal_transition");
    EXPECT_NE(errorMessage(illegal).find("queued, offered, assigned, postponed, transferred, closed, blocked, spam"),
              std::string::npos)
        << illegal.body;

    const HttpResult queued = setStatus(v.interactionId, R"({"status":"queued"})");
    ASSERT_EQ(queued.status, 200) << queued.body;
    EXPECT_EQ(queued.json()->getValue<std::string>("status"), "queued");
    EXPECT_EQ(queued.json()->getValue<int>("version"), 2);
    EXPECT_EQ(db_.text("SELECT status FROM interactions WHERE id = " + std::to_string(v.interactionId)), "queued");

    const auto updated = events(probe, v.interactionId, "interaction.updated", 1);
    ASSERT_EQ(updated.size(), 1u);
    EXPECT_EQ(updated[0]->getValue<std::string>("status"), "queued");
    EXPECT_EQ(strings(updated[0]->getArray("changes")), std::vector<std::string>{"status"});
    EXPECT_EQ(updated[0]->getObject("actor")->getValue<std::string>("kind"), "admin");

    // Postponing needs a time in the future, and the time comes back in UTC.
    EXPECT_EQ(setStatus(v.interactionId, R"({"status":"postponed"})").status, 400);
    EXPECT_EQ(setStatus(v.interactionId, R"({"status":"postponed","postponed_until":"2001-01-01T00:00:00Z"})").status,
              400);
    const HttpResult postponed =
        setStatus(v.interactionId, R"({"status":"postponed","postponed_until":"2099-05-01T12:30:00+03:00"})");
    ASSERT_EQ(postponed.status, 200) << postponed.body;
    EXPECT_EQ(postponed.json()->getValue<std::string>("postponed_until"), "2099-05-01T09:30:00.000Z");

    const HttpResult closed = setStatus(v.interactionId, R"({"status":"closed","resolution":"solved"})");
    ASSERT_EQ(closed.status, 200) << closed.body;
    EXPECT_EQ(closed.json()->getValue<std::string>("resolution"), "solved");
    EXPECT_FALSE(closed.json()->isNull("closed_at"));
    EXPECT_EQ(db_.text("SELECT resolution FROM interactions WHERE id = " + std::to_string(v.interactionId)), "solved");

    // Closed is final.
    const HttpResult reopen = setStatus(v.interactionId, R"({"status":"assigned"})");
    ASSERT_EQ(reopen.status, 409) << reopen.body;
    EXPECT_NE(errorMessage(reopen).find("none (it is final)"), std::string::npos) << reopen.body;
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interaction_status_history WHERE interaction_id = " +
                         std::to_string(v.interactionId)),
              4);
}

TEST_F(InteractionsApi, StatusBodiesAreValidatedNamingTheField) {
    const Visitor v = newVisitor();
    const HttpResult unknown = setStatus(v.interactionId, R"({"status":"done"})");
    ASSERT_EQ(unknown.status, 400);
    EXPECT_NE(errorMessage(unknown).find("'status'"), std::string::npos) << unknown.body;
    const HttpResult missing = setStatus(v.interactionId, R"({"reason":"x"})");
    EXPECT_EQ(missing.status, 400);
    EXPECT_NE(errorMessage(missing).find("'status'"), std::string::npos) << missing.body;
    const HttpResult resolution = setStatus(v.interactionId, R"({"status":"queued","resolution":"solved"})");
    EXPECT_EQ(resolution.status, 400);
    EXPECT_NE(errorMessage(resolution).find("'resolution'"), std::string::npos) << resolution.body;
    EXPECT_EQ(setStatus(v.interactionId, R"({"status":"queued","version":"one"})").status, 400);
    EXPECT_EQ(setStatus(v.interactionId, R"({"status":"queued","reason":")" + std::string(256, 'x') + R"("})").status,
              400);
    // Nothing of a refused request was written.
    EXPECT_EQ(db_.text("SELECT status FROM interactions WHERE id = " + std::to_string(v.interactionId)), "new");
    EXPECT_EQ(db_.scalar("SELECT version FROM interactions WHERE id = " + std::to_string(v.interactionId)), 1);
}

TEST_F(InteractionsApi, AStaleVersionIs409) {
    const Visitor v = newVisitor();
    ASSERT_EQ(setStatus(v.interactionId, R"({"status":"queued","version":1})").status, 200);
    const HttpResult stale = setStatus(v.interactionId, R"({"status":"assigned","version":1})");
    ASSERT_EQ(stale.status, 409) << stale.body;
    EXPECT_EQ(errorCode(stale), "version_conflict");
    EXPECT_EQ(db_.text("SELECT status FROM interactions WHERE id = " + std::to_string(v.interactionId)), "queued");
    EXPECT_EQ(setStatus(v.interactionId, R"({"status":"assigned","version":2})").status, 200);
}

TEST_F(InteractionsApi, OfTwoConcurrentIdenticalChangesExactlyOneWins) {
    for (int round = 0; round < 5; ++round) {
        const Visitor v = newVisitor();
        HttpResult results[2];
        std::thread one([&] { results[0] = setStatus(v.interactionId, R"({"status":"assigned","version":1})"); });
        std::thread two([&] { results[1] = setStatus(v.interactionId, R"({"status":"assigned","version":1})"); });
        one.join();
        two.join();
        const int won = (results[0].status == 200) + (results[1].status == 200);
        EXPECT_EQ(won, 1) << results[0].body << " / " << results[1].body;
        for (const HttpResult& r : results) {
            if (r.status != 200) {
                EXPECT_EQ(r.status, 409) << r.body;
                EXPECT_EQ(errorCode(r), "version_conflict");
            }
        }
        EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interaction_status_history WHERE to_status = 'assigned' AND "
                             "interaction_id = " +
                             std::to_string(v.interactionId)),
                  1);
        EXPECT_EQ(db_.scalar("SELECT version FROM interactions WHERE id = " + std::to_string(v.interactionId)), 2);
    }
}

// --- Rating requests ---------------------------------------------------------------------------------------------

TEST_F(InteractionsApi, ClosingAWebchatInteractionAsksOnTheVisitorsPage) {
    const Visitor v = newVisitor();
    VisitorPage page(daemon_->port(), v.token);
    const std::string where = " WHERE id = " + std::to_string(v.interactionId);
    EXPECT_EQ(db_.scalar("SELECT rating_requested_at IS NULL FROM interactions" + where), 1);

    ASSERT_EQ(setStatus(v.interactionId, R"({"status":"closed","resolution":"answered"})").status, 200);
    const auto update = page.next("interaction");
    ASSERT_TRUE(update) << "the visitor's page heard nothing of the close";
    const auto pushed = (*update)->getObject("interaction");
    EXPECT_EQ(pushed->getValue<std::int64_t>("id"), v.interactionId);
    EXPECT_EQ(pushed->getValue<std::string>("status"), "closed");
    EXPECT_TRUE(pushed->getValue<bool>("rating_requested"));
    EXPECT_EQ(db_.scalar("SELECT rating_requested_at IS NOT NULL FROM interactions" + where), 1);
    // The page shows its own form: no rating request message was stored.
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE body = '" + kRatingRequest +
                         "' AND interaction_id = " + std::to_string(v.interactionId)),
              0);
}

TEST_F(InteractionsApi, ClosingAnInteractionOfAChannelThatDoesNotAskSendsTheRatingRequest) {
    MqttProbe probe("omnigate/v1/interactions/+/events");
    const Visitor v = newVisitor();
    ASSERT_EQ(setStatus(v.interactionId, R"({"status":"closed"})").status, 200);
    // An outbound interaction on the echo channel to the same client, then closed.
    const HttpResult created =
        admin("POST", "/api/v1/interactions",
              R"({"client_id":)" + std::to_string(v.clientId) +
                  R"(,"channel":"echo","account":"echo1","address":{"kind":"webchat","value":")" + v.visitorId +
                  R"("},"text":"We found your parcel"})");
    ASSERT_EQ(created.status, 201) << created.body;
    const std::int64_t id = created.json()->getObject("interaction")->getValue<std::int64_t>("id");
    ASSERT_EQ(setStatus(id, R"({"status":"closed"})").status, 200);

    const std::string request =
        "SELECT %s FROM messages WHERE body = '" + kRatingRequest + "' AND interaction_id = " + std::to_string(id);
    const auto column = [&](const std::string& c) { return std::string(request).replace(request.find("%s"), 2, c); };
    EXPECT_EQ(db_.scalar(column("COUNT(*)")), 1);
    EXPECT_EQ(db_.text(column("author")), "system");
    EXPECT_EQ(db_.scalar(column("auto_generated")), 1);
    EXPECT_EQ(db_.text(column("direction")), "out");
    EXPECT_EQ(db_.text(column("status")), "sent");  // the echo channel "sent" it
    EXPECT_EQ(db_.text(column("external_id")).rfind("echo:", 0), 0u);
    EXPECT_EQ(db_.scalar("SELECT rating_requested_at IS NOT NULL FROM interactions WHERE id = " + std::to_string(id)),
              1);

    const auto messages = events(probe, id, "message.created", 2);  // the operator's text, then the request
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[1]->getValue<std::string>("author"), "system");
    EXPECT_EQ(messages[1]->getValue<std::string>("text"), kRatingRequest);
    EXPECT_TRUE(messages[1]->getValue<bool>("auto_generated"));
}

TEST_F(InteractionsApi, SpamIsClosedWithoutAskingForARating) {
    const Visitor v = newVisitor();
    ASSERT_EQ(setStatus(v.interactionId, R"({"status":"spam"})").status, 200);
    ASSERT_EQ(setStatus(v.interactionId, R"({"status":"closed"})").status, 200);
    EXPECT_EQ(db_.scalar("SELECT rating_requested_at IS NULL FROM interactions WHERE id = " +
                         std::to_string(v.interactionId)),
              1);
}

// --- Operator's rating -------------------------------------------------------------------------------------------

TEST_F(InteractionsApi, OperatorRatesOnceAfterTheClose) {
    MqttProbe probe("omnigate/v1/interactions/+/events");
    const Visitor v = newVisitor();
    const std::string path = "/api/v1/interactions/" + std::to_string(v.interactionId) + "/rating";
    const HttpResult early = admin("POST", path, R"({"rating":5})");
    ASSERT_EQ(early.status, 409) << early.body;
    EXPECT_EQ(errorCode(early), "not_closed");
    ASSERT_EQ(setStatus(v.interactionId, R"({"status":"closed"})").status, 200);

    EXPECT_EQ(admin("POST", path, R"({"rating":6})").status, 400);
    EXPECT_EQ(admin("POST", path, R"({"rating":"5"})").status, 400);
    EXPECT_EQ(admin("POST", path, R"({})").status, 400);

    const HttpResult rated = admin("POST", path, R"({"rating":4,"comment":"said so on the phone"})");
    ASSERT_EQ(rated.status, 200) << rated.body;
    EXPECT_EQ(rated.json()->getValue<int>("rating"), 4);
    EXPECT_EQ(db_.scalar("SELECT rating FROM interactions WHERE id = " + std::to_string(v.interactionId)), 4);
    EXPECT_EQ(db_.text("SELECT rating_comment FROM interactions WHERE id = " + std::to_string(v.interactionId)),
              "said so on the phone");

    const HttpResult again = admin("POST", path, R"({"rating":1})");
    ASSERT_EQ(again.status, 409) << again.body;
    EXPECT_EQ(errorCode(again), "already_rated");
    EXPECT_EQ(db_.scalar("SELECT rating FROM interactions WHERE id = " + std::to_string(v.interactionId)), 4);

    const auto ratings = events(probe, v.interactionId, "rating.created", 1);
    ASSERT_EQ(ratings.size(), 1u);
    EXPECT_EQ(ratings[0]->getValue<int>("rating"), 4);
    EXPECT_EQ(ratings[0]->getValue<std::int64_t>("client_id"), v.clientId);
    EXPECT_EQ(ratings[0]->getValue<std::string>("by"), "admin");
}

// --- Topics ------------------------------------------------------------------------------------------------------

TEST_F(InteractionsApi, TopicsAreReplacedCheckedAndFilterable) {
    MqttProbe probe("omnigate/v1/interactions/+/events");
    const std::int64_t delivery = createTopic("Delivery " + uniqueId());
    const std::int64_t refund = createTopic("Refund " + uniqueId());
    ASSERT_NE(delivery, 0);
    ASSERT_NE(refund, 0);
    const Visitor v = newVisitor();
    const Visitor other = newVisitor();
    const std::string path = "/api/v1/interactions/" + std::to_string(v.interactionId) + "/topics";

    const HttpResult unknown = admin("PUT", path, R"({"topic_ids":[)" + std::to_string(delivery) + R"(, 999999999]})");
    ASSERT_EQ(unknown.status, 400) << unknown.body;
    EXPECT_NE(errorMessage(unknown).find("999999999"), std::string::npos) << unknown.body;
    EXPECT_EQ(admin("PUT", path, R"({"topic_ids":"1"})").status, 400);
    EXPECT_EQ(admin("PUT", path, R"({"topic_ids":[0]})").status, 400);

    const HttpResult set = admin("PUT", path,
                                 R"({"topic_ids":[)" + std::to_string(refund) + ", " + std::to_string(delivery) + ", " +
                                     std::to_string(refund) + "]}");
    ASSERT_EQ(set.status, 200) << set.body;
    const auto topics = set.json()->getArray("topics");
    ASSERT_EQ(topics->size(), 2u);
    EXPECT_EQ(topics->getElement<std::int64_t>(0), std::min(delivery, refund));
    EXPECT_EQ(topics->getElement<std::int64_t>(1), std::max(delivery, refund));
    EXPECT_EQ(set.json()->getValue<int>("version"), 2);
    EXPECT_EQ(
        db_.scalar("SELECT COUNT(*) FROM interaction_topics WHERE interaction_id = " + std::to_string(v.interactionId)),
        2);

    const auto updated = events(probe, v.interactionId, "interaction.updated", 1);
    ASSERT_EQ(updated.size(), 1u);
    EXPECT_EQ(strings(updated[0]->getArray("changes")), std::vector<std::string>{"topics"});

    ASSERT_EQ(admin("PUT", "/api/v1/interactions/" + std::to_string(other.interactionId) + "/topics",
                    R"({"topic_ids":[)" + std::to_string(refund) + "]}")
                  .status,
              200);
    EXPECT_EQ(listIds("topic=" + std::to_string(delivery)), std::vector<std::int64_t>{v.interactionId});
    EXPECT_EQ(listIds("topic=" + std::to_string(refund)),
              (std::vector<std::int64_t>{other.interactionId, v.interactionId}));

    // Narrowing to one topic with a stale version is refused; with the right one it is stored.
    EXPECT_EQ(admin("PUT", path, R"({"topic_ids":[)" + std::to_string(delivery) + R"(],"version":1})").status, 409);
    ASSERT_EQ(admin("PUT", path, R"({"topic_ids":[)" + std::to_string(delivery) + R"(],"version":2})").status, 200);
    EXPECT_EQ(listIds("topic=" + std::to_string(refund)), std::vector<std::int64_t>{other.interactionId});
}

// --- Outbound interactions and channel switches -----------------------------------------------------------------

TEST_F(InteractionsApi, OutboundToAKnownWebchatClient) {
    MqttProbe probe("omnigate/v1/interactions/+/events");
    const Visitor v = newVisitor("Call me back, please");
    const std::string body = R"({"client_id":)" + std::to_string(v.clientId) +
                             R"(,"channel":"webchat","account":"demo","subject":"Your call","text":"Hello again!"})";
    // While the visitor's own interaction is open, a second one would leave their next message nowhere to go.
    const HttpResult busy = admin("POST", "/api/v1/interactions", body);
    ASSERT_EQ(busy.status, 409) << busy.body;
    EXPECT_EQ(errorCode(busy), "open_interaction_exists");
    ASSERT_EQ(setStatus(v.interactionId, R"({"status":"closed"})").status, 200);

    VisitorPage page(daemon_->port(), v.token);
    const std::string operatorId = "op-" + uniqueId().substr(0, 8);
    const HttpResult created = admin("POST", "/api/v1/interactions", body, "operator:" + operatorId);
    ASSERT_EQ(created.status, 201) << created.body;
    const auto interaction = created.json()->getObject("interaction");
    const auto message = created.json()->getObject("message");
    const std::int64_t id = interaction->getValue<std::int64_t>("id");
    EXPECT_NE(id, v.interactionId);
    EXPECT_EQ(interaction->getValue<std::string>("status"), "assigned");
    EXPECT_EQ(interaction->getValue<std::string>("subject"), "Your call");
    EXPECT_EQ(interaction->getValue<std::string>("operator"), operatorId);
    // No address given: the client's web chat address, the kind their earlier web chat interaction used.
    EXPECT_EQ(interaction->getObject("address")->getValue<std::string>("value"), v.visitorId);
    EXPECT_EQ(message->getValue<std::string>("direction"), "out");
    EXPECT_EQ(message->getValue<std::string>("author"), "operator");
    EXPECT_EQ(message->getValue<std::string>("status"), "delivered");  // the page was open

    const auto frame = page.next("message");
    ASSERT_TRUE(frame) << "the visitor's page did not receive the message";
    EXPECT_EQ((*frame)->getObject("message")->getValue<std::string>("text"), "Hello again!");

    EXPECT_EQ(db_.text("SELECT status FROM interactions WHERE id = " + std::to_string(id)), "assigned");
    EXPECT_EQ(db_.text("SELECT operator FROM interactions WHERE id = " + std::to_string(id)), operatorId);
    EXPECT_EQ(db_.text("SELECT actor_id FROM interaction_status_history WHERE interaction_id = " + std::to_string(id)),
              operatorId);
    EXPECT_EQ(listIds("operator=" + operatorId), std::vector<std::int64_t>{id});
    EXPECT_EQ(events(probe, id, "interaction.created", 1).size(), 1u);
    EXPECT_EQ(events(probe, id, "message.created", 1).size(), 1u);

    // The visitor's answer joins the interaction the operator started.
    EXPECT_EQ(write(v, "Thanks!").json()->getValue<std::int64_t>("interaction_id"), id);
}

TEST_F(InteractionsApi, OutboundRequestsAreCheckedBeforeAnythingIsWritten) {
    const Visitor v = newVisitor();
    const Visitor stranger = newVisitor();
    ASSERT_EQ(setStatus(v.interactionId, R"({"status":"closed"})").status, 200);
    const std::string client = R"({"client_id":)" + std::to_string(v.clientId);
    const std::int64_t before =
        db_.scalar("SELECT COUNT(*) FROM interactions WHERE client_id = " + std::to_string(v.clientId));

    const HttpResult channel =
        admin("POST", "/api/v1/interactions", client + R"(,"channel":"telegram","account":"x","text":"hi"})");
    ASSERT_EQ(channel.status, 400) << channel.body;
    EXPECT_NE(errorMessage(channel).find("webchat, echo"), std::string::npos) << channel.body;  // what is loaded
    const HttpResult account =
        admin("POST", "/api/v1/interactions", client + R"(,"channel":"webchat","account":"nope","text":"hi"})");
    EXPECT_EQ(account.status, 404) << account.body;
    EXPECT_EQ(admin("POST", "/api/v1/interactions",
                    R"({"client_id":999999999,"channel":"webchat","account":"demo","text":"hi"})")
                  .status,
              404);
    EXPECT_EQ(admin("POST", "/api/v1/interactions", client + R"(,"channel":"webchat","account":"demo"})").status, 400);
    EXPECT_EQ(
        admin("POST", "/api/v1/interactions", client + R"(,"channel":"webchat","account":"demo","text":"  "})").status,
        400);
    // Someone else's address, and the echo channel with no earlier interaction to tell which address to use.
    const HttpResult foreign =
        admin("POST", "/api/v1/interactions",
              client + R"(,"channel":"webchat","account":"demo","address":{"kind":"webchat","value":")" +
                  stranger.visitorId + R"("},"text":"hi"})");
    ASSERT_EQ(foreign.status, 409) << foreign.body;
    EXPECT_EQ(errorCode(foreign), "address_not_of_client");
    const HttpResult noAddress =
        admin("POST", "/api/v1/interactions", client + R"(,"channel":"echo","account":"echo1","text":"hi"})");
    ASSERT_EQ(noAddress.status, 400) << noAddress.body;
    EXPECT_NE(errorMessage(noAddress).find("'address'"), std::string::npos) << noAddress.body;

    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interactions WHERE client_id = " + std::to_string(v.clientId)), before);
}

TEST_F(InteractionsApi, SwitchingTheChannelSendsLaterRepliesThroughTheNewOne) {
    MqttProbe probe("omnigate/v1/interactions/+/events");
    const Visitor v = newVisitor();
    const Visitor stranger = newVisitor();
    const std::string path = "/api/v1/interactions/" + std::to_string(v.interactionId) + "/channel";
    const auto body = [](const std::string& visitorId) {
        return R"({"channel":"echo","account":"echo1","address":{"kind":"webchat","value":")" + visitorId + R"("}})";
    };

    const HttpResult foreign = admin("POST", path, body(stranger.visitorId));
    ASSERT_EQ(foreign.status, 409) << foreign.body;
    EXPECT_EQ(errorCode(foreign), "address_not_of_client");
    EXPECT_EQ(admin("POST", path, R"({"channel":"echo","account":"echo1"})").status, 400);
    EXPECT_EQ(
        admin("POST", path, R"({"channel":"echo","account":"nope","address":{"kind":"webchat","value":"x"}})").status,
        404);
    EXPECT_EQ(db_.text("SELECT channel FROM interactions WHERE id = " + std::to_string(v.interactionId)), "webchat");

    const HttpResult switched = admin("POST", path, body(v.visitorId));
    ASSERT_EQ(switched.status, 200) << switched.body;
    EXPECT_EQ(switched.json()->getValue<std::string>("channel"), "echo");
    EXPECT_EQ(switched.json()->getValue<std::string>("account"), "echo1");
    EXPECT_EQ(switched.json()->getValue<int>("version"), 2);
    EXPECT_EQ(db_.text("SELECT CONCAT(channel, '/', account) FROM interactions WHERE id = " +
                       std::to_string(v.interactionId)),
              "echo/echo1");

    const auto updated = events(probe, v.interactionId, "interaction.updated", 1);
    ASSERT_EQ(updated.size(), 1u);
    // The address stayed the visitor's own, so only channel and account changed.
    EXPECT_EQ(strings(updated[0]->getArray("changes")), (std::vector<std::string>{"channel", "account"}));

    const HttpResult reply = admin("POST", "/api/v1/interactions/" + std::to_string(v.interactionId) + "/messages",
                                   R"({"text":"Continuing here"})");
    ASSERT_EQ(reply.status, 201) << reply.body;
    EXPECT_EQ(reply.json()->getValue<std::string>("channel"), "echo");
    EXPECT_EQ(reply.json()->getValue<std::string>("external_id").rfind("echo:", 0), 0u) << reply.body;

    // A closed interaction keeps its channel.
    ASSERT_EQ(setStatus(v.interactionId, R"({"status":"closed"})").status, 200);
    const HttpResult closed = admin(
        "POST", path,
        R"({"channel":"webchat","account":"demo","address":{"kind":"webchat","value":")" + v.visitorId + R"("}})");
    EXPECT_EQ(closed.status, 409) << closed.body;
}

TEST_F(InteractionsApi, OperatorRepliesSetTheFirstResponseTimeOnce) {
    const Visitor v = newVisitor();
    EXPECT_TRUE(interaction(v.interactionId)->isNull("first_response_at"));
    const std::string path = "/api/v1/interactions/" + std::to_string(v.interactionId) + "/messages";
    ASSERT_EQ(admin("POST", path, R"({"text":"first"})").status, 201);
    const std::string first = interaction(v.interactionId)->getValue<std::string>("first_response_at");
    EXPECT_FALSE(first.empty());
    std::this_thread::sleep_for(20ms);
    ASSERT_EQ(admin("POST", path, R"({"text":"second"})").status, 201);
    EXPECT_EQ(interaction(v.interactionId)->getValue<std::string>("first_response_at"), first);
    const HttpResult list = admin("GET", path);
    ASSERT_EQ(list.status, 200) << list.body;
    const auto messages = list.json()->getArray("messages");
    std::vector<std::string> answers;
    for (std::size_t n = 0; n < messages->size(); ++n) {
        const auto m = messages->getObject(static_cast<unsigned>(n));
        if (m->getValue<std::string>("author") == "operator") answers.push_back(m->getValue<std::string>("text"));
    }
    EXPECT_EQ(answers, (std::vector<std::string>{"first", "second"}));
}

}  // namespace
}  // namespace omnigate::test
