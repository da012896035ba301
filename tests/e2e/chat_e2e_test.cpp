// The internal chat against the real daemon and broker (docs/chat.md). People sign in and listen with the broker
// accounts their sign-in gave them, so a message is proven to reach an operator inside the only subtree their
// account reads; a member removed hears nothing more while keeping their connection; supervisors read every group
// and operators only theirs; the history pages by keyset; unread counts and read marks; files and @mentions; and
// bad input is a 4xx that names the problem and stores nothing. The shared database is never wiped: everyone
// carries a unique suffix.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <memory>
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

std::string typeOf(const ReceivedMessage& m) { return parse(m.payload)->getValue<std::string>("type"); }

const auto any = [](const ReceivedMessage&) { return true; };

// A signed-in person: their access token, their chat topic, and a subscriber with their own broker account.
struct Person {
    std::string login;
    std::string token;
    std::string topic;
    std::unique_ptr<MqttProbe> hears;

    std::vector<ReceivedMessage> heard(const std::string& type, std::size_t count = 1,
                                       std::chrono::milliseconds wait = 10s) {
        return hears->waitFor([&](const ReceivedMessage& m) { return typeOf(m) == type; }, count, wait);
    }
};

class Chat : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "chat-" + unique();
        options.extraYaml = "auth:\n  token_secret: chat-test-token-secret-0123456789abcdef\n";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }
    static HttpResult as(const Person& who, const std::string& method, const std::string& path,
                         const std::string& body = "", const std::string& contentType = "application/json") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + who.token}};
        if (!body.empty()) headers["Content-Type"] = contentType;
        return daemon_->http().request(method, path, body, headers);
    }

    // A user with `role`, working as a new operator of their own when the role is operator, signed in and
    // listening on the topic GET /chats names with the broker account the sign-in gave them.
    Person person(const std::string& name, const std::string& role = "operator") {
        const std::string login = name + "-" + tag_;
        std::string op;
        if (role == "operator") {
            op = "op-" + login;
            const HttpResult made = admin("POST", "/api/v1/operators", R"({"id":")" + op + R"(","name":")" + name + "\"}");
            EXPECT_EQ(made.status, 201) << made.body;
        }
        const HttpResult user = admin(
            "POST", "/api/v1/users",
            R"({"login":")" + login + R"(","display_name":")" + name + R"(","roles":[")" + role + "\"]" +
                (op.empty() ? "" : R"(,"operator_id":")" + op + "\"") + R"(,"password":"chat-password"})");
        EXPECT_EQ(user.status, 201) << user.body;
        const HttpResult in = daemon_->http().postJson("/api/v1/auth/login",
                                                       R"({"login":")" + login + R"(","password":"chat-password"})");
        EXPECT_EQ(in.status, 200) << in.body;
        Person p{login, in.json()->getValue<std::string>("access_token"), "", nullptr};
        const HttpResult chats = as(p, "GET", "/api/v1/chats");
        EXPECT_EQ(chats.status, 200) << chats.body;
        p.topic = chats.json()->getValue<std::string>("topic");
        const auto mqtt = in.json()->getObject("mqtt");
        if (mqtt) {
            const MqttLogin account{mqtt->getValue<std::string>("username"), mqtt->getValue<std::string>("password")};
            p.hears = std::make_unique<MqttProbe>(p.topic, "", account);
        } else {
            p.hears = std::make_unique<MqttProbe>(p.topic);
        }
        return p;
    }

    std::int64_t group(const Person& owner, const std::string& name, const std::vector<const Person*>& members) {
        std::string list;
        for (const Person* m : members) list += (list.empty() ? "\"" : ",\"") + m->login + "\"";
        const HttpResult r = as(owner, "POST", "/api/v1/chats", R"({"name":")" + name + R"(","members":[)" + list + "]}");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::int64_t>("id") : 0;
    }

    static Poco::JSON::Object::Ptr chatIn(const HttpResult& list, std::int64_t id) {
        const auto chats = list.json()->getArray("chats");
        for (std::size_t i = 0; i < chats->size(); ++i) {
            if (chats->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id") == id) {
                return chats->getObject(static_cast<unsigned>(i));
            }
        }
        return nullptr;
    }

    std::int64_t send(const Person& who, std::int64_t chat, const std::string& text) {
        const HttpResult r = as(who, "POST", "/api/v1/chats/" + std::to_string(chat) + "/messages",
                                R"({"text":")" + text + "\"}");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::int64_t>("id") : 0;
    }

    static DaemonProcess* daemon_;
    const std::string tag_ = unique();
    DbProbe db_;
};

DaemonProcess* Chat::daemon_ = nullptr;

TEST_F(Chat, AGroupReachesItsMembersOnTheirOwnSubtreeAndARemovedMemberHearsNoMore) {
    Person anna = person("anna"), boris = person("boris"), clara = person("clara");
    Person sofia = person("sofia", "supervisor");
    EXPECT_EQ(anna.topic, "omnigate/v1/operators/op-" + anna.login + "/chat");
    EXPECT_EQ(sofia.topic.rfind("omnigate/v1/users/", 0), 0u) << sofia.topic;

    const std::int64_t id = group(anna, "Night shift", {&boris});
    const std::string path = "/api/v1/chats/" + std::to_string(id);
    EXPECT_EQ(anna.heard("chat.created").size(), 1u);
    EXPECT_EQ(boris.heard("chat.created").size(), 1u);

    // A message with an @mention: the members hear it live on their own subtree, the outsider nothing.
    const HttpResult sent = as(anna, "POST", path + "/messages", R"({"text":"@)" + boris.login + R"(, can you stay?"})");
    ASSERT_EQ(sent.status, 201) << sent.body;
    const std::int64_t first = sent.json()->getValue<std::int64_t>("id");
    EXPECT_EQ(sent.json()->getArray("mentions")->getObject(0)->getValue<std::string>("login"), boris.login);
    const auto live = boris.heard("chat.message.created");
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0].topic, boris.topic);
    EXPECT_EQ(parse(live[0].payload)->getObject("data")->getValue<std::string>("text"),
              "@" + boris.login + ", can you stay?");

    // Unread per chat, the mention counted apart; the author has read what they wrote.
    HttpResult list = as(boris, "GET", "/api/v1/chats");
    ASSERT_EQ(list.status, 200) << list.body;
    auto mine = chatIn(list, id);
    ASSERT_TRUE(mine) << list.body;
    EXPECT_EQ(mine->getValue<int>("unread"), 1);
    EXPECT_EQ(mine->getValue<int>("unread_mentions"), 1);
    EXPECT_EQ(mine->getObject("last_message")->getValue<std::int64_t>("id"), first);
    EXPECT_EQ(chatIn(as(anna, "GET", "/api/v1/chats"), id)->getValue<int>("unread"), 0);
    EXPECT_FALSE(chatIn(as(clara, "GET", "/api/v1/chats"), id)) << "not her group";

    // A read mark: the unread count falls, the reader's other screens hear it, the members see where each is.
    const HttpResult read = as(boris, "POST", path + "/read", R"({"message_id":)" + std::to_string(first) + "}");
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.json()->getValue<int>("unread"), 0);
    EXPECT_EQ(boris.heard("chat.read").size(), 1u);
    const HttpResult details = as(anna, "GET", path);
    ASSERT_EQ(details.status, 200) << details.body;
    EXPECT_NE(details.body.find(R"("login":")" + boris.login + R"(","name":"boris","last_read_message_id":)" +
                                std::to_string(first)),
              std::string::npos)
        << details.body;

    // An operator reads only their own groups; a supervisor reads every group but writes only in their own.
    HttpResult r = as(clara, "POST", path + "/messages", R"({"text":"let me in"})");
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_NE(r.body.find("not a member of chat " + std::to_string(id)), std::string::npos) << r.body;
    EXPECT_EQ(as(clara, "GET", path + "/messages").status, 403);
    EXPECT_EQ(as(clara, "GET", "/api/v1/chats?all=true").status, 403);
    EXPECT_TRUE(chatIn(as(sofia, "GET", "/api/v1/chats?all=true"), id));
    EXPECT_EQ(as(sofia, "GET", path + "/messages").status, 200);
    EXPECT_EQ(as(sofia, "POST", path + "/messages", R"({"text":"hi"})").status, 403);

    // Only the creator (or a supervisor) removes others.
    EXPECT_EQ(as(boris, "DELETE", path + "/members/" + anna.login).status, 403);
    ASSERT_EQ(as(anna, "DELETE", path + "/members/" + boris.login).status, 204);
    EXPECT_EQ(boris.heard("chat.members_removed").size(), 1u) << "the one removed is told";
    send(anna, id, "after boris left");
    EXPECT_EQ(anna.heard("chat.message.created", 2).size(), 2u);
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(boris.heard("chat.message.created", 2, 100ms).size(), 1u) << "nothing after the removal";
    EXPECT_EQ(as(boris, "GET", path + "/messages").status, 403);
    EXPECT_EQ(as(boris, "POST", path + "/messages", R"({"text":"still here?"})").status, 403);
    // Nobody's broker connection was touched: the same one hears him added again.
    ASSERT_EQ(as(anna, "POST", path + "/members", R"({"members":[")" + boris.login + "\"]}").status, 200);
    EXPECT_EQ(boris.heard("chat.members_added").size(), 1u) << "on the connection he had before his removal";
    ASSERT_EQ(as(anna, "DELETE", path + "/members/" + boris.login).status, 204);

    // A newcomer reads the history, none of it unread; then leaves by themselves.
    r = as(anna, "POST", path + "/members", R"({"members":[")" + clara.login + "\"]}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("member_count"), 2);
    EXPECT_EQ(clara.heard("chat.members_added").size(), 1u);
    EXPECT_EQ(chatIn(as(clara, "GET", "/api/v1/chats"), id)->getValue<int>("unread"), 0);
    EXPECT_EQ(as(clara, "GET", path + "/messages").json()->getArray("messages")->size(), 2u);
    EXPECT_EQ(as(clara, "DELETE", path + "/members/" + clara.login).status, 204);
    EXPECT_EQ(as(clara, "DELETE", path + "/members/" + clara.login).status, 403) << "no longer hers";
}

TEST_F(Chat, TheGeneralChatReachesEveryoneAndKeepsItsMembers) {
    Person anna = person("gen-anna"), boris = person("gen-boris");
    const HttpResult list = as(anna, "GET", "/api/v1/chats");
    std::int64_t general = 0;
    const auto chats = list.json()->getArray("chats");
    for (std::size_t i = 0; i < chats->size(); ++i) {
        if (chats->getObject(static_cast<unsigned>(i))->getValue<std::string>("kind") == "general") {
            general = chats->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id");
        }
    }
    ASSERT_GT(general, 0) << list.body;
    const std::string path = "/api/v1/chats/" + std::to_string(general);
    send(anna, general, "Good morning, everyone");
    const auto heard = boris.heard("chat.message.created");
    ASSERT_EQ(heard.size(), 1u);
    EXPECT_EQ(parse(heard[0].payload)->getObject("data")->getValue<std::string>("text"), "Good morning, everyone");
    HttpResult r = as(anna, "POST", path + "/members", R"({"members":[")" + boris.login + "\"]}");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("general chat"), std::string::npos) << r.body;
    EXPECT_EQ(as(anna, "DELETE", path + "/members/" + anna.login).status, 400);
}

TEST_F(Chat, TheHistoryPagesByKeysetBothWays) {
    Person anna = person("page-anna");
    const std::int64_t id = group(anna, "Pages", {});
    const std::string path = "/api/v1/chats/" + std::to_string(id) + "/messages";
    std::vector<std::int64_t> ids;
    for (int i = 1; i <= 7; ++i) ids.push_back(send(anna, id, "message " + std::to_string(i)));
    const auto idsOf = [](const HttpResult& r) {
        std::vector<std::int64_t> out;
        const auto list = r.json()->getArray("messages");
        for (std::size_t i = 0; i < list->size(); ++i) {
            out.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
        }
        return out;
    };
    HttpResult page = as(anna, "GET", path + "?limit=3");
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(idsOf(page), (std::vector<std::int64_t>{ids[6], ids[5], ids[4]}));
    EXPECT_TRUE(page.json()->getValue<bool>("more"));
    page = as(anna, "GET", path + "?limit=3&before=" + std::to_string(ids[4]));
    EXPECT_EQ(idsOf(page), (std::vector<std::int64_t>{ids[3], ids[2], ids[1]}));
    page = as(anna, "GET", path + "?limit=3&before=" + std::to_string(ids[1]));
    EXPECT_EQ(idsOf(page), (std::vector<std::int64_t>{ids[0]}));
    EXPECT_FALSE(page.json()->getValue<bool>("more"));
    // Catching up after a reconnect: what came after the last one seen, oldest first.
    page = as(anna, "GET", path + "?limit=2&after=" + std::to_string(ids[3]));
    EXPECT_EQ(idsOf(page), (std::vector<std::int64_t>{ids[4], ids[5]}));
    EXPECT_TRUE(page.json()->getValue<bool>("more"));
    EXPECT_EQ(as(anna, "GET", path + "?before=1&after=1").status, 400);
    EXPECT_EQ(as(anna, "GET", path + "?before=x").status, 400);
    EXPECT_EQ(as(anna, "GET", path + "?limit=0").status, 400);
}

TEST_F(Chat, FilesTravelOnlyThroughTheirChatAndBadInputIsRefusedWithNothingStored) {
    Person anna = person("file-anna"), boris = person("file-boris"), clara = person("file-clara");
    const std::int64_t id = group(anna, "Files", {&boris});
    const std::int64_t other = group(boris, "Elsewhere", {});
    const std::string path = "/api/v1/chats/" + std::to_string(id);

    HttpResult r = as(anna, "POST", path + "/files?name=price-list.txt", "prices", "text/plain");
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string file = r.json()->getValue<std::string>("id");
    r = as(anna, "POST", path + "/messages", R"({"text":"the new prices","attachments":[")" + file + "\"]}");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getArray("attachments")->getObject(0)->getValue<std::string>("name"), "price-list.txt");
    r = as(boris, "GET", path + "/files/" + file);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "prices");
    EXPECT_EQ(as(clara, "GET", path + "/files/" + file).status, 403) << "not her chat";
    EXPECT_EQ(as(boris, "GET", "/api/v1/chats/" + std::to_string(other) + "/files/" + file).status, 404)
        << "a file is read through the chat that carries it";
    EXPECT_EQ(as(clara, "POST", path + "/files?name=x.txt", "x", "text/plain").status, 403);

    const std::int64_t chats = db_.scalar("SELECT COUNT(*) FROM chats");
    const std::int64_t messages = db_.scalar("SELECT COUNT(*) FROM chat_messages");
    const std::int64_t members = db_.scalar("SELECT COUNT(*) FROM chat_members");
    const auto refused = [&](const Person& who, const std::string& method, const std::string& at,
                             const std::string& body, int status, const std::string& named) {
        const HttpResult answer = as(who, method, at, body);
        EXPECT_EQ(answer.status, status) << method << " " << at << " " << body << " -> " << answer.body;
        EXPECT_NE(answer.body.find(named), std::string::npos) << answer.body;
    };
    // Boris's own upload for another chat, re-sent here by Anna: not hers to attach.
    r = as(boris, "POST", "/api/v1/chats/" + std::to_string(other) + "/files?name=secret.txt", "secret", "text/plain");
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string borisFile = r.json()->getValue<std::string>("id");
    refused(anna, "POST", path + "/messages", R"({"text":"look","attachments":[")" + borisFile + "\"]}", 403,
            "file '" + borisFile + "' was uploaded by someone else");
    refused(anna, "POST", path + "/messages", R"({"text":"look","attachments":["0123456789abcdef0123456789abcdef"]})",
            400, "'attachments[0]': no file '0123456789abcdef0123456789abcdef'");
    refused(anna, "POST", path + "/messages", R"({"text":"   "})", 400, "this one is empty");
    refused(anna, "POST", path + "/messages", R"({"text":")" + std::string(4001, 'x') + "\"}", 400,
            "'text' is 4001 characters, at most 4000");
    refused(anna, "POST", path + "/messages", R"({"text":"x","colour":"red"})", 400, "colour");
    refused(anna, "POST", "/api/v1/chats/999999999/messages", R"({"text":"x"})", 404, "no chat 999999999");
    refused(anna, "POST", "/api/v1/chats", R"({"name":"Ghosts","members":[")" + boris.login + R"(","nobody-)" + tag_ +
                                               "\"]}",
            400, "'members': there is no active user 'nobody-" + tag_ + "'");
    refused(anna, "POST", "/api/v1/chats", R"({"name":"  "})", 400, "'name' is empty");
    refused(anna, "POST", path + "/members", R"({"members":["nobody-)" + tag_ + "\"]}", 400, "no active user");
    refused(anna, "POST", path + "/members", R"({"members":[]})", 400, "'members' must name 1 to 500 logins");
    refused(anna, "POST", path + "/read", R"({"message_id":999999999})", 400, "has no message 999999999");
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM chats"), chats) << "nothing half-written";
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM chat_messages"), messages);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM chat_members"), members);

    // The chat is people's: neither the admin token nor an API token takes part.
    EXPECT_EQ(admin("GET", "/api/v1/chats").status, 401);
}

}  // namespace
}  // namespace omnigate::test
