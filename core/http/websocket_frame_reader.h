// RFC 6455 framing for the hub. POCO 1.11's WebSocket reads and writes a whole frame with blocking calls, so one
// peer that stops reading, or trickles a frame in, would hold the hub's only thread; the hub reads and writes
// without blocking instead and frames the bytes here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace omnigate {

struct WebSocketFrame {
    enum Opcode : std::uint8_t { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };
    std::uint8_t opcode = Text;
    bool fin = true;
    std::string payload;

    // A frame as a server sends it: final, unmasked.
    static std::string encode(std::uint8_t opcode, const std::string& payload);
    // A close frame's payload: the code, then as much of the reason as a control frame holds (123 bytes).
    static std::string closePayload(std::uint16_t code, const std::string& reason);
};

// Collects a client's bytes and hands out its frames as they become complete.
class WebSocketFrameReader {
public:
    enum class Result {
        Frame,          // `frame` holds the next one
        NeedMore,       // no complete frame buffered
        TooBig,         // a payload over the limit is announced (close 1009)
        ProtocolError,  // unmasked, reserved bits, an unknown opcode, a long or fragmented control frame (1002)
    };

    explicit WebSocketFrameReader(std::size_t maxPayloadBytes) : maxPayloadBytes_(maxPayloadBytes) {}

    void append(const char* data, std::size_t size);
    Result next(WebSocketFrame& frame);
    // Bytes of a frame that is not complete yet are waiting.
    bool partial() const { return offset_ < buffer_.size(); }

private:
    const std::size_t maxPayloadBytes_;
    std::string buffer_;
    std::size_t offset_ = 0;  // where the next frame starts in buffer_
};

}  // namespace omnigate
