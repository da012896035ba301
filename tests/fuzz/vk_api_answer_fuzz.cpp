// libFuzzer target for what VK's servers answer the VK channel, one reader per first byte: 0 an API method's
// answer, 1 a Bots Long Poll a_check answer (and each of its updates as an event), 2 an upload server's answer.
// Each yields a value or throws the exception its caller handles; never a crash, a hang, a leak or another
// exception. Seeds: tests/fuzz/corpus/vk_api_answer (shaped like VK's documented answers).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "vk_answer.h"
#include "vk_api.h"
#include "vk_event.h"

namespace vk = omnigate::vk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 3) {
            case 0:
                vk::apiResponseOf("messages.send", body);
                break;
            case 1: {
                const vk::LongPollAnswer answer = vk::parseLongPollAnswer(body);
                if (answer.failed && answer.updates) std::abort();
                for (std::size_t i = 0; answer.updates && i < answer.updates->size(); ++i) {
                    try {
                        vk::parseVkEvent(answer.updates->getObject(static_cast<unsigned>(i)));
                    } catch (const vk::VkParseError&) {
                    }
                }
                break;
            }
            default: {
                const vk::UploadAnswer answer = vk::parseUploadAnswer(body);
                if (!answer.fields == answer.error.empty()) std::abort();
                break;
            }
        }
    } catch (const vk::VkApiError&) {
    } catch (const vk::VkTransportError&) {
    }
    return 0;
}
