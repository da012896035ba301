// Web chat sockets that misbehave (issue 15, item 5), against the real daemon: a visitor who pings and never reads,
// and one who trickles a frame in, delay nobody else; the first is closed with 1008 once its queue is over the
// cap, the second once the frame timeout passes; and sockets over http.max_websockets are closed with 1013.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <atomic>
#include <thread>

#include "support/daemon_process.h"
#include "support/raw_websocket.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const char* const kLiftedRateLimits =
    "  rate_limits:\n"
    "    webchat_sessions: {burst: 1000000, per_minute: 1000000}\n"
    "    webchat_messages: {burst: 1000000, per_minute: 1000000}\n";

struct Visitor {
    std::string token;
    std::int64_t interaction = 0;
};

// A session whose first message opened an interaction an operator can reply in.
Visitor visitor(DaemonProcess& daemon, const std::string& name) {
    Visitor v;
    const HttpResult session = daemon.http().postJson("/api/v1/webchat/demo/sessions", R"({"name":")" + name + R"("})");
    EXPECT_EQ(session.status, 201) << session.body;
    v.token = session.json()->getValue<std::string>("token");
    const HttpResult message = daemon.http().postJson("/api/v1/webchat/demo/messages", R"({"text":"hello"})", v.token);
    EXPECT_EQ(message.status, 201) << message.body;
    v.interaction = message.json()->getValue<std::int64_t>("interaction_id");
    return v;
}

std::string socketPath(const Visitor& v) { return "/api/v1/webchat/demo/ws?token=" + v.token; }

HttpResult reply(DaemonProcess& daemon, const Visitor& v, const std::string& text) {
    return daemon.http().postJson("/api/v1/interactions/" + std::to_string(v.interaction) + "/messages",
                                  R"({"text":")" + text + R"("})", daemon.adminToken());
}

// The next frame of `type`, skipping others; its JSON, or nothing within `timeout`.
Poco::JSON::Object::Ptr nextOfType(RawWebSocket& socket, const std::string& type, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        const auto frame =
            socket.next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
        if (!frame) return nullptr;
        if (frame->opcode != 0x1) continue;
        auto json = Poco::JSON::Parser().parse(frame->payload).extract<Poco::JSON::Object::Ptr>();
        if (json->getValue<std::string>("type") == type) return json;
    }
    return nullptr;
}

TEST(SlowWebSockets, AVisitorWhoNeverReadsAndOneWhoTricklesDelayNobodyElse) {
    DaemonOptions options;
    options.httpYaml = std::string(kLiftedRateLimits) +
                       "  websocket_send_queue_bytes: 65536\n"
                       "  websocket_send_timeout_seconds: 10\n"
                       "  websocket_frame_timeout_seconds: 2\n";
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();

    const Visitor fastVisitor = visitor(daemon, "Fast");
    const Visitor slowVisitor = visitor(daemon, "Slow");
    const Visitor tricklingVisitor = visitor(daemon, "Trickling");
    RawWebSocket fast(daemon.port(), socketPath(fastVisitor));
    RawWebSocket slow(daemon.port(), socketPath(slowVisitor), 4096);  // a small window, soon full
    RawWebSocket trickler(daemon.port(), socketPath(tricklingVisitor));

    // The slow visitor pings without end (40,000 pings of 125 bytes: 5 MB of pongs, more than the kernel's
    // buffers and the 64 KiB queue hold) and never reads; the trickler sends a frame a byte every 200 ms.
    std::thread flood([&] {
        const std::string ping = RawWebSocket::frame(0x9, std::string(125, 'p'));
        std::string burst;
        for (int i = 0; i < 100; ++i) burst += ping;
        for (int i = 0; i < 400 && slow.send(burst); ++i) {
        }
    });
    std::atomic<bool> stop{false};
    const auto trickleStarted = Clock::now();
    std::thread trickle([&] {
        const std::string frame = RawWebSocket::frame(0x1, R"({"type":"ping","padding":")" + std::string(60, 'x') + "\"}");
        for (std::size_t i = 0; i < frame.size() && !stop; ++i) {
            if (!trickler.send(frame.substr(i, 1))) break;
            std::this_thread::sleep_for(200ms);
        }
    });
    // Large replies to the slow visitor: each is answered, none waits on the visitor.
    for (int i = 0; i < 3; ++i) {
        const HttpResult pushed = reply(daemon, slowVisitor, std::string(3000, 'a' + i));
        EXPECT_EQ(pushed.status, 201) << pushed.body;
    }

    for (int i = 0; i < 5; ++i) {
        const auto pinged = Clock::now();
        ASSERT_TRUE(fast.sendText(R"({"type":"ping"})"));
        EXPECT_TRUE(nextOfType(fast, "pong", 5s)) << "no pong " << i;
        EXPECT_LT(Clock::now() - pinged, 1s) << "the pong to ping " << i << " was late";

        const std::string text = "reply " + std::to_string(i);
        const HttpResult answered = reply(daemon, fastVisitor, text);
        ASSERT_EQ(answered.status, 201) << answered.body;
        EXPECT_EQ(answered.json()->getValue<std::string>("status"), "delivered");
        // Pushed while the reply was stored: from its answer on, the frame may only be in transit.
        const auto repliedAt = Clock::now();
        const auto frame = nextOfType(fast, "message", 5s);
        ASSERT_TRUE(frame) << "reply " << i << " never reached the visitor";
        EXPECT_EQ(frame->getObject("message")->getValue<std::string>("text"), text);
        EXPECT_LT(Clock::now() - repliedAt, 1s) << "reply " << i << " was late";
        std::this_thread::sleep_for(100ms);
    }

    flood.join();
    EXPECT_EQ(slow.awaitClose(20s), 1008) << "the slow visitor is closed for policy, after what was sent before";
    const std::optional<int> trickleCode = trickler.awaitClose(10s);
    const auto trickleClosedAfter = Clock::now() - trickleStarted;
    stop = true;
    trickle.join();
    EXPECT_EQ(trickleCode, 1008);
    EXPECT_GE(trickleClosedAfter, 2s) << "not before the frame timeout";
    if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon.log() << "\n";
}

TEST(SlowWebSockets, SocketsOverMaxWebsocketsAreClosedWithTryAgainLater) {
    DaemonOptions options;
    options.httpYaml = std::string(kLiftedRateLimits) + "  max_websockets: 3\n";
    DaemonProcess daemon(options);
    ASSERT_TRUE(daemon.waitReady()) << daemon.log();

    std::vector<std::unique_ptr<RawWebSocket>> open;
    for (int i = 0; i < 3; ++i) {
        open.push_back(std::make_unique<RawWebSocket>(daemon.port(), socketPath(visitor(daemon, "V" + std::to_string(i)))));
    }
    const Visitor late = visitor(daemon, "Late");
    RawWebSocket refused(daemon.port(), socketPath(late));
    EXPECT_EQ(refused.awaitClose(5s), 1013);

    // Once one leaves, there is room again.
    open.front()->send(RawWebSocket::frame(0x8, std::string("\x03\xE8", 2)));
    EXPECT_TRUE(open.front()->awaitEof(5s));
    bool admitted = false;
    for (int attempt = 0; attempt < 50 && !admitted; ++attempt) {
        RawWebSocket again(daemon.port(), socketPath(late));
        ASSERT_TRUE(again.sendText(R"({"type":"ping"})"));
        admitted = nextOfType(again, "pong", 2s) != nullptr;
        if (!admitted) std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(admitted) << "a socket is admitted once another has closed";
    if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon.log() << "\n";
}

}  // namespace
}  // namespace omnigate::test
