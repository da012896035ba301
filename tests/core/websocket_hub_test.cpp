// The hub against real sockets on loopback: peers that stop reading, trickle a frame in or come one too many
// are dealt with one by one, and nobody else waits on them; visitors come and go while other threads push.
#include "http/websocket_hub.h"

#include <gtest/gtest.h>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "support/raw_websocket.h"

namespace omnigate {
namespace {

using namespace std::chrono_literals;
using test::RawWebSocket;
using Clock = std::chrono::steady_clock;

// Echoes text frames and keeps the connections, so a test can push to one.
class EchoHandler : public WebSocketHandler {
public:
    void authorize(const HttpRequest&) override {}
    void onOpen(const HttpRequest&, const std::shared_ptr<WebSocketConnection>& connection) override {
        std::lock_guard<std::mutex> lock(mutex_);
        open_.push_back(connection);
        changed_.notify_all();
    }
    void onText(const std::shared_ptr<WebSocketConnection>& connection, const std::string& text) override {
        connection->sendText(text);
    }
    void onClose(const std::shared_ptr<WebSocketConnection>&) override { ++closed; }

    std::vector<std::shared_ptr<WebSocketConnection>> all() {
        std::lock_guard<std::mutex> lock(mutex_);
        return open_;
    }
    std::shared_ptr<WebSocketConnection> opened(std::size_t index) {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait_for(lock, 5s, [&] { return open_.size() > index; });
        return open_.size() > index ? open_[index] : nullptr;
    }

    std::atomic<int> closed{0};

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::shared_ptr<WebSocketConnection>> open_;
};

class Upgrade : public Poco::Net::HTTPRequestHandler {
public:
    Upgrade(WebSocketHub& hub, std::shared_ptr<EchoHandler> handler) : hub_(hub), handler_(std::move(handler)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
        hub_.add(Poco::Net::WebSocket(in, out), handler_, HttpRequest{});
    }

private:
    WebSocketHub& hub_;
    std::shared_ptr<EchoHandler> handler_;
};

class UpgradeFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    UpgradeFactory(WebSocketHub& hub, std::shared_ptr<EchoHandler> handler) : hub_(hub), handler_(std::move(handler)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Upgrade(hub_, handler_);
    }

private:
    WebSocketHub& hub_;
    std::shared_ptr<EchoHandler> handler_;
};

class WebSocketHubTest : public ::testing::Test {
protected:
    void start(WebSocketHub::Limits limits) {
        hub_ = std::make_unique<WebSocketHub>(4096, limits);
        hub_->start();
        server_ = std::make_unique<Poco::Net::HTTPServer>(new UpgradeFactory(*hub_, handler_),
                                                          Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0)),
                                                          new Poco::Net::HTTPServerParams);
        server_->start();
    }
    void TearDown() override {
        if (server_) server_->stopAll(true);
        if (hub_) hub_->stop();
    }
    int port() const { return server_->port(); }

    // How long a text frame takes to come back.
    Clock::duration echo(RawWebSocket& socket, const std::string& text) {
        const auto sent = Clock::now();
        EXPECT_TRUE(socket.sendText(text));
        const auto frame = socket.next(5s);
        EXPECT_TRUE(frame && frame->payload == text) << "no echo of " << text;
        return Clock::now() - sent;
    }

    std::shared_ptr<EchoHandler> handler_ = std::make_shared<EchoHandler>();
    std::unique_ptr<WebSocketHub> hub_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

WebSocketHub::Limits limits() {
    WebSocketHub::Limits limits;
    limits.sendQueueBytes = 64 * 1024;
    limits.sendTimeout = 3s;  // also the close frame's grace: the slow peer's test reads within it
    limits.frameTimeout = 2s;
    return limits;
}

TEST_F(WebSocketHubTest, APeerThatNeverReadsDelaysNobodyAndIsClosedWithPolicyViolation) {
    start(limits());
    // The 101 reaches a peer before the hub calls onOpen: the slow one connects only once the fast one is open,
    // or their order in the handler's list is a race (under AddressSanitizer, it was lost).
    RawWebSocket fast(port(), "/");
    auto fastConnection = handler_->opened(0);
    RawWebSocket slow(port(), "/", 4096);
    auto slowConnection = handler_->opened(1);
    ASSERT_TRUE(fastConnection && slowConnection);

    // 40,000 pings of 125 bytes: far more pongs than the kernel's buffers and the queue hold.
    std::thread flood([&] {
        const std::string ping = RawWebSocket::frame(0x9, std::string(125, 'p'));
        std::string burst;
        for (int i = 0; i < 100; ++i) burst += ping;
        for (int i = 0; i < 400 && slow.send(burst); ++i) {
        }
    });
    for (int i = 0; i < 5; ++i) {
        EXPECT_LT(echo(fast, "ping " + std::to_string(i)), 1s);
        const auto pushed = Clock::now();
        EXPECT_TRUE(fastConnection->sendText("push " + std::to_string(i)));
        const auto frame = fast.next(5s);
        EXPECT_TRUE(frame && frame->payload == "push " + std::to_string(i));
        EXPECT_LT(Clock::now() - pushed, 1s);
        std::this_thread::sleep_for(100ms);
    }
    flood.join();
    // Pushes to the slow one never wait; once its queue is over the cap they are refused, and it is closing.
    Clock::duration slowest{};
    bool refused = false;
    for (int i = 0; i < 100 && !refused; ++i) {
        const auto before = Clock::now();
        refused = !slowConnection->sendText(std::string(3000, 's'));
        slowest = std::max(slowest, Clock::now() - before);
    }
    EXPECT_TRUE(refused);
    EXPECT_LT(slowest, 100ms);
    EXPECT_EQ(slow.awaitClose(10s), 1008) << "after the pongs already sent, the close frame";
}

TEST_F(WebSocketHubTest, APeerWhoseQueueStaysStuckPastTheSendTimeoutIsClosed) {
    WebSocketHub::Limits big = limits();
    big.sendQueueBytes = 64 * 1024 * 1024;  // the timeout, not the cap, must end it
    start(big);
    RawWebSocket slow(port(), "/", 4096);
    auto connection = handler_->opened(0);
    ASSERT_TRUE(connection);
    const std::string chunk(4000, 'x');
    for (int i = 0; i < 2000 && connection->sendText(chunk); ++i) {
    }
    const auto started = Clock::now();
    while (handler_->closed == 0 && Clock::now() - started < 10s) std::this_thread::sleep_for(50ms);
    EXPECT_EQ(handler_->closed, 1) << "the socket is let go within the send timeout and the close's grace";
    EXPECT_FALSE(connection->sendText("more"));
}

TEST_F(WebSocketHubTest, AFrameTrickledInIsCutOffAtTheFrameTimeoutWhileOthersAreServed) {
    start(limits());
    RawWebSocket fast(port(), "/");
    RawWebSocket trickler(port(), "/");
    ASSERT_TRUE(handler_->opened(1));
    const std::string frame = RawWebSocket::frame(0x1, std::string(100, 't'));
    std::atomic<bool> stop{false};
    std::thread trickle([&] {
        for (std::size_t i = 0; i < frame.size() && !stop; ++i) {
            if (!trickler.send(frame.substr(i, 1))) break;
            std::this_thread::sleep_for(100ms);
        }
    });
    const auto started = Clock::now();
    for (int i = 0; i < 5; ++i) {
        EXPECT_LT(echo(fast, "hello " + std::to_string(i)), 1s);
        std::this_thread::sleep_for(200ms);
    }
    const std::optional<int> code = trickler.awaitClose(10s);
    const auto closedAfter = Clock::now() - started;
    stop = true;
    trickle.join();
    EXPECT_EQ(code, 1008);
    EXPECT_GE(closedAfter, 1900ms) << "not before the frame timeout";
    EXPECT_LT(closedAfter, 6s);
}

TEST_F(WebSocketHubTest, OneSocketOverTheCapIsClosedWithTryAgainLater) {
    WebSocketHub::Limits two = limits();
    two.maxSockets = 2;
    start(two);
    RawWebSocket first(port(), "/");
    RawWebSocket second(port(), "/");
    ASSERT_TRUE(handler_->opened(1));
    RawWebSocket third(port(), "/");
    EXPECT_EQ(third.awaitClose(5s), 1013);
    EXPECT_EQ(hub_->size(), 2U);
    EXPECT_LT(echo(first, "still served"), 1s);
}

TEST_F(WebSocketHubTest, ProtocolViolationsCloseWithTheirCodes) {
    start(limits());
    RawWebSocket tooBig(port(), "/");
    tooBig.sendText(std::string(5000, 'b'));
    EXPECT_EQ(tooBig.awaitClose(5s), 1009);
    RawWebSocket binary(port(), "/");
    binary.send(RawWebSocket::frame(0x2, "bytes"));
    EXPECT_EQ(binary.awaitClose(5s), 1003);
    RawWebSocket unmasked(port(), "/");
    unmasked.send(std::string("\x81\x02hi", 4));
    EXPECT_EQ(unmasked.awaitClose(5s), 1002);
    RawWebSocket polite(port(), "/");
    polite.send(RawWebSocket::frame(0x8, std::string("\x03\xE8", 2)));
    EXPECT_EQ(polite.awaitClose(5s), 1000);
    EXPECT_TRUE(polite.awaitEof(5s));
}

TEST_F(WebSocketHubTest, AFinishedClosingHandshakeFreesTheSocketAtOnce) {
    start(limits());
    RawWebSocket polite(port(), "/");
    ASSERT_TRUE(handler_->opened(0));
    const auto started = Clock::now();
    polite.send(RawWebSocket::frame(0x8, std::string("\x03\xE8", 2)));
    EXPECT_EQ(polite.awaitClose(5s), 1000);
    while (handler_->closed == 0 && Clock::now() - started < 5s) std::this_thread::sleep_for(20ms);
    EXPECT_LT(Clock::now() - started, 1s) << "not held until the send timeout: the peer said goodbye";
    EXPECT_EQ(hub_->size(), 0U);
}

TEST_F(WebSocketHubTest, AnswersPingsAndStopsWithGoingAway) {
    start(limits());
    RawWebSocket socket(port(), "/");
    RawWebSocket other(port(), "/");
    ASSERT_TRUE(handler_->opened(0) && handler_->opened(1));
    socket.send(RawWebSocket::frame(0x9, "are you there"));
    const auto pong = socket.next(5s);
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->opcode, 0xA);
    EXPECT_EQ(pong->payload, "are you there");
    server_->stopAll(true);
    server_.reset();  // and its factory's reference to the handler
    hub_->stop();
    EXPECT_EQ(socket.awaitClose(5s), 1001);
    EXPECT_EQ(other.awaitClose(5s), 1001);
    // A handler that keeps its connections (web chat does) learns of each one's end, and the hub lets go of the
    // handler: otherwise each would keep the other alive after shutdown.
    EXPECT_EQ(handler_->closed, 2);
    EXPECT_EQ(handler_.use_count(), 1) << "the stopped hub's connections still hold the handler";
}

TEST_F(WebSocketHubTest, VisitorsComeAndGoWhileOtherThreadsPushReplies) {
    // The hub's thread against HTTP threads upgrading new sockets and operators' threads pushing to every socket
    // ever opened (closed ones included): scripts/test.sh runs this under ThreadSanitizer as well.
    start(limits());
    constexpr int kVisitors = 3;
    constexpr int kRounds = 10;
    std::atomic<bool> visiting{true};
    std::vector<std::thread> pushers;
    for (int i = 0; i < 2; ++i) {
        pushers.emplace_back([&] {
            while (visiting) {
                for (const auto& connection : handler_->all()) connection->sendText("push");
                std::this_thread::sleep_for(1ms);
            }
        });
    }
    // Each round a visitor opens a socket, says something, pings, and says goodbye once its echo, its pong and a
    // pushed reply have come.
    std::vector<int> answered(kVisitors, 0);
    std::vector<std::thread> visitors;
    for (int v = 0; v < kVisitors; ++v) {
        visitors.emplace_back([&, v] {
            try {
                for (int round = 0; round < kRounds; ++round) {
                    RawWebSocket socket(port(), "/");
                    const std::string text = "visitor " + std::to_string(v) + " round " + std::to_string(round);
                    socket.sendText(text);
                    socket.send(RawWebSocket::frame(0x9, "p"));
                    bool echoed = false;
                    bool ponged = false;
                    bool pushed = false;
                    while (!echoed || !ponged || !pushed) {
                        const auto frame = socket.next(10s);
                        if (!frame) return;
                        if (frame->opcode == 0xA) {
                            ponged = frame->payload == "p";
                        } else if (frame->payload == text) {
                            echoed = true;
                        } else if (frame->payload == "push") {
                            pushed = true;
                        } else {
                            ADD_FAILURE() << text << ": a frame nobody sent it: " << frame->payload;
                            return;
                        }
                    }
                    ++answered[v];
                    socket.send(RawWebSocket::frame(0x8, std::string("\x03\xE8", 2)));
                    socket.awaitClose(5s);
                }
            } catch (const std::exception& e) {
                ADD_FAILURE() << "visitor " << v << ": " << e.what();
            }
        });
    }
    for (std::thread& visitor : visitors) visitor.join();
    visiting = false;
    for (std::thread& pusher : pushers) pusher.join();

    for (int v = 0; v < kVisitors; ++v) EXPECT_EQ(answered[v], kRounds) << "visitor " << v;
    // Every socket is gone from the hub, and the handler heard of each close once.
    const auto started = Clock::now();
    while (handler_->closed < kVisitors * kRounds && Clock::now() - started < 10s) std::this_thread::sleep_for(20ms);
    EXPECT_EQ(handler_->closed, kVisitors * kRounds);
    EXPECT_EQ(handler_->all().size(), static_cast<std::size_t>(kVisitors * kRounds));
    EXPECT_EQ(hub_->size(), 0U);
}

}  // namespace
}  // namespace omnigate
