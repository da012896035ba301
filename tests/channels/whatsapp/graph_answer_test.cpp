// The readers of what the Graph API answers, on answers shaped as Meta's documentation shows them and on broken
// ones: a missing or mistyped field is empty, never an exception.
#include <gtest/gtest.h>

#include "graph_answer.h"

namespace omnigate::whatsapp {
namespace {

TEST(GraphAnswer, ErrorWithDetails) {
    const GraphError e = graphErrorOf(R"({"error": {"message": "(#131047) Re-engagement message", "code": 131047,
        "error_data": {"details": "More than 24 hours have passed"}}})");
    EXPECT_EQ(e.code, "131047");
    EXPECT_EQ(e.message, "(#131047) Re-engagement message: More than 24 hours have passed");
}

TEST(GraphAnswer, ErrorCodeAsString) {
    EXPECT_EQ(graphErrorOf(R"({"error": {"message": "Invalid OAuth access token.", "code": "190"}})").code, "190");
}

TEST(GraphAnswer, NoErrorInABrokenBody) {
    EXPECT_TRUE(graphErrorOf("<html>502</html>").code.empty());
    EXPECT_TRUE(graphErrorOf(R"({"error": "nope"})").code.empty());
}

TEST(GraphAnswer, MediaInfoWithSizeAsStringOrNumber) {
    const MediaInfo a = mediaInfoOf(R"({"url": "https://lookaside.fbsbx.com/x", "mime_type": "image/jpeg",
        "file_size": "303833", "id": "1037543291543636"})");
    EXPECT_EQ(a.url, "https://lookaside.fbsbx.com/x");
    EXPECT_EQ(a.mimeType, "image/jpeg");
    EXPECT_EQ(a.size, 303833u);
    EXPECT_EQ(mediaInfoOf(R"({"url": "https://x", "file_size": 7012})").size, 7012u);
}

TEST(GraphAnswer, MediaInfoOfABrokenBodyIsEmpty) {
    const MediaInfo a = mediaInfoOf(R"({"url": 5, "file_size": "lots"})");
    EXPECT_TRUE(a.url.empty());
    EXPECT_EQ(a.size, 0u);
    EXPECT_TRUE(mediaInfoOf("[]").url.empty());
}

// Found by the whatsapp_api_answer fuzz target: a number beyond 64 bits threw Poco::RangeException out of the
// reader (and so out of the sender and the media fetcher) instead of counting as absent.
TEST(GraphAnswer, NumbersBeyond64BitsCountAsAbsent) {
    EXPECT_TRUE(graphErrorOf(R"({"error": {"code": 13154999999999990996, "message": "x"}})").code.empty());
    EXPECT_EQ(mediaInfoOf(R"({"url": "https://x", "file_size": 18446744073709551615})").size, 0u);
}

}  // namespace
}  // namespace omnigate::whatsapp
