// The router decides which handler answers a request, and whether a miss is a 404 or a 405. Plugins and the core
// register into the same router, so a clash must be loud and a WebSocket route must never answer plain HTTP.
#include <gtest/gtest.h>

#include <stdexcept>

#include "http/router.h"

namespace omnigate {
namespace {

// A handler that answers with a fixed body, so a test can tell which route matched.
RouteHandler answering(const std::string& body) {
    return [body](const HttpRequest&, const Actor&) { return HttpResponse::json(200, body); };
}

std::string bodyOf(const Router::Match& match) {
    if (!match.handler) return "<no handler>";
    return match.handler(HttpRequest{}, Actor{}).body;
}

class NoopWebSocket : public WebSocketHandler {
public:
    void authorize(const HttpRequest&) override {}
    void onOpen(const HttpRequest&, const std::shared_ptr<WebSocketConnection>&) override {}
    void onText(const std::shared_ptr<WebSocketConnection>&, const std::string&) override {}
    void onClose(const std::shared_ptr<WebSocketConnection>&) override {}
};

TEST(Router, MatchesAnExactPath) {
    Router router;
    router.add("GET", "/health", Access::open(), answering("health"));
    router.add("GET", "/metrics", Access::open(), answering("metrics"));
    const Router::Match m = router.match("GET", "/metrics");
    EXPECT_EQ(bodyOf(m), "metrics");
    EXPECT_TRUE(m.params.empty());
}

TEST(Router, CapturesParameters) {
    Router router;
    router.add("POST", "/api/v1/webchat/{account}/messages", Access::open(), answering("messages"));
    router.add("GET", "/api/v1/interactions/{id}/messages/{message}", Access::open(), answering("one message"));

    const Router::Match post = router.match("POST", "/api/v1/webchat/demo/messages");
    EXPECT_EQ(bodyOf(post), "messages");
    EXPECT_EQ(post.params, (std::map<std::string, std::string>{{"account", "demo"}}));

    const Router::Match get = router.match("GET", "/api/v1/interactions/17/messages/42");
    EXPECT_EQ(bodyOf(get), "one message");
    EXPECT_EQ(get.params, (std::map<std::string, std::string>{{"id", "17"}, {"message", "42"}}));
}

TEST(Router, AParameterIsExactlyOneSegment) {
    Router router;
    router.add("GET", "/files/{id}", Access::open(), answering("file"));
    EXPECT_FALSE(router.match("GET", "/files").handler);
    EXPECT_FALSE(router.match("GET", "/files/a/b").handler);
    EXPECT_FALSE(router.match("GET", "/other/a").handler);
}

TEST(Router, LiteralSegmentsAreCaseSensitive) {
    Router router;
    router.add("GET", "/health", Access::open(), answering("health"));
    EXPECT_FALSE(router.match("GET", "/Health").handler);
}

TEST(Router, UnknownPathIs404) {
    Router router;
    router.add("GET", "/health", Access::open(), answering("health"));
    const Router::Match m = router.match("GET", "/nothing/here");
    EXPECT_FALSE(m.handler);
    EXPECT_FALSE(m.pathKnown);
}

TEST(Router, KnownPathWithAnotherMethodIs405) {
    Router router;
    router.add("GET", "/api/v1/webchat/{account}/messages", Access::open(), answering("list"));
    const Router::Match m = router.match("DELETE", "/api/v1/webchat/demo/messages");
    EXPECT_FALSE(m.handler);
    EXPECT_TRUE(m.pathKnown);
}

TEST(Router, MethodsOfOnePathAreRoutedApart) {
    Router router;
    router.add("GET", "/items/{id}", Access::open(), answering("get"));
    router.add("PUT", "/items/{id}", Access::open(), answering("put"));
    EXPECT_EQ(bodyOf(router.match("GET", "/items/1")), "get");
    EXPECT_EQ(bodyOf(router.match("PUT", "/items/1")), "put");
}

TEST(Router, RegisteringARouteTwiceThrows) {
    // Two plugins (or a plugin and the core) claiming one route is a start-up error, not a silent override.
    Router router;
    router.add("GET", "/api/v1/things/{id}", Access::open(), answering("first"));
    EXPECT_THROW(router.add("GET", "/api/v1/things/{id}", Access::open(), answering("second")), std::invalid_argument);
    // The same pattern written with a trailing slash is the same route.
    EXPECT_THROW(router.add("GET", "/api/v1/things/{id}/", Access::open(), answering("third")), std::invalid_argument);
    EXPECT_NO_THROW(router.add("POST", "/api/v1/things/{id}", Access::open(), answering("post")));
    EXPECT_EQ(bodyOf(router.match("GET", "/api/v1/things/1")), "first");
}

TEST(Router, TheDuplicateErrorNamesTheRoute) {
    Router router;
    router.add("GET", "/health", Access::open(), answering("a"));
    try {
        router.add("GET", "/health", Access::open(), answering("b"));
        FAIL() << "a duplicate route was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("GET /health"), std::string::npos) << e.what();
    }
}

TEST(Router, EmptySegmentsAreIgnored) {
    // Router::split drops empty segments: a trailing slash or a doubled slash reaches the same route.
    Router router;
    router.add("GET", "/api/v1/webchat/{account}/messages", Access::open(), answering("messages"));
    EXPECT_EQ(bodyOf(router.match("GET", "/api/v1/webchat/demo/messages/")), "messages");
    EXPECT_EQ(bodyOf(router.match("GET", "/api/v1/webchat//demo/messages")), "messages");
    EXPECT_EQ(router.match("GET", "/api/v1/webchat/demo/messages/").params.at("account"), "demo");
}

TEST(Router, EachRouteKeepsItsDeclaredAccess) {
    // The server admits a request against the access its route declared: the match must carry that declaration.
    Router router;
    router.add("GET", "/api/v1/things", Access::needs(Permission::InteractionsRead, Ownership::Caller),
               answering("list"));
    router.add("DELETE", "/api/v1/things/{id}", Access::needs(Permission::CatalogsWrite), answering("delete"));
    router.add("GET", "/healthz", Access::open(), answering("ok"));
    router.addWebSocket("/api/v1/things/ws", Access::plugin(), std::make_shared<NoopWebSocket>());

    const Router::Match list = router.match("GET", "/api/v1/things");
    EXPECT_EQ(list.access.kind(), Access::Kind::Permitted);
    EXPECT_EQ(list.access.permission(), Permission::InteractionsRead);
    EXPECT_EQ(list.access.ownership(), Ownership::Caller);
    EXPECT_EQ(router.match("DELETE", "/api/v1/things/1").access.permission(), Permission::CatalogsWrite);
    EXPECT_EQ(router.match("DELETE", "/api/v1/things/1").access.ownership(), Ownership::None);
    EXPECT_EQ(router.match("GET", "/healthz").access.kind(), Access::Kind::Open);
    EXPECT_EQ(router.matchWebSocket("/api/v1/things/ws").access.kind(), Access::Kind::Plugin);

    // The route table as the daemon logs it at start-up, each route with who may call it.
    EXPECT_EQ(router.describe(), (std::vector<std::string>{"GET /api/v1/things (interactions:read, own)",
                                                           "DELETE /api/v1/things/{id} (catalogs:write)",
                                                           "GET /healthz (open)",
                                                           "WEBSOCKET /api/v1/things/ws (plugin)"}));
}

TEST(Router, RootPath) {
    Router router;
    router.add("GET", "/", Access::open(), answering("root"));
    EXPECT_EQ(bodyOf(router.match("GET", "/")), "root");
    EXPECT_EQ(bodyOf(router.match("GET", "")), "root");
    EXPECT_FALSE(router.match("GET", "/x").handler);
}

TEST(Router, WebSocketRoutesAreSeparateFromHttpRoutes) {
    Router router;
    const auto socket = std::make_shared<NoopWebSocket>();
    router.addWebSocket("/api/v1/webchat/{account}/ws", Access::plugin(), socket);
    router.add("GET", "/api/v1/webchat/{account}/messages", Access::open(), answering("messages"));

    const Router::WebSocketMatch ws = router.matchWebSocket("/api/v1/webchat/demo/ws");
    EXPECT_EQ(ws.handler, socket);
    EXPECT_EQ(ws.params, (std::map<std::string, std::string>{{"account", "demo"}}));

    // A plain GET to the socket's path is neither answered nor a 405: HTTP does not see WebSocket routes.
    const Router::Match get = router.match("GET", "/api/v1/webchat/demo/ws");
    EXPECT_FALSE(get.handler);
    EXPECT_FALSE(get.pathKnown);
    // And an upgrade to an HTTP route finds no socket.
    EXPECT_FALSE(router.matchWebSocket("/api/v1/webchat/demo/messages").handler);
}

TEST(Router, AWebSocketAndAnHttpRouteMayShareAPath) {
    Router router;
    const auto socket = std::make_shared<NoopWebSocket>();
    router.addWebSocket("/live", Access::plugin(), socket);
    EXPECT_NO_THROW(router.add("GET", "/live", Access::open(), answering("page")));
    EXPECT_EQ(bodyOf(router.match("GET", "/live")), "page");
    EXPECT_EQ(router.matchWebSocket("/live").handler, socket);
}

}  // namespace
}  // namespace omnigate
