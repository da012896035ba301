// A WebSocket client at the byte level, for tests of how the daemon treats misbehaving peers: one that shrinks its
// receive buffer and stops reading, one that trickles a frame in, one that reads close codes. POCO's client hides
// exactly those things (it reads whole frames, answers pings, masks for us).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace omnigate::test {

class RawWebSocket {
public:
    struct Frame {
        std::uint8_t opcode = 0;
        std::string payload;
        // A close frame's code (0 for other frames).
        int closeCode() const;
    };

    // Connects to 127.0.0.1:port and upgrades `target` (path and query); a positive receiveBuffer is set as
    // SO_RCVBUF before connecting, so the kernel's window stays that small; a non-empty protocol is asked for as
    // Sec-WebSocket-Protocol (Mosquitto answers only "mqtt"). Throws std::runtime_error when the upgrade is not
    // answered with 101 (the message has the status line).
    RawWebSocket(int port, const std::string& target, int receiveBuffer = 0, const std::string& protocol = "");
    ~RawWebSocket();
    RawWebSocket(const RawWebSocket&) = delete;
    RawWebSocket& operator=(const RawWebSocket&) = delete;

    // A client's frame: final and masked.
    static std::string frame(std::uint8_t opcode, const std::string& payload);

    // Writes all of `bytes` (blocking); false when the daemon has closed the connection.
    bool send(const std::string& bytes);
    bool sendText(const std::string& text) { return send(frame(0x1, text)); }

    // The next frame, or nothing when none is complete within `timeout` or the connection ended.
    std::optional<Frame> next(std::chrono::milliseconds timeout);
    // Reads (and drops) frames until the daemon's close frame: its code; nothing on EOF or after `timeout`.
    std::optional<int> awaitClose(std::chrono::milliseconds timeout);
    // True once the daemon has closed the TCP connection (EOF within `timeout`, everything before it dropped).
    bool awaitEof(std::chrono::milliseconds timeout);

private:
    int fd_ = -1;
    std::string buffer_;  // received, not yet parsed
};

}  // namespace omnigate::test
