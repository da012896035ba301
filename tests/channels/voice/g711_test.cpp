// G.711 against the values of the ITU-T reference coder: a wrong table would still "play", only distorted, so the
// known code points and the round trip are pinned here.
#include <gtest/gtest.h>

#include "g711.h"

namespace omnigate::voice {
namespace {

TEST(G711, DecodesTheReferenceCodePoints) {
    EXPECT_EQ(ulawToLinear(0xFF), 0);
    EXPECT_EQ(ulawToLinear(0x7F), 0);
    EXPECT_EQ(ulawToLinear(0x00), -32124);
    EXPECT_EQ(ulawToLinear(0x80), 32124);
    EXPECT_EQ(alawToLinear(0xD5), 8);
    EXPECT_EQ(alawToLinear(0x55), -8);
    EXPECT_EQ(alawToLinear(0xAA), 32256);
    EXPECT_EQ(alawToLinear(0x2A), -32256);
}

TEST(G711, SilenceEncodesAsTheIdlePatterns) {
    EXPECT_EQ(linearToUlaw(0), 0xFF);
    EXPECT_EQ(linearToAlaw(0), 0xD5);
}

TEST(G711, EveryCodeRoundTripsThroughLinear) {
    for (int code = 0; code < 256; ++code) {
        const auto c = static_cast<std::uint8_t>(code);
        EXPECT_EQ(linearToAlaw(alawToLinear(c)), c) << "A-law " << code;
        if (code != 0x7F) {  // 0x7F is -0: it comes back as +0
            EXPECT_EQ(linearToUlaw(ulawToLinear(c)), c) << "µ-law " << code;
        }
    }
}

TEST(G711, EncodingIsMonotonicAndClipsAtTheExtremes) {
    EXPECT_EQ(ulawToLinear(linearToUlaw(32767)), 32124);
    EXPECT_EQ(ulawToLinear(linearToUlaw(-32768)), -32124);
    EXPECT_EQ(alawToLinear(linearToAlaw(32767)), 32256);
    int previous = -40000;
    for (int sample = -32768; sample <= 32767; sample += 64) {
        const int decoded = alawToLinear(linearToAlaw(static_cast<std::int16_t>(sample)));
        EXPECT_GE(decoded, previous) << sample;
        previous = decoded;
    }
}

TEST(G711, APayloadDecodesAndEncodesWhole) {
    const std::int16_t samples[] = {0, 1000, -1000, 30000};
    const std::string pcma = encode(Codec::Pcma, samples, 4);
    ASSERT_EQ(pcma.size(), 4u);
    std::vector<std::int16_t> back;
    decode(Codec::Pcma, reinterpret_cast<const std::uint8_t*>(pcma.data()), pcma.size(), back);
    ASSERT_EQ(back.size(), 4u);
    EXPECT_NEAR(back[1], 1000, 40);
    EXPECT_NEAR(back[2], -1000, 40);
    EXPECT_NEAR(back[3], 30000, 1100);
    EXPECT_STREQ(codecName(Codec::Pcmu), "PCMU");
}

}  // namespace
}  // namespace omnigate::voice
