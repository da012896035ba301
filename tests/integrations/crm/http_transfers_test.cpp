// The transfers against real local servers: what an answer, a Retry-After, a redirect, a huge body, a hanging
// server, a server that does not speak HTTP and a closed port come back as, and that one hanging endpoint does
// not hold up the others.
#include "http_transfers.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <sstream>
#include <thread>

#include "support/stop_http_server.h"

namespace omnigate::crm {
namespace {

using namespace std::chrono_literals;

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        std::ostringstream body;
        Poco::StreamCopier::copyStream(request.stream(), body);
        const std::string path = request.getURI();
        if (path == "/hang") {
            std::this_thread::sleep_for(1500ms);
            return;
        }
        if (path == "/retry") {
            response.setStatus(Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS);
            response.set("Retry-After", "7");
            response.send() << "slow down";
            return;
        }
        if (path == "/redirect") {
            response.redirect("/elsewhere");
            return;
        }
        if (path == "/huge") {
            response.setChunkedTransferEncoding(true);
            std::ostream& out = response.send();
            const std::string block(64 * 1024, 'x');
            for (int i = 0; i < 32 && out.good(); ++i) out << block;
            return;
        }
        response.send() << "echo:" << body.str();
    }
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler;
    }
};

class HttpTransfersTest : public ::testing::Test {
protected:
    HttpTransfersTest() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(8);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory, socket_, params);
        server_->start();
    }
    ~HttpTransfersTest() override { test::stopHttpServer(*server_); }

    OutgoingRequest post(const std::string& url) {
        OutgoingRequest r;
        r.url = url;
        r.headers = {"Content-Type: text/plain"};
        r.body = "hello";
        r.connectTimeout = 300ms;
        r.timeout = 500ms;
        r.maxResponseBytes = 1024;
        return r;
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + path;
    }
    // Runs until every transfer finished (or 5 s passed); results by tag.
    std::map<std::uint64_t, TransferResult> finish(HttpTransfers& transfers) {
        std::map<std::uint64_t, TransferResult> results;
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (transfers.running() > 0 && std::chrono::steady_clock::now() < deadline) {
            for (auto& [tag, result] : transfers.run(100ms)) results[tag] = std::move(result);
        }
        return results;
    }

    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

TEST_F(HttpTransfersTest, AnswersComeBackWithStatusBodyAndRetryAfter) {
    HttpTransfers transfers;
    transfers.start(1, post(url("/ok")));
    transfers.start(2, post(url("/retry")));
    transfers.start(3, post(url("/redirect")));
    auto results = finish(transfers);
    ASSERT_EQ(results.size(), 3u);
    EXPECT_TRUE(results[1].outcome.answered);
    EXPECT_EQ(results[1].outcome.status, 200);
    EXPECT_EQ(results[1].body, "echo:hello");
    EXPECT_EQ(results[2].outcome.status, 429);
    EXPECT_EQ(parseRetryAfter(results[2].outcome.retryAfter, Clock::now()),
              std::optional<std::chrono::milliseconds>(7s));
    EXPECT_EQ(results[3].outcome.status, 302);  // not followed
}

TEST_F(HttpTransfersTest, BadEndpointsFailWithinTheirBoundsWithoutHoldingUpTheOthers) {
    // A "server" that answers something that is not HTTP and hangs up.
    Poco::Net::ServerSocket garbage(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::thread liar([&] {
        Poco::Net::StreamSocket peer = garbage.acceptConnection();
        char buffer[1024];
        peer.receiveBytes(buffer, sizeof buffer);
        const std::string lie = "hello there, this is not HTTP\n";
        peer.sendBytes(lie.data(), static_cast<int>(lie.size()));
        peer.close();
    });
    const int closedPort = [] {
        Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
        return static_cast<int>(s.address().port());
    }();

    HttpTransfers transfers;
    const auto started = std::chrono::steady_clock::now();
    transfers.start(1, post(url("/hang")));
    transfers.start(2, post(url("/huge")));
    transfers.start(3, post("http://127.0.0.1:" + std::to_string(garbage.address().port()) + "/"));
    transfers.start(4, post("http://127.0.0.1:" + std::to_string(closedPort) + "/"));
    transfers.start(5, post(url("/ok")));
    std::chrono::steady_clock::duration okAfter{};
    std::map<std::uint64_t, TransferResult> results;
    const auto deadline = started + 5s;
    while (transfers.running() > 0 && std::chrono::steady_clock::now() < deadline) {
        for (auto& [tag, result] : transfers.run(50ms)) {
            if (tag == 5) okAfter = std::chrono::steady_clock::now() - started;
            results[tag] = std::move(result);
        }
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    liar.join();
    ASSERT_EQ(results.size(), 5u);
    EXPECT_LT(elapsed, 1200ms);  // the hanging one is cut off at its 500 ms timeout
    EXPECT_LT(okAfter, 400ms);   // the good one did not wait for it
    EXPECT_FALSE(results[1].outcome.answered);
    EXPECT_NE(results[1].outcome.error.find("timed out"), std::string::npos) << results[1].outcome.error;
    EXPECT_FALSE(results[2].outcome.answered);
    EXPECT_NE(results[2].outcome.error.find("larger than 1024 bytes"), std::string::npos) << results[2].outcome.error;
    EXPECT_FALSE(results[3].outcome.answered);
    EXPECT_FALSE(results[3].outcome.error.empty());
    EXPECT_FALSE(results[4].outcome.answered);
    EXPECT_FALSE(results[4].outcome.error.empty());
    EXPECT_TRUE(results[5].outcome.answered);
}

}  // namespace
}  // namespace omnigate::crm
