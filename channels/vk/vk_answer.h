// What VK's servers answer, read apart from the transfers that fetch it so every reader can be fuzzed on its own:
// an API method's {"response": …} or {"error": {"error_code", "error_msg"}}, a Bots Long Poll a_check answer and
// an upload server's answer. None of them trusts the shape: anything unexpected is an exception the caller knows.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace omnigate::vk {

// The `response` of `method`'s answer. Throws VkApiError (VK said no) or VkTransportError (not a JSON object, or
// neither response nor error).
Poco::Dynamic::Var apiResponseOf(const std::string& method, const std::string& body);

// The `ts` of a Long Poll answer or of groups.getLongPollServer's: VK sends it as a string in a_check answers and
// as a number or string from getLongPollServer. Empty when there is none.
std::string longPollTsOf(const Poco::JSON::Object::Ptr& o);

struct LongPollAnswer {
    std::optional<int> failed;       // set: VK's failed code (0 when not a number), nothing else counts
    std::string ts;                  // empty when the answer gives none
    Poco::JSON::Array::Ptr updates;  // null when there are none
};
// Throws VkTransportError when the answer is not a JSON object.
LongPollAnswer parseLongPollAnswer(const std::string& body);

// An upload server's answer: its fields, or (fields null) why it is no use.
struct UploadAnswer {
    Poco::JSON::Object::Ptr fields;
    std::string error;
};
UploadAnswer parseUploadAnswer(const std::string& body);

}  // namespace omnigate::vk
