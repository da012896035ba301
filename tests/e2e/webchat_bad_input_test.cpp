// Bad input never half-writes and never takes the daemon down: each case gets a 4xx with the JSON error shape,
// nothing new in the tables, and the daemon answers the next request.
#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/WebSocket.h>

#include "support/daemon_process.h"
#include "support/db_probe.h"

namespace omnigate::test {
namespace {

class WebchatBadInput : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.maxBodyBytes = 4096;
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void SetUp() override { rowsBefore_ = rows(); }
    void TearDown() override {
        EXPECT_EQ(rows(), rowsBefore_) << "bad input wrote rows";
        EXPECT_EQ(daemon_->http().get("/healthz").status, 200) << "the daemon stopped serving";
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    std::int64_t rows() {
        return db_.scalar("SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM clients) + "
                          "(SELECT COUNT(*) FROM interactions)");
    }

    std::string token() {
        return daemon_->http().postJson("/api/v1/webchat/demo/sessions", "{}").json()->getValue<std::string>("token");
    }

    // Asserts the JSON error shape and returns its code.
    static std::string errorCode(const HttpResult& r) {
        const auto error = r.json()->getObject("error");
        EXPECT_FALSE(error.isNull()) << r.body;
        if (error.isNull()) return {};
        EXPECT_FALSE(error->getValue<std::string>("message").empty()) << r.body;
        return error->getValue<std::string>("code");
    }

    static DaemonProcess* daemon_;
    DbProbe db_;
    std::int64_t rowsBefore_ = 0;
};

DaemonProcess* WebchatBadInput::daemon_ = nullptr;

TEST_F(WebchatBadInput, MalformedJson) {
    const HttpResult r = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text": "unterminated)", token());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(errorCode(r), "bad_request");
}

TEST_F(WebchatBadInput, MissingText) {
    const HttpResult r = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"client_message_id":"x"})", token());
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("text"), std::string::npos) << r.body;
}

TEST_F(WebchatBadInput, UnknownAccount) {
    const HttpResult r = daemon_->http().postJson("/api/v1/webchat/nosuch/sessions", "{}");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(errorCode(r), "unknown_account");
}

TEST_F(WebchatBadInput, WrongToken) {
    std::string forged = token();
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    const HttpResult r = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"hi"})", forged);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(errorCode(r), "invalid_token");
    EXPECT_EQ(daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"hi"})").status, 401);
}

TEST_F(WebchatBadInput, OversizedBody) {
    const std::string body = R"({"text":")" + std::string(8000, 'x') + R"("})";
    const HttpResult r = daemon_->http().postJson("/api/v1/webchat/demo/messages", body, token());
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(errorCode(r), "body_too_large");
}

TEST_F(WebchatBadInput, UnknownEndpointAndWrongMethod) {
    EXPECT_EQ(errorCode(daemon_->http().get("/api/v1/nothing-here")), "not_found");
    const HttpResult r = daemon_->http().request("DELETE", "/api/v1/webchat/demo/messages");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(errorCode(r), "method_not_allowed");
}

TEST_F(WebchatBadInput, AdminEndpointsNeedTheToken) {
    EXPECT_EQ(daemon_->http().postJson("/api/v1/interactions/1/messages", R"({"text":"x"})").status, 401);
    const HttpResult wrong = daemon_->http().postJson("/api/v1/interactions/1/messages", R"({"text":"x"})", "not-the-token");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(errorCode(wrong), "unauthorized");
    const HttpResult missing = daemon_->http().postJson("/api/v1/interactions/999999999/messages", R"({"text":"x"})",
                                                        daemon_->adminToken());
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(daemon_->http().postJson("/api/v1/interactions/abc/messages", R"({"text":"x"})", daemon_->adminToken()).status,
              400);
}

class WebSocketAbuse : public WebchatBadInput {
protected:
    std::unique_ptr<Poco::Net::WebSocket> connect() {
        session_ = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", static_cast<Poco::UInt16>(daemon_->port()));
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/api/v1/webchat/demo/ws?token=" + token(),
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        Poco::Net::HTTPResponse response;
        auto socket = std::make_unique<Poco::Net::WebSocket>(*session_, request, response);
        socket->setReceiveTimeout(Poco::Timespan(5, 0));
        return socket;
    }

    // The close code the server answered with.
    static int closeCode(Poco::Net::WebSocket& socket) {
        char buffer[512];
        int flags = 0;
        for (int i = 0; i < 5; ++i) {
            const int n = socket.receiveFrame(buffer, sizeof buffer, flags);
            if ((flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
                return n >= 2 ? (static_cast<unsigned char>(buffer[0]) << 8) | static_cast<unsigned char>(buffer[1]) : 0;
            }
            if (n == 0) return 0;
        }
        return -1;
    }

    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

TEST_F(WebSocketAbuse, WithoutAValidTokenTheUpgradeIsRefused) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(daemon_->port()));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/api/v1/webchat/demo/ws?token=garbage",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse response;
    EXPECT_THROW(Poco::Net::WebSocket(session, request, response), Poco::Net::WebSocketException);
    EXPECT_EQ(response.getStatus(), 401);
}

TEST_F(WebSocketAbuse, HugeFrameClosesWith1009) {
    auto socket = connect();
    const std::string huge(64 * 1024, 'x');
    socket->sendFrame(huge.data(), static_cast<int>(huge.size()), Poco::Net::WebSocket::FRAME_TEXT);
    EXPECT_EQ(closeCode(*socket), Poco::Net::WebSocket::WS_PAYLOAD_TOO_BIG);
}

TEST_F(WebSocketAbuse, BinaryFrameClosesWith1003) {
    auto socket = connect();
    const char bytes[] = {0x00, 0x01, 0x02};
    socket->sendFrame(bytes, sizeof bytes, Poco::Net::WebSocket::FRAME_BINARY);
    EXPECT_EQ(closeCode(*socket), Poco::Net::WebSocket::WS_PAYLOAD_NOT_ACCEPTABLE);
}

TEST_F(WebSocketAbuse, ReservedOpcodeClosesWith1002) {
    // POCO's client would wrap anything we send in a frame, so the handshake and the garbage go over a raw socket.
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(daemon_->port())));
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    const std::string handshake = "GET /api/v1/webchat/demo/ws?token=" + token() +
                                  " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    socket.sendBytes(handshake.data(), static_cast<int>(handshake.size()));
    std::string response;
    char c = 0;
    while (response.find("\r\n\r\n") == std::string::npos && socket.receiveBytes(&c, 1) == 1) response += c;
    ASSERT_EQ(response.rfind("HTTP/1.1 101", 0), 0u) << response;

    // Reserved bits and a reserved opcode: not WebSocket as RFC 6455 knows it.
    const unsigned char garbage[] = {0xff, 0x85, 0x00, 0x00, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o'};
    socket.sendBytes(garbage, sizeof garbage);
    unsigned char frame[64];
    const int n = socket.receiveBytes(frame, sizeof frame);
    ASSERT_GE(n, 4) << "expected a close frame";
    EXPECT_EQ(frame[0] & 0x0f, Poco::Net::WebSocket::FRAME_OP_CLOSE);
    EXPECT_EQ((frame[2] << 8) | frame[3], Poco::Net::WebSocket::WS_PROTOCOL_ERROR);
}

TEST_F(WebSocketAbuse, PingIsAnsweredAndUnknownJsonGetsAnErrorFrame) {
    auto socket = connect();
    socket->sendFrame("{\"type\":\"ping\"}", 15, Poco::Net::WebSocket::FRAME_TEXT);
    char buffer[512];
    int flags = 0;
    int n = socket->receiveFrame(buffer, sizeof buffer, flags);
    EXPECT_NE(std::string(buffer, static_cast<std::size_t>(n)).find("pong"), std::string::npos);
    socket->sendFrame("not json", 8, Poco::Net::WebSocket::FRAME_TEXT);
    n = socket->receiveFrame(buffer, sizeof buffer, flags);
    EXPECT_NE(std::string(buffer, static_cast<std::size_t>(n)).find("\"error\""), std::string::npos);
}

}  // namespace
}  // namespace omnigate::test
