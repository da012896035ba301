// What an operator reads about an ended call, and the voice.call_ended data integrations receive.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "call_summary.h"

namespace omnigate::voice {
namespace {

using namespace std::chrono_literals;

CallSummary talked() {
    CallSummary s;
    s.account = "demo";
    s.interactionId = 42;
    s.sipCallId = "abc@host";
    s.caller = "+4930123";
    s.dialled = "800";
    s.operatorId = "ivanov";
    s.arrivedAt = std::chrono::system_clock::time_point(1700000000s);
    s.answeredAt = s.arrivedAt + 1s;
    s.connectedAt = s.arrivedAt + 12s;
    s.endedAt = s.arrivedAt + 43s;
    s.hangupSide = "caller";
    s.hangupCause = "bye";
    return s;
}

TEST(CallSummary, TellsWhoTalkedHowLongAndWhoHungUp) {
    const std::string text = summaryText(talked(), true);
    EXPECT_NE(text.find("Call from +4930123 to 800: waited 12 s, talked 31 s with ivanov"), std::string::npos) << text;
    EXPECT_NE(text.find("hung up by the caller (bye)"), std::string::npos);
    EXPECT_NE(text.find("Arrived 2023-11-14T22:13:20.000Z"), std::string::npos) << text;
    EXPECT_NE(text.find("SIP Call-ID abc@host"), std::string::npos);
    EXPECT_NE(text.find("The recording is attached."), std::string::npos);
}

TEST(CallSummary, AnAbandonedCallSaysHowLongTheCallerWaited) {
    CallSummary s = talked();
    s.connectedAt = {};
    s.operatorId.clear();
    s.notes.push_back("operator ivanov did not answer (486 Busy Here)");
    const std::string text = summaryText(s, false);
    EXPECT_NE(text.find("not connected to an operator, waited 43 s"), std::string::npos) << text;
    EXPECT_NE(text.find("operator ivanov did not answer (486 Busy Here)."), std::string::npos);
    EXPECT_EQ(text.find("recording"), std::string::npos);
    EXPECT_EQ(s.talkedSeconds(), 0);
}

TEST(CallSummary, TheEventDataCarriesTheTimesAndTheRecording) {
    Attachment recording{"f-1", "call-42.wav", "audio/wav", 1234};
    const auto data = Poco::JSON::Parser().parse(summaryJson(talked(), &recording, 30.96)).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(data->getValue<std::int64_t>("interaction_id"), 42);
    EXPECT_EQ(data->getValue<std::string>("direction"), "inbound");
    EXPECT_EQ(data->getValue<std::string>("sip_call_id"), "abc@host");
    EXPECT_EQ(data->getValue<std::string>("connected_at"), "2023-11-14T22:13:32.000Z");
    EXPECT_EQ(data->getValue<int>("waited_seconds"), 12);
    EXPECT_EQ(data->getValue<int>("talked_seconds"), 31);
    EXPECT_EQ(data->getValue<std::string>("hangup_side"), "caller");
    EXPECT_EQ(data->getObject("recording")->getValue<std::string>("file_id"), "f-1");
    EXPECT_DOUBLE_EQ(data->getObject("recording")->getValue<double>("seconds"), 31.0);

    CallSummary never = talked();
    never.connectedAt = {};
    const auto none = Poco::JSON::Parser().parse(summaryJson(never, nullptr, 0)).extract<Poco::JSON::Object::Ptr>();
    EXPECT_TRUE(none->isNull("connected_at"));
    EXPECT_TRUE(none->isNull("recording"));
}

}  // namespace
}  // namespace omnigate::voice
