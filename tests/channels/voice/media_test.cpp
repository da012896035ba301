// The media pieces a recording and a browser's player depend on: the WAV writer and reader, the two-channel
// recorder's clock, RTP parsing and the source rule, and HTTP Range.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "byte_range.h"
#include "call_recorder.h"
#include "rtp_socket.h"
#include "wav_file.h"

namespace omnigate::voice {
namespace {

TEST(Wav, WritesAStandardStereoHeaderAndReadsItBack) {
    const std::vector<std::int16_t> samples{1, -1, 1000, -1000, 32767, -32768};
    const std::string bytes = wavBytes(samples, 2, 8000);
    ASSERT_EQ(bytes.size(), 44u + 12u);
    EXPECT_EQ(bytes.substr(0, 4), "RIFF");
    EXPECT_EQ(bytes.substr(8, 8), "WAVEfmt ");
    const WavFormat f = wavFormat(bytes);
    EXPECT_EQ(f.audioFormat, 1);
    EXPECT_EQ(f.channels, 2);
    EXPECT_EQ(f.sampleRate, 8000);
    EXPECT_EQ(f.bitsPerSample, 16);
    EXPECT_EQ(f.dataBytes, 12u);
    EXPECT_DOUBLE_EQ(f.seconds(), 3.0 / 8000);
}

TEST(Wav, ReadsATelephoneWavAndRefusesOtherFormats) {
    const std::vector<std::int16_t> mono{5, -5, 300};
    EXPECT_EQ(readTelephoneWav(wavBytes(mono, 1, 8000)), mono);
    EXPECT_THROW(readTelephoneWav(wavBytes(mono, 1, 16000)), std::invalid_argument);
    EXPECT_THROW(readTelephoneWav(wavBytes({1, 2}, 2, 8000)), std::invalid_argument);
    EXPECT_THROW(readTelephoneWav("RIFF....WAVE"), std::invalid_argument);
    EXPECT_THROW(readTelephoneWav("not a wav at all"), std::invalid_argument);
    EXPECT_THROW(readTelephoneWav(wavBytes({}, 1, 8000)), std::invalid_argument);
}

TEST(Wav, AToneHasTheRequestedLengthAndLoudness) {
    const auto t = tone(440, 100, 50, 0.5);
    ASSERT_EQ(t.size(), 1200u);
    std::int16_t peak = 0;
    for (std::size_t i = 0; i < 800; ++i) peak = std::max<std::int16_t>(peak, t[i]);
    EXPECT_NEAR(peak, 16383, 200);
    for (std::size_t i = 800; i < t.size(); ++i) ASSERT_EQ(t[i], 0);
}

TEST(CallRecorder, KeepsBothSidesOnOneClockAndPadsTheSilentSide) {
    CallRecorder recorder(60);
    const std::int16_t caller[] = {1, 2, 3};
    const std::int16_t heard[] = {7};
    recorder.caller(caller, 3);
    recorder.heard(heard, 1);
    recorder.advance(4);
    EXPECT_DOUBLE_EQ(recorder.seconds(), 4.0 / 8000);
    const WavFormat f = wavFormat(recorder.wav());
    EXPECT_EQ(f.channels, 2);
    const std::string wav = recorder.wav();
    auto sample = [&](std::size_t i) {
        return static_cast<std::int16_t>(static_cast<unsigned char>(wav[44 + 2 * i]) |
                                         static_cast<unsigned char>(wav[45 + 2 * i]) << 8);
    };
    EXPECT_EQ(sample(0), 1);  // left: the caller
    EXPECT_EQ(sample(1), 7);  // right: what they heard
    EXPECT_EQ(sample(2), 2);
    EXPECT_EQ(sample(3), 0);  // nothing more heard: silence, not a shift
    EXPECT_EQ(sample(6), 0);
    EXPECT_EQ(sample(7), 0);
}

TEST(CallRecorder, StopsAtItsLimit) {
    CallRecorder recorder(1);
    recorder.advance(20000);
    EXPECT_DOUBLE_EQ(recorder.seconds(), 1.0);
}

TEST(Rtp, ParsesThePayloadPastCsrcsExtensionAndPadding) {
    std::vector<std::uint8_t> packet{0x80 | 0x20 | 0x10 | 0x01, 8, 0, 1, 0, 0, 0, 160, 1, 2, 3, 4,
                                     9, 9, 9, 9,                  // one CSRC
                                     0xBE, 0xDE, 0, 1, 5, 5, 5, 5,  // an extension of one word
                                     0xAA, 0xBB, 0, 2};           // payload, then 2 bytes of padding
    const std::uint8_t* payload = nullptr;
    std::size_t size = 0;
    ASSERT_TRUE(rtpPayload(packet.data(), packet.size(), 8, payload, size));
    EXPECT_EQ(size, 2u);
    EXPECT_EQ(payload[0], 0xAA);
    EXPECT_FALSE(rtpPayload(packet.data(), packet.size(), 0, payload, size)) << "another payload type";
    EXPECT_FALSE(rtpPayload(packet.data(), 11, 8, payload, size)) << "shorter than a header";
    packet[0] = 0x40;
    EXPECT_FALSE(rtpPayload(packet.data(), packet.size(), 8, payload, size)) << "not version 2";
    std::vector<std::uint8_t> badPadding{0xA0, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF};
    EXPECT_FALSE(rtpPayload(badPadding.data(), badPadding.size(), 8, payload, size));
}

// A UDP socket on loopback that sends datagrams to `port`.
struct Sender {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    Sender() {
        sockaddr_in local{};
        local.sin_family = AF_INET;
        local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
    }
    ~Sender() { ::close(fd); }
    int port() const {
        sockaddr_in a{};
        socklen_t n = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
        return ntohs(a.sin_port);
    }
    void send(int to, std::uint8_t marker) const {
        const std::uint8_t packet[] = {0x80, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, marker, marker};
        sockaddr_in dest{};
        dest.sin_family = AF_INET;
        dest.sin_port = htons(static_cast<std::uint16_t>(to));
        dest.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::sendto(fd, packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&dest), sizeof dest);
    }
};

TEST(Rtp, LatchesTheFirstSourceOfTheAnnouncedHostAndDropsOthers) {
    int cursor = 0;
    auto socket = RtpSocket::open("127.0.0.1", 16900, 16999, cursor);
    ASSERT_TRUE(socket);
    EXPECT_EQ(socket->port() % 2, 0);
    Sender first;
    Sender intruder;
    socket->setRemote("127.0.0.1", first.port(), 8);
    std::vector<int> heard;
    auto sink = [&](const std::uint8_t* p, std::size_t) { heard.push_back(p[0]); };
    first.send(socket->port(), 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(socket->receive(sink), 1u);
    intruder.send(socket->port(), 2);  // same host, another port, after the latch: not the caller
    first.send(socket->port(), 3);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    socket->receive(sink);
    EXPECT_EQ(heard, (std::vector<int>{1, 3}));
    EXPECT_EQ(socket->dropped(), 1u);

    // Another host named in the SDP: loopback packets do not count at all.
    socket->setRemote("192.0.2.1", 4000, 8);
    first.send(socket->port(), 4);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(socket->receive(sink), 0u);
}

TEST(Rtp, SocketsTakeDistinctEvenPortsUntilTheRangeIsFull) {
    int cursor = 0;
    auto a = RtpSocket::open("127.0.0.1", 16990, 16993, cursor);
    auto b = RtpSocket::open("127.0.0.1", 16990, 16993, cursor);
    ASSERT_TRUE(a);
    ASSERT_TRUE(b);
    EXPECT_NE(a->port(), b->port());
    EXPECT_FALSE(RtpSocket::open("127.0.0.1", 16990, 16993, cursor));
}

TEST(ByteRange, AnswersWholePartialOrUnsatisfiable) {
    ByteRange r;
    EXPECT_EQ(parseRange("", 1000, r), RangeAnswer::Whole);
    EXPECT_EQ(parseRange("bytes=0-99", 1000, r), RangeAnswer::Partial);
    EXPECT_EQ(r.first, 0u);
    EXPECT_EQ(r.last, 99u);
    EXPECT_EQ(parseRange("bytes=900-", 1000, r), RangeAnswer::Partial);
    EXPECT_EQ(r.first, 900u);
    EXPECT_EQ(r.last, 999u);
    EXPECT_EQ(parseRange("bytes=-100", 1000, r), RangeAnswer::Partial);
    EXPECT_EQ(r.first, 900u);
    EXPECT_EQ(parseRange("bytes=500-5000", 1000, r), RangeAnswer::Partial);
    EXPECT_EQ(r.last, 999u) << "an end past the file is cut to it";
    EXPECT_EQ(parseRange("bytes=1000-", 1000, r), RangeAnswer::Unsatisfiable);
    EXPECT_EQ(parseRange("bytes=-0", 1000, r), RangeAnswer::Unsatisfiable);
    EXPECT_EQ(parseRange("bytes=5-1", 1000, r), RangeAnswer::Whole) << "malformed: ignored";
    EXPECT_EQ(parseRange("bytes=0-1,5-6", 1000, r), RangeAnswer::Whole) << "multiple ranges: ignored";
    EXPECT_EQ(parseRange("items=0-1", 1000, r), RangeAnswer::Whole);
    EXPECT_EQ(parseRange("bytes=x-1", 1000, r), RangeAnswer::Whole);
}

}  // namespace
}  // namespace omnigate::voice
