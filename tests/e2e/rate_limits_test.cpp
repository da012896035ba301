// Floods (issue 15, item 6), against the real daemon: new web chat sessions per client IP, messages per visitor and
// failed authentications per client IP are token buckets; beyond one, 429 with Retry-After, and after that wait
// the client is served again. X-Forwarded-For counts only from a trusted proxy.
#include <gtest/gtest.h>

#include <thread>

#include "support/daemon_process.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

// Three at once, then one every three seconds: the fourth of a quick burst is refused even on a slow machine.
const char* const kTightLimits =
    "  rate_limits:\n"
    "    webchat_sessions: {burst: 3, per_minute: 20}\n"
    "    webchat_messages: {burst: 3, per_minute: 20}\n"
    "    failed_auth: {burst: 3, per_minute: 20}\n";

DaemonOptions tight(const std::string& more = "") {
    DaemonOptions options;
    options.httpYaml = kTightLimits + more;
    return options;
}

HttpResult newSession(const DaemonProcess& daemon, const std::string& forwardedFor = "") {
    std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
    if (!forwardedFor.empty()) headers["X-Forwarded-For"] = forwardedFor;
    return daemon.http().request("POST", "/api/v1/webchat/demo/sessions", "{}", headers);
}

// A 429 as documented: the code, a Retry-After of whole seconds; returns that wait.
std::chrono::seconds expectRateLimited(const HttpResult& result) {
    EXPECT_EQ(result.status, 429) << result.body;
    if (result.status != 429) return 0s;
    EXPECT_EQ(result.json()->getObject("error")->getValue<std::string>("code"), "rate_limited");
    const auto header = result.headers.find("Retry-After");
    EXPECT_NE(header, result.headers.end()) << "a 429 says when to come back";
    if (header == result.headers.end()) return 0s;
    const int seconds = std::stoi(header->second);
    EXPECT_GE(seconds, 1);
    EXPECT_LE(seconds, 3) << "one token every three seconds";
    return std::chrono::seconds(seconds);
}

class RateLimits : public ::testing::Test {
protected:
    void TearDown() override {
        if (HasFailure() && daemon_) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }
    void start(DaemonOptions options) {
        daemon_ = std::make_unique<DaemonProcess>(std::move(options));
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(RateLimits, SessionsPerClientIpThen429UntilTheBucketRefills) {
    start(tight());
    for (int i = 0; i < 3; ++i) EXPECT_EQ(newSession(*daemon_).status, 201) << i;
    const HttpResult refused = newSession(*daemon_);
    const std::chrono::seconds wait = expectRateLimited(refused);
    // Without a trusted proxy, what the client writes in X-Forwarded-For changes nothing.
    expectRateLimited(newSession(*daemon_, "198.51.100.7"));
    std::this_thread::sleep_for(wait + 300ms);
    EXPECT_EQ(newSession(*daemon_).status, 201) << "served again after Retry-After";
}

TEST_F(RateLimits, BehindATrustedProxyEachForwardedClientHasItsOwnBucket) {
    start(tight("  trusted_proxies: ['127.0.0.1']\n"));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(newSession(*daemon_, "198.51.100.7").status, 201) << i;
    expectRateLimited(newSession(*daemon_, "198.51.100.7"));
    // The proxy appends the address it saw; whatever the client wrote further left is not believed.
    expectRateLimited(newSession(*daemon_, "203.0.113.1, 198.51.100.7"));
    EXPECT_EQ(newSession(*daemon_, "198.51.100.8").status, 201) << "another client behind the same proxy";
}

TEST_F(RateLimits, MessagesPerVisitorThen429UntilTheBucketRefills) {
    start(tight());
    const std::string anna = newSession(*daemon_).json()->getValue<std::string>("token");
    const std::string boris = newSession(*daemon_).json()->getValue<std::string>("token");
    const auto post = [&](const std::string& token, const std::string& text) {
        return daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":")" + text + R"("})", token);
    };
    for (int i = 0; i < 3; ++i) EXPECT_EQ(post(anna, "message " + std::to_string(i)).status, 201) << i;
    const std::chrono::seconds wait = expectRateLimited(post(anna, "one too many"));
    EXPECT_EQ(post(boris, "another visitor's").status, 201) << "each visitor has a bucket of their own";
    std::this_thread::sleep_for(wait + 300ms);
    EXPECT_EQ(post(anna, "after the wait").status, 201);
}

TEST_F(RateLimits, FailedAuthenticationsPerClientIpThen429EvenForTheRightToken) {
    start(tight());
    HttpClient http = daemon_->http();
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(http.get("/api/v1/interactions").status, 401) << "no token: no guess, nothing counted";
    }
    for (int i = 0; i < 3; ++i) EXPECT_EQ(http.get("/api/v1/interactions", "og_wrong-token").status, 401) << i;
    expectRateLimited(http.get("/api/v1/interactions", "og_wrong-token"));
    // Or a guesser would tell a hit from a miss.
    const std::chrono::seconds wait = expectRateLimited(http.get("/api/v1/interactions", daemon_->adminToken()));
    // A visitor's token on the WebSocket's query string is a credential too.
    expectRateLimited(http.get("/api/v1/webchat/demo/ws?token=forged"));
    std::this_thread::sleep_for(wait + 300ms);
    EXPECT_EQ(http.get("/api/v1/interactions", daemon_->adminToken()).status, 200);
    EXPECT_EQ(http.get("/api/v1/interactions", "og_wrong-token").status, 401) << "a wrong one is a 401 again";
}

}  // namespace
}  // namespace omnigate::test
