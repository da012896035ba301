// VK's community events (the Callback API's POST bodies and the Bots Long Poll's `updates` have the same shape)
// read into what the plugin acts on. A pure function of the JSON: no host, no network, so the libFuzzer target
// builds it alone and the callback and Long Poll paths share exactly one reading of every event type.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "vk_target.h"

namespace omnigate::vk {

// The body is not an event (not JSON, no type, a known event without the fields it must have): answered 400.
class VkParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A photo, document or voice message to fetch: the largest size VK offers.
struct VkMedia {
    std::string kind;  // photo, doc, audio_message
    std::string url;
    std::string name;
    std::string mimeType;
};

struct VkEvent {
    enum class Action {
        Confirmation,  // answer the confirmation string
        Store,         // a new message or public appeal: submitInbound
        Edit,          // message_edit, wall_reply_edit: amend the text
        Delete,        // wall_reply_delete: amend as deleted
        Consent,       // message_allow / message_deny
        Ignore,        // unknown type, or the community's own post/comment: acknowledged, logged
    };
    std::string type;
    std::int64_t groupId = 0;
    std::string eventId;
    std::string secret;
    Action action = Action::Ignore;
    std::string ignoredBecause;

    VkTarget target;          // Store/Edit/Delete: what was written, and so its external id and thread
    std::int64_t fromId = 0;  // the author (a user id; Consent: the user)
    std::string text;
    std::vector<VkMedia> media;
    std::vector<std::string> unsupported;  // attachment types we cannot fetch (sticker, video…), noted in the text
    bool allowed = false;                  // Consent: message_allow

    std::string externalId() const { return externalIdOf(target); }
};

// The event in a Callback API body. Throws VkParseError.
VkEvent parseVkEvent(const std::string& body);
// One event of a Long Poll `updates` array, or an already parsed body. Throws VkParseError.
VkEvent parseVkEvent(const Poco::JSON::Object::Ptr& envelope);

}  // namespace omnigate::vk
