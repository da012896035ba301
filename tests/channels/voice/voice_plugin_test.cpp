// The voice plugin's contract with the host, without a SIP peer: it declines without accounts, refuses two accounts
// on one address, fails text messages with a reason, serves recordings by range, and declares who may reach them.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "omnigate/sdk/api_error.h"
#include "support/unused_host.h"
#include "voice_plugin.h"

namespace omnigate::voice {
namespace {

class FakeHost : public test::UnusedChannelHost {
public:
    explicit FakeHost(const std::string& accountsYaml) {
        if (accountsYaml.empty()) return;
        const ConfigNode root = ConfigNode::parseString(accountsYaml, "test.yaml");
        for (const ConfigNode& a : root["accounts"].elements()) accounts_.push_back({a["id"].asString(), a["settings"]});
    }
    const std::vector<AccountConfig>& accounts() const override { return accounts_; }
    void addRoute(const std::string& method, const std::string& pattern, HttpHandler handler) override {
        routes[method + " " + pattern] = std::move(handler);
    }
    // The core guards these before the handler: a test checks what each declares and calls it as admitted.
    void addGuardedRoute(const std::string& method, const std::string& pattern, RouteAccess access,
                         HttpHandler handler) override {
        guarded.emplace(method + " " + pattern, access);
        routes[method + " " + pattern] = std::move(handler);
    }
    std::optional<std::string> interaction(std::int64_t id) override {
        if (id != 7) return std::nullopt;
        return std::string(R"({"id":7,"channel":"voice","account":"main","status":"queued","operator":null,)"
                           R"("client_id":3,"address":{"kind":"phone","value":"+4930123"}})");
    }
    std::vector<StoredMessage> messages(std::int64_t, std::size_t) override {
        StoredMessage client;
        client.id = 1;
        client.author = AuthorKind::Client;
        client.attachments = {{"not-a-recording", "photo.wav", "audio/wav", 10}};
        StoredMessage system;
        system.id = 2;
        system.author = AuthorKind::System;
        system.createdAt = "2026-01-01T00:00:00.000Z";
        system.attachments = {{"rec-1", "call-7.wav", "audio/wav", 1000}, {"doc", "x.pdf", "application/pdf", 5}};
        return {client, system};
    }
    std::optional<File> readFile(const std::string& fileId) override {
        if (fileId == "rec-1") return File{{"rec-1", "call-7.wav", "audio/wav", 1000}, std::string(1000, 'w')};
        if (fileId == "doc") return File{{"doc", "x.pdf", "application/pdf", 5}, "%PDF-"};
        return std::nullopt;
    }

    std::map<std::string, HttpHandler> routes;
    std::map<std::string, RouteAccess> guarded;

private:
    std::vector<AccountConfig> accounts_;
};

const char* const oneAccount =
    "accounts:\n"
    "  - id: main\n"
    "    settings: {listen: '127.0.0.1:15097', rtp_ports: {min: 16440, max: 16459}, max_concurrent_calls: 2}\n";

HttpRequest get(const std::string& path, std::map<std::string, std::string> params, const std::string& range = "") {
    HttpRequest r;
    r.method = "GET";
    r.path = path;
    r.pathParams = std::move(params);
    if (!range.empty()) r.headers["range"] = range;
    return r;
}

int statusOf(const std::function<void()>& call) {
    try {
        call();
    } catch (const ApiError& e) {
        return e.status();
    }
    return 0;
}

TEST(VoicePlugin, DeclinesWithoutAccountsAndRefusesTwoAccountsOnOneAddress) {
    FakeHost none("");
    EXPECT_EQ(VoicePlugin().load(none).code, LoadResult::Code::Decline);
    FakeHost twice(
        "accounts:\n"
        "  - {id: a, settings: {listen: '127.0.0.1:15097'}}\n"
        "  - {id: b, settings: {listen: '127.0.0.1:15097'}}\n");
    const LoadResult r = VoicePlugin().load(twice);
    EXPECT_EQ(r.code, LoadResult::Code::Failure);
    EXPECT_NE(r.message.find("both listen on sip:127.0.0.1:15097"), std::string::npos) << r.message;
}

TEST(VoicePlugin, ATextMessageFailsWithAReason) {
    FakeHost host(oneAccount);
    VoicePlugin plugin;
    ASSERT_EQ(plugin.load(host).code, LoadResult::Code::Success);
    const SendResult result = plugin.send(OutboundMessage{});
    EXPECT_EQ(result.status, DeliveryStatus::Failed);
    EXPECT_EQ(result.errorCode, "voice_has_no_text");
    EXPECT_FALSE(plugin.canAskForRating()) << "a phone line cannot carry a rating request";
}

TEST(VoicePlugin, ListsOnlyTheSystemMessagesWavAttachments) {
    FakeHost host(oneAccount);
    VoicePlugin plugin;
    ASSERT_EQ(plugin.load(host).code, LoadResult::Code::Success);
    const HttpHandler& list = host.routes.at("GET /api/v1/interactions/{id}/recordings");
    const HttpResponse r = list(get("/api/v1/interactions/7/recordings", {{"id", "7"}}));
    ASSERT_EQ(r.status, 200);
    const auto items = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>()->getArray("items");
    ASSERT_EQ(items->size(), 1u) << r.body;
    EXPECT_EQ(items->getObject(0)->getValue<std::string>("file_id"), "rec-1");
    EXPECT_EQ(items->getObject(0)->getValue<std::string>("url"), "/api/v1/recordings/rec-1");
    EXPECT_EQ(statusOf([&] { list(get("/x", {{"id", "8"}})); }), 404);
    EXPECT_EQ(statusOf([&] { list(get("/x", {{"id", "seven"}})); }), 400);
}

TEST(VoicePlugin, ServesARecordingWholeOrByRangeAndNothingElse) {
    FakeHost host(oneAccount);
    VoicePlugin plugin;
    ASSERT_EQ(plugin.load(host).code, LoadResult::Code::Success);
    const HttpHandler& download = host.routes.at("GET /api/v1/recordings/{fileId}");
    HttpResponse r = download(get("/x", {{"fileId", "rec-1"}}));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.contentType, "audio/wav");
    EXPECT_EQ(r.body.size(), 1000u);
    r = download(get("/x", {{"fileId", "rec-1"}}, "bytes=990-"));
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.body.size(), 10u);
    EXPECT_NE(std::find(r.headers.begin(), r.headers.end(), std::make_pair(std::string("Content-Range"),
                                                                           std::string("bytes 990-999/1000"))),
              r.headers.end());
    r = download(get("/x", {{"fileId", "rec-1"}}, "bytes=1000-"));
    EXPECT_EQ(r.status, 416);
    EXPECT_EQ(statusOf([&] { download(get("/x", {{"fileId", "doc"}})); }), 404) << "not a recording";
    EXPECT_EQ(statusOf([&] { download(get("/x", {{"fileId", "nope"}})); }), 404);
}

TEST(VoicePlugin, ClickToCallExplainsWhatIsMissing) {
    FakeHost host(oneAccount);
    VoicePlugin plugin;
    ASSERT_EQ(plugin.load(host).code, LoadResult::Code::Success);
    const HttpHandler& call = host.routes.at("POST /api/v1/interactions/{id}/calls");
    HttpRequest r = get("/x", {{"id", "7"}});
    r.method = "POST";
    r.body = "{}";
    EXPECT_EQ(statusOf([&] { call(r); }), 409) << "no operator holds it";
    r.body = R"({"operator":"ivanov"})";
    EXPECT_EQ(statusOf([&] { call(r); }), 409) << "the account has no trunk";
    r.body = "[1]";
    EXPECT_EQ(statusOf([&] { call(r); }), 400);
    r.pathParams["id"] = "8";
    r.body = "{}";
    EXPECT_EQ(statusOf([&] { call(r); }), 404);
}

TEST(VoicePlugin, AnOperatorListsAndCallsFromTheirOwnInteractionAndRingsOnlyTheirOwnPhone) {
    FakeHost host(oneAccount);
    VoicePlugin plugin;
    ASSERT_EQ(plugin.load(host).code, LoadResult::Code::Success);
    const RouteAccess list = host.guarded.at("GET /api/v1/interactions/{id}/recordings");
    EXPECT_EQ(list.permission, Permission::InteractionsRead);
    EXPECT_EQ(list.ownership, Ownership::Interaction);
    const RouteAccess any = host.guarded.at("GET /api/v1/recordings/{fileId}");
    EXPECT_EQ(any.permission, Permission::InteractionsSupervise) << "any recording by its id is a supervisor's";
    const RouteAccess call = host.guarded.at("POST /api/v1/interactions/{id}/calls");
    EXPECT_EQ(call.permission, Permission::InteractionsWrite);
    EXPECT_EQ(call.ownership, Ownership::Interaction);

    HttpRequest r = get("/x", {{"id", "7"}});
    r.method = "POST";
    r.body = R"({"operator":"petrov"})";
    r.actingOperator = "ivanov";
    try {
        host.routes.at("POST /api/v1/interactions/{id}/calls")(r);
        ADD_FAILURE() << "an operator rang a colleague's phone";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 403);
        EXPECT_EQ(e.code(), "not_yours");
    }
}

}  // namespace
}  // namespace omnigate::voice
