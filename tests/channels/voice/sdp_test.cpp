// The offer/answer rules that decide whether a caller is answered or gets 488, and where their audio goes.
#include <gtest/gtest.h>

#include "sdp.h"

namespace omnigate::voice {
namespace {

const char* const sippOffer =
    "v=0\r\n"
    "o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.10\r\n"
    "t=0 0\r\n"
    "m=audio 6000 RTP/AVP 0 8 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n";

TEST(Sdp, ReadsTheSessionAddressPortAndPayloadTypes) {
    const auto media = parseSdp(sippOffer);
    ASSERT_TRUE(media);
    EXPECT_EQ(media->address, "192.0.2.10");
    EXPECT_EQ(media->port, 6000);
    EXPECT_EQ(media->payloadTypes, (std::vector<int>{0, 8, 101}));
    EXPECT_EQ(media->direction, "sendrecv");
}

TEST(Sdp, TheMediaLevelAddressWinsAndLinesMayEndInBareNewlines) {
    const auto media = parseSdp("v=0\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 8\nc=IN IP4 10.0.0.2\na=sendonly\n");
    ASSERT_TRUE(media);
    EXPECT_EQ(media->address, "10.0.0.2");
    EXPECT_EQ(media->direction, "sendonly");
}

TEST(Sdp, ChoosesThePeersFirstG711Codec) {
    auto choice = chooseCodec(*parseSdp(sippOffer));
    ASSERT_TRUE(choice);
    EXPECT_EQ(choice->codec, Codec::Pcmu);
    EXPECT_EQ(choice->payloadType, 0);

    choice = chooseCodec(*parseSdp("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 5 RTP/AVP 18 8 0\r\n"));
    ASSERT_TRUE(choice);
    EXPECT_EQ(choice->codec, Codec::Pcma);
}

TEST(Sdp, AcceptsG711OnADynamicPayloadType) {
    const auto choice = chooseCodec(*parseSdp("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 5 RTP/AVP 96\r\na=rtpmap:96 pcma/8000\r\n"));
    ASSERT_TRUE(choice);
    EXPECT_EQ(choice->codec, Codec::Pcma);
    EXPECT_EQ(choice->payloadType, 96);
}

TEST(Sdp, NothingWeSpeakMeans488) {
    EXPECT_FALSE(chooseCodec(*parseSdp("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 5 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n")));
    // A wideband codec on a static number is not G.711 at 8 kHz.
    EXPECT_FALSE(chooseCodec(*parseSdp("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 5 RTP/AVP 8\r\na=rtpmap:8 PCMA/16000\r\n")));
    // A refused stream (port 0).
    EXPECT_FALSE(chooseCodec(*parseSdp("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 0 RTP/AVP 8\r\n")));
}

TEST(Sdp, NoAudioOrNotSdpAtAllIsNoOffer) {
    EXPECT_FALSE(parseSdp(""));
    EXPECT_FALSE(parseSdp("hello world"));
    EXPECT_FALSE(parseSdp("v=0\r\nm=video 5000 RTP/AVP 96\r\n"));
    EXPECT_FALSE(parseSdp("v=0\r\nm=audio 99999 RTP/AVP 8\r\n"));
}

TEST(Sdp, OurAnswerNamesOneCodecOurAddressAndPort) {
    const std::string sdp = buildSdp("127.0.0.1", 16002, 42, 2, {CodecChoice{Codec::Pcma, 8}});
    const auto back = parseSdp(sdp);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->address, "127.0.0.1");
    EXPECT_EQ(back->port, 16002);
    EXPECT_EQ(back->payloadTypes, std::vector<int>{8});
    EXPECT_NE(sdp.find("o=omnigate 42 2 IN IP4 127.0.0.1\r\n"), std::string::npos);
    EXPECT_NE(sdp.find("a=rtpmap:8 PCMA/8000\r\n"), std::string::npos);
    EXPECT_NE(sdp.find("a=ptime:20\r\n"), std::string::npos);
}

}  // namespace
}  // namespace omnigate::voice
