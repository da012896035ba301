// libFuzzer target for the VK event parser: whatever arrives at POST /webhooks/vk/{account} (or in a Long Poll
// batch) must either parse or throw VkParseError; never crash, hang, leak or read out of bounds. The external ids
// it derives must read back as the same target.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "vk_event.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const omnigate::vk::VkEvent event = omnigate::vk::parseVkEvent(body);
        if (event.action == omnigate::vk::VkEvent::Action::Store || event.action == omnigate::vk::VkEvent::Action::Edit ||
            event.action == omnigate::vk::VkEvent::Action::Delete) {
            const std::string id = event.externalId();
            const auto back = omnigate::vk::parseExternalId(id);
            if (!back || omnigate::vk::externalIdOf(*back) != id) std::abort();
            (void)omnigate::vk::threadKeyOf(*back);
        }
    } catch (const omnigate::vk::VkParseError&) {
    }
    (void)omnigate::vk::parseExternalId(body);
    return 0;
}
