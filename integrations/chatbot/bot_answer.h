// What the bot may tell us to do, whether in the body of its answer to a webhook or over our REST, checked in
// full before anything is done: a half-understood answer is not acted on half-way. An answer we cannot read is
// the bot failing, and the interaction goes to people.
//
// The synchronous answer (optional; an empty body or an object without "actions" does nothing):
//   {"actions": [{"reply": "text"},
//                {"handoff": {"queue_id"?: "…", "priority"?: 0-100, "topic_ids"?: [1, …], "comment"?: "…"}},
//                {"close": {"resolution"?: "…"}}]}
// Actions run in order; nothing may follow a handoff or a close (the bot no longer holds the interaction then).
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace omnigate::chatbot {

// The answer (or a REST body) breaks the contract; the message names the field.
class BotAnswerError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct BotHandOff {
    std::string queue;  // empty: the interaction's own queue
    std::optional<int> priority;
    std::vector<std::int64_t> topics;
    std::string comment;
};

struct BotAction {
    enum class Kind { Reply, HandOff, Close };
    Kind kind = Kind::Reply;
    std::string text;        // Reply
    BotHandOff handOff;      // HandOff
    std::string resolution;  // Close
};

constexpr std::size_t maxReplyBytes = 16000;
constexpr std::size_t maxActions = 20;

// A reply's text: a non-blank string of at most maxReplyBytes. `field` names it in the error.
std::string replyText(const Poco::Dynamic::Var& value, const std::string& field);
// The hand-off fields of `body` (which may be null: all defaults). `prefix` ("" or "actions[1].handoff.") goes
// before each field's name in the error.
BotHandOff handOffOf(const Poco::JSON::Object::Ptr& body, const std::string& prefix);
// The resolution of a close (optional string of at most 255 bytes).
std::string resolutionOf(const Poco::JSON::Object::Ptr& body, const std::string& prefix);

// Parses the bot's synchronous answer. Throws BotAnswerError on anything but the contract above.
std::vector<BotAction> parseBotAnswer(const std::string& body);

}  // namespace omnigate::chatbot
