#include "http/websocket_frame_reader.h"

namespace omnigate {

std::string WebSocketFrame::encode(std::uint8_t opcode, const std::string& payload) {
    std::string frame;
    frame.reserve(payload.size() + 10);
    frame.push_back(static_cast<char>(0x80 | (opcode & 0x0F)));
    const std::uint64_t size = payload.size();
    if (size < 126) {
        frame.push_back(static_cast<char>(size));
    } else if (size <= 0xFFFF) {
        frame.push_back(static_cast<char>(126));
        for (int shift = 8; shift >= 0; shift -= 8) frame.push_back(static_cast<char>((size >> shift) & 0xFF));
    } else {
        frame.push_back(static_cast<char>(127));
        for (int shift = 56; shift >= 0; shift -= 8) frame.push_back(static_cast<char>((size >> shift) & 0xFF));
    }
    frame += payload;
    return frame;
}

std::string WebSocketFrame::closePayload(std::uint16_t code, const std::string& reason) {
    std::string payload;
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xFF));
    std::string text = reason.substr(0, 123);
    // Not cut inside a UTF-8 sequence: the peer must be able to decode the reason.
    if (text.size() < reason.size()) {
        while (!text.empty() && (static_cast<unsigned char>(reason[text.size()]) & 0xC0) == 0x80) text.pop_back();
    }
    return payload + text;
}

void WebSocketFrameReader::append(const char* data, std::size_t size) {
    buffer_.erase(0, offset_);  // what is left is less than one frame
    offset_ = 0;
    buffer_.append(data, size);
}

WebSocketFrameReader::Result WebSocketFrameReader::next(WebSocketFrame& frame) {
    const std::size_t available = buffer_.size() - offset_;
    if (available < 2) return Result::NeedMore;
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(buffer_[offset_ + i]); };

    const bool fin = (byte(0) & 0x80) != 0;
    const std::uint8_t opcode = byte(0) & 0x0F;
    const bool control = (opcode & 0x08) != 0;
    if ((byte(0) & 0x70) != 0) return Result::ProtocolError;
    if (opcode != WebSocketFrame::Continuation && opcode != WebSocketFrame::Text &&
        opcode != WebSocketFrame::Binary && opcode != WebSocketFrame::Close && opcode != WebSocketFrame::Ping &&
        opcode != WebSocketFrame::Pong) {
        return Result::ProtocolError;
    }
    if ((byte(1) & 0x80) == 0) return Result::ProtocolError;  // RFC 6455 5.1: a client masks every frame

    std::uint64_t length = byte(1) & 0x7F;
    std::size_t header = 2;
    if (length == 126 || length == 127) {
        const std::size_t bytes = length == 126 ? 2 : 8;
        if (available < header + bytes) return Result::NeedMore;
        length = 0;
        for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | byte(header + i);
        header += bytes;
        if (length >> 63 != 0) return Result::ProtocolError;
    }
    if (control && (length > 125 || !fin)) return Result::ProtocolError;
    if (length > maxPayloadBytes_) return Result::TooBig;
    header += 4;  // the masking key
    if (available < header + length) return Result::NeedMore;

    const char* mask = buffer_.data() + offset_ + header - 4;
    frame.opcode = opcode;
    frame.fin = fin;
    frame.payload.assign(buffer_, offset_ + header, length);
    for (std::size_t i = 0; i < frame.payload.size(); ++i) frame.payload[i] ^= mask[i % 4];
    offset_ += header + length;
    return Result::Frame;
}

}  // namespace omnigate
