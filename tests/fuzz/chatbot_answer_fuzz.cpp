// libFuzzer target for the chatbot's synchronous answer (the body a bot sends back to our webhook): whatever the
// bot answers, parsing yields actions within the contract or throws BotAnswerError; never a crash, a hang, a leak
// or another exception. Seeds: tests/fuzz/corpus/chatbot_answer (the shapes in bot_answer.h).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "bot_answer.h"

using omnigate::chatbot::BotAction;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const auto actions = omnigate::chatbot::parseBotAnswer(body);
        if (actions.size() > omnigate::chatbot::maxActions) std::abort();
        for (std::size_t i = 0; i < actions.size(); ++i) {
            const BotAction& a = actions[i];
            // Nothing may follow a hand-off or a close: the bot no longer holds the interaction then.
            if (a.kind != BotAction::Kind::Reply && i + 1 != actions.size()) std::abort();
            if (a.kind == BotAction::Kind::Reply && (a.text.empty() || a.text.size() > omnigate::chatbot::maxReplyBytes)) {
                std::abort();
            }
            if (a.handOff.priority && (*a.handOff.priority < 0 || *a.handOff.priority > 100)) std::abort();
            for (const std::int64_t topic : a.handOff.topics) {
                if (topic < 1) std::abort();
            }
        }
    } catch (const omnigate::chatbot::BotAnswerError&) {
    }
    return 0;
}
