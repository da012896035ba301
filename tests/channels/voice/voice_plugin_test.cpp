// The voice plugin's contract with the host, without a SIP peer: it declines without accounts, refuses two accounts
// on one address, fails text messages with a reason, and serves recordings only to the admin, by range.
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
    bool isAdmin(const HttpRequest& request) const override { return request.bearerToken() == "admin"; }
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

private:
    std::vector<AccountConfig> accounts_;
};

const char* const oneAccount =
    "accounts:\n"
    "  - id: main\n"
    "    settings: {listen: '127.0.0.1:15097', rtp_ports: {min: 16440, max: 16459}, max_concurrent_calls: 2}\n";

HttpRequest get(const std::string& path, std::map<std::string, std::string> params, const std::string& token = "admin",
                const std::string& range = "") {
    HttpRequest r;
    r.method = "GET";
    r.path = path;
    r.pathParams = std::move(params);
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
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
    EXPECT_EQ(statusOf([&] { list(get("/x", {{"id", "7"}}, "")); }), 401);
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
    r = download(get("/x", {{"fileId", "rec-1"}}, "admin", "bytes=990-"));
    EXPECT_EQ(r.status, 206);
    EXPECT_EQ(r.body.size(), 10u);
    EXPECT_NE(std::find(r.headers.begin(), r.headers.end(), std::make_pair(std::string("Content-Range"),
                                                                           std::string("bytes 990-999/1000"))),
              r.headers.end());
    r = download(get("/x", {{"fileId", "rec-1"}}, "admin", "bytes=1000-"));
    EXPECT_EQ(r.status, 416);
    EXPECT_EQ(statusOf([&] { download(get("/x", {{"fileId", "doc"}})); }), 404) << "not a recording";
    EXPECT_EQ(statusOf([&] { download(get("/x", {{"fileId", "nope"}})); }), 404);
    EXPECT_EQ(statusOf([&] { download(get("/x", {{"fileId", "rec-1"}}, "guess")); }), 401);
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

}  // namespace
}  // namespace omnigate::voice
