// The readers of what VK's servers answer, on answers shaped as VK's documentation shows them and on the ones a
// broken or hostile server might send: each gives a value or the exception its caller handles.
#include <gtest/gtest.h>

#include "vk_answer.h"
#include "vk_api.h"

namespace omnigate::vk {
namespace {

TEST(VkAnswer, ApiResponseIsHandedBack) {
    EXPECT_EQ(apiResponseOf("messages.send", R"({"response": 1234})").convert<int>(), 1234);
}

TEST(VkAnswer, ApiErrorCarriesVksCode) {
    try {
        apiResponseOf("messages.send", R"({"error": {"error_code": 901, "error_msg": "Can't send messages"}})");
        FAIL() << "no VkApiError";
    } catch (const VkApiError& e) {
        EXPECT_EQ(e.code(), vk_errors::noPermissionToWrite);
        EXPECT_EQ(e.text(), "Can't send messages");
    }
}

TEST(VkAnswer, ApiErrorOfAnotherShapeIsStillAnError) {
    try {
        apiResponseOf("messages.send", R"({"error": {"error_code": "many", "error_msg": 5}})");
        FAIL() << "no VkApiError";
    } catch (const VkApiError& e) {
        EXPECT_EQ(e.code(), 0);
    }
}

TEST(VkAnswer, ApiAnswerThatIsNotAnObjectIsATransportError) {
    EXPECT_THROW(apiResponseOf("messages.send", "<html>502</html>"), VkTransportError);
    EXPECT_THROW(apiResponseOf("messages.send", "[1]"), VkTransportError);
    EXPECT_THROW(apiResponseOf("messages.send", R"({"result": 1})"), VkTransportError);
}

TEST(VkAnswer, LongPollUpdatesAndTs) {
    const LongPollAnswer a = parseLongPollAnswer(R"({"ts": "674", "updates": [{"type": "message_new"}]})");
    EXPECT_FALSE(a.failed);
    EXPECT_EQ(a.ts, "674");
    ASSERT_TRUE(a.updates);
    EXPECT_EQ(a.updates->size(), 1u);
}

TEST(VkAnswer, LongPollFailedWithNumericTs) {
    const LongPollAnswer a = parseLongPollAnswer(R"({"failed": 1, "ts": 680})");
    ASSERT_TRUE(a.failed);
    EXPECT_EQ(*a.failed, 1);
    EXPECT_EQ(a.ts, "680");
}

// No code VK documents: the poller starts over with a new key and ts.
TEST(VkAnswer, LongPollFailedThatIsNoNumberIsFailedZero) {
    EXPECT_EQ(parseLongPollAnswer(R"({"failed": "often"})").failed, 0);
    EXPECT_EQ(parseLongPollAnswer(R"({"failed": 99999999999999})").failed, 0);
}

TEST(VkAnswer, LongPollAnswerThatIsNotAnObjectIsATransportError) {
    EXPECT_THROW(parseLongPollAnswer("not json"), VkTransportError);
    EXPECT_THROW(parseLongPollAnswer("[]"), VkTransportError);
}

TEST(VkAnswer, UploadAnswerFieldsOrRefusal) {
    const UploadAnswer ok = parseUploadAnswer(R"({"server": 620327, "photo": "[]", "hash": "9a8e"})");
    ASSERT_TRUE(ok.fields);
    EXPECT_TRUE(ok.error.empty());
    const UploadAnswer refused = parseUploadAnswer(R"({"error": "ERR_UPLOAD_FILE_NOT_UPLOADED"})");
    EXPECT_FALSE(refused.fields);
    EXPECT_EQ(refused.error, "the VK upload server refused the file: ERR_UPLOAD_FILE_NOT_UPLOADED");
    EXPECT_FALSE(parseUploadAnswer("<html>").fields);
}

}  // namespace
}  // namespace omnigate::vk
