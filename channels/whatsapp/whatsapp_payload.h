// Reads a WhatsApp Cloud API webhook (the `messages` field of a whatsapp_business_account change) into plain values:
// each inbound message as readable text plus a reference to its media, each status of a sent message. A pure
// function, without the host or the network, so libFuzzer can hammer it (tests/fuzz/whatsapp_payload_fuzz.cpp).
// Anything it does not understand is kept aside as a note for the log, never thrown, except a body that is not a
// webhook at all.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace omnigate::whatsapp {

// The body is not JSON, or its envelope (entry[].changes[].value) has the wrong shape: answered 400.
class PayloadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Media of a message, fetched later through the Graph API by its id.
struct MediaReference {
    std::string mediaId;
    std::string kind;      // image, audio, video, document, sticker
    std::string mimeType;  // as the webhook says; the download's own type wins
    std::string fileName;  // a document's own name, otherwise made up from the kind and the id
};

struct ParsedMessage {
    std::string phoneNumberId;  // metadata.phone_number_id: the business number it was sent to
    std::string wamid;          // messages[].id: the de-duplication key
    std::string phone;          // messages[].from (the user's wa_id); empty for a user who hides their number
    std::string userId;         // the business-scoped user id (BSUID) when given
    std::string profileName;    // contacts[].profile.name
    std::string type;           // text, image, …, as sent
    std::string text;           // what the operator reads (a caption, "📍 …", "reacted 👍 to …")
    bool hasMedia = false;
    MediaReference media;
    std::int64_t timestamp = 0;  // unix seconds, 0 when absent
};

struct ParsedStatus {
    std::string phoneNumberId;
    std::string wamid;      // of the message we sent
    std::string status;     // sent, delivered, read, failed (others are noted and skipped)
    std::string recipient;  // recipient_id
    std::string errorCode;  // errors[0].code of a failed one
    std::string errorText;  // errors[0].title, then its message / error_data.details when they add something
};

// Meta's word on a template's review (the message_template_status_update field): APPROVED, REJECTED, PAUSED…
struct TemplateStatusChange {
    std::string name;
    std::string language;
    std::string event;   // as Meta sends it
    std::string reason;  // e.g. INCORRECT_CATEGORY, or NONE
};

struct WebhookPayload {
    std::vector<ParsedMessage> messages;
    std::vector<ParsedStatus> statuses;
    std::vector<TemplateStatusChange> templateChanges;
    std::vector<std::string> notes;  // what was skipped and why, for the log
};

// Throws PayloadError when `body` is not a JSON object, or entry / changes / value are present but not of their
// documented types. Everything below that level is read defensively.
WebhookPayload parseWebhookPayload(const std::string& body);

}  // namespace omnigate::whatsapp
