// A chat widget is served from the customer's site, another origin than omnigate's API: the browser only lets it
// call the API when the answers (and the preflight) carry the CORS headers for that origin.
#include <gtest/gtest.h>

#include "support/daemon_process.h"

namespace omnigate::test {
namespace {

const char* const kShop = "https://shop.example.com";

class Cors : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.corsOrigin = kShop;
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    static std::string header(const HttpResult& r, const std::string& name) {
        const auto it = r.headers.find(name);
        return it == r.headers.end() ? std::string() : it->second;
    }
    static DaemonProcess* daemon_;
};

DaemonProcess* Cors::daemon_ = nullptr;

TEST_F(Cors, AllowedOriginIsEchoed) {
    const HttpResult r = daemon_->http().request("POST", "/api/v1/webchat/demo/sessions", "{}",
                                                 {{"Origin", kShop}, {"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), kShop);
    EXPECT_EQ(header(r, "Vary"), "Origin");
}

TEST_F(Cors, OtherOriginsGetNoGrant) {
    const HttpResult r = daemon_->http().request("POST", "/api/v1/webchat/demo/sessions", "{}",
                                                 {{"Origin", "https://evil.example"}, {"Content-Type", "application/json"}});
    EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "");
}

TEST_F(Cors, PreflightNamesMethodAndHeaders) {
    const HttpResult r = daemon_->http().request(
        "OPTIONS", "/api/v1/webchat/demo/messages", "",
        {{"Origin", kShop}, {"Access-Control-Request-Method", "POST"}, {"Access-Control-Request-Headers", "authorization"}});
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), kShop);
    EXPECT_EQ(header(r, "Access-Control-Allow-Methods"), "POST");
    EXPECT_NE(header(r, "Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
}

TEST_F(Cors, PreflightFromAnotherOriginIsRefused) {
    const HttpResult r = daemon_->http().request("OPTIONS", "/api/v1/webchat/demo/messages", "",
                                                 {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.json()->getObject("error")->getValue<std::string>("code"), "origin_not_allowed");
}

}  // namespace
}  // namespace omnigate::test
