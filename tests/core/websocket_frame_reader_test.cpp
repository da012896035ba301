#include "http/websocket_frame_reader.h"

#include <gtest/gtest.h>

namespace omnigate {
namespace {

using Result = WebSocketFrameReader::Result;

// A frame as a client sends it: masked.
std::string clientFrame(std::uint8_t first, const std::string& payload, bool masked = true) {
    std::string frame(1, static_cast<char>(first));
    const char maskBit = masked ? static_cast<char>(0x80) : 0;
    if (payload.size() < 126) {
        frame.push_back(static_cast<char>(maskBit | static_cast<char>(payload.size())));
    } else if (payload.size() <= 0xFFFF) {
        frame.push_back(static_cast<char>(maskBit | 126));
        frame.push_back(static_cast<char>(payload.size() >> 8));
        frame.push_back(static_cast<char>(payload.size() & 0xFF));
    } else {
        frame.push_back(static_cast<char>(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8) frame.push_back(static_cast<char>((payload.size() >> shift) & 0xFF));
    }
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    if (masked) frame.append(mask, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) frame.push_back(masked ? payload[i] ^ mask[i % 4] : payload[i]);
    return frame;
}

TEST(WebSocketFrameReader, UnmasksAWholeFrame) {
    WebSocketFrameReader reader(1000);
    const std::string bytes = clientFrame(0x81, "hello");
    reader.append(bytes.data(), bytes.size());
    WebSocketFrame frame;
    ASSERT_EQ(reader.next(frame), Result::Frame);
    EXPECT_EQ(frame.opcode, WebSocketFrame::Text);
    EXPECT_TRUE(frame.fin);
    EXPECT_EQ(frame.payload, "hello");
    EXPECT_FALSE(reader.partial());
    EXPECT_EQ(reader.next(frame), Result::NeedMore);
}

TEST(WebSocketFrameReader, WaitsForAFrameArrivingByteByByte) {
    WebSocketFrameReader reader(100000);
    const std::string bytes = clientFrame(0x81, std::string(300, 'x')) + clientFrame(0x89, "p");
    WebSocketFrame frame;
    std::size_t frames = 0;
    for (char byte : bytes) {
        reader.append(&byte, 1);
        while (reader.next(frame) == Result::Frame) ++frames;
        if (frames == 0) {
            EXPECT_TRUE(reader.partial());
        }
    }
    EXPECT_EQ(frames, 2U);
    EXPECT_EQ(frame.opcode, WebSocketFrame::Ping);
    EXPECT_FALSE(reader.partial());
}

TEST(WebSocketFrameReader, ReadsSixtyFourBitLengths) {
    WebSocketFrameReader reader(100000);
    const std::string bytes = clientFrame(0x81, std::string(70000, 'y'));
    reader.append(bytes.data(), bytes.size());
    WebSocketFrame frame;
    ASSERT_EQ(reader.next(frame), Result::Frame);
    EXPECT_EQ(frame.payload, std::string(70000, 'y'));
}

TEST(WebSocketFrameReader, RefusesAnAnnouncedPayloadOverTheLimitBeforeItArrives) {
    WebSocketFrameReader reader(1000);
    const std::string bytes = clientFrame(0x81, std::string(1001, 'z')).substr(0, 8);
    reader.append(bytes.data(), bytes.size());
    WebSocketFrame frame;
    EXPECT_EQ(reader.next(frame), Result::TooBig);
}

TEST(WebSocketFrameReader, RefusesWhatRfc6455Forbids) {
    const std::vector<std::string> bad{
        clientFrame(0x81, "unmasked", false),
        clientFrame(0xC1, "reserved bit"),
        clientFrame(0x83, "unknown opcode"),
        clientFrame(0x09, "fragmented ping"),
        clientFrame(0x89, std::string(126, 'p')),  // a control frame over 125 bytes
    };
    for (const std::string& bytes : bad) {
        WebSocketFrameReader reader(100000);
        reader.append(bytes.data(), bytes.size());
        WebSocketFrame frame;
        EXPECT_EQ(reader.next(frame), Result::ProtocolError) << static_cast<int>(static_cast<unsigned char>(bytes[0]));
    }
}

TEST(WebSocketFrame, EncodesTheThreeLengthForms) {
    EXPECT_EQ(WebSocketFrame::encode(WebSocketFrame::Text, "hi"), std::string("\x81\x02hi", 4));
    const std::string medium = WebSocketFrame::encode(WebSocketFrame::Text, std::string(300, 'm'));
    EXPECT_EQ(medium.substr(0, 4), std::string("\x81\x7E\x01\x2C", 4));
    EXPECT_EQ(medium.size(), 304U);
    const std::string large = WebSocketFrame::encode(WebSocketFrame::Binary, std::string(70000, 'l'));
    EXPECT_EQ(large.substr(0, 10), std::string("\x82\x7F\x00\x00\x00\x00\x00\x01\x11\x70", 10));
}

TEST(WebSocketFrame, ACloseReasonIsCutToFitAndNotInsideACharacter) {
    const std::string payload = WebSocketFrame::closePayload(1008, std::string(122, 'a') + "\xC3\xA9" + "tail");
    EXPECT_EQ(payload.substr(0, 2), std::string("\x03\xF0", 2));
    EXPECT_EQ(payload.size(), 2U + 122U);  // the two-byte é would end at 124 > 123: left out whole
}

}  // namespace
}  // namespace omnigate
