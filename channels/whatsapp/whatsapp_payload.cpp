#include "whatsapp_payload.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <cmath>
#include <cstdio>
#include <map>

namespace omnigate::whatsapp {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr objectAt(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return nullptr;
    const Poco::Dynamic::Var v = o->get(key);
    return v.type() == typeid(Object::Ptr) ? v.extract<Object::Ptr>() : nullptr;
}

Array::Ptr arrayAt(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return nullptr;
    const Poco::Dynamic::Var v = o->get(key);
    return v.type() == typeid(Array::Ptr) ? v.extract<Array::Ptr>() : nullptr;
}

Object::Ptr objectIn(const Array::Ptr& a, std::size_t i) {
    const Poco::Dynamic::Var v = a->get(static_cast<unsigned>(i));
    return v.type() == typeid(Object::Ptr) ? v.extract<Object::Ptr>() : nullptr;
}

// Ids and codes are documented as strings (wa_id, timestamp) or numbers (error codes); a provider that sends the
// other kind still means the same value.
std::string textOf(const Poco::Dynamic::Var& v) {
    try {
        if (v.isString()) return v.extract<std::string>();
        if (v.isBoolean()) return {};
        if (v.isInteger()) return v.convert<std::string>();
    } catch (const Poco::Exception&) {
    }
    return {};
}

std::string str(const Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key)) return {};
    return textOf(o->get(key));
}

bool number(const Object::Ptr& o, const std::string& key, double& out) {
    if (!o || !o->has(key)) return false;
    const Poco::Dynamic::Var v = o->get(key);
    try {
        if (v.isNumeric() && !v.isBoolean()) {
            out = v.convert<double>();
        } else if (v.isString()) {
            if (!Poco::NumberParser::tryParseFloat(v.extract<std::string>(), out)) return false;
        } else {
            return false;
        }
    } catch (const Poco::Exception&) {
        return false;
    }
    return std::isfinite(out);
}

// 37.4835501 rather than 37.483550100000001: six decimals are ~10 cm, more than any phone's GPS.
std::string coordinate(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6f", value);
    std::string s(buffer);
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

std::int64_t unixSeconds(const std::string& s) {
    if (s.empty() || s.size() > 12) return 0;
    std::int64_t value = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return 0;
        value = value * 10 + (c - '0');
    }
    return value;
}

void append(std::string& to, const std::string& separator, const std::string& part) {
    if (part.empty()) return;
    if (!to.empty()) to += separator;
    to += part;
}

std::string extensionFor(const std::string& mimeType) {
    static const std::map<std::string, std::string> known = {
        {"image/jpeg", ".jpg"},      {"image/png", ".png"},        {"image/webp", ".webp"},
        {"audio/ogg", ".ogg"},       {"audio/mpeg", ".mp3"},       {"audio/aac", ".aac"},
        {"audio/mp4", ".m4a"},       {"audio/amr", ".amr"},        {"video/mp4", ".mp4"},
        {"video/3gpp", ".3gp"},      {"application/pdf", ".pdf"},  {"text/plain", ".txt"}};
    const std::string base = mimeType.substr(0, mimeType.find(';'));
    const auto found = known.find(base);
    return found == known.end() ? "" : found->second;
}

std::string mediaLabel(const std::string& kind, const Object::Ptr& media) {
    if (kind == "image") return "[photo]";
    if (kind == "video") return "[video]";
    if (kind == "sticker") return "[sticker]";
    if (kind == "audio") {
        const bool voice = media && media->has("voice") && media->get("voice").isBoolean() &&
                           media->get("voice").extract<bool>();
        return voice ? "[voice message]" : "[audio]";
    }
    const std::string name = str(media, "filename");
    return name.empty() ? "[document]" : "[document: " + name + "]";
}

void readMedia(const Object::Ptr& message, const std::string& kind, ParsedMessage& out) {
    const Object::Ptr media = objectAt(message, kind);
    const std::string caption = str(media, "caption");
    out.text = caption.empty() ? mediaLabel(kind, media) : caption;
    const std::string id = str(media, "id");
    if (id.empty()) {
        out.text += " (no media id in the webhook)";
        return;
    }
    out.hasMedia = true;
    out.media.mediaId = id;
    out.media.kind = kind;
    out.media.mimeType = str(media, "mime_type");
    out.media.fileName = str(media, "filename");
    if (out.media.fileName.empty()) {
        out.media.fileName = "whatsapp-" + kind + "-" + id + extensionFor(out.media.mimeType);
    }
}

std::string locationText(const Object::Ptr& location) {
    std::string text = "📍";
    double latitude = 0;
    double longitude = 0;
    if (number(location, "latitude", latitude) && number(location, "longitude", longitude)) {
        text += " " + coordinate(latitude) + "," + coordinate(longitude);
    }
    append(text, " ", str(location, "name"));
    append(text, " ", str(location, "address"));
    return text;
}

std::string contactName(const Object::Ptr& contact) {
    const Object::Ptr name = objectAt(contact, "name");
    std::string formatted = str(name, "formatted_name");
    if (!formatted.empty()) return formatted;
    append(formatted, " ", str(name, "first_name"));
    append(formatted, " ", str(name, "last_name"));
    return formatted.empty() ? "(no name)" : formatted;
}

std::string contactsText(const Array::Ptr& contacts) {
    std::string text;
    if (!contacts) return "👤 (a contact card without contacts)";
    for (std::size_t i = 0; i < contacts->size(); ++i) {
        const Object::Ptr contact = objectIn(contacts, i);
        if (!contact) continue;
        std::string details;
        if (const Array::Ptr phones = arrayAt(contact, "phones")) {
            for (std::size_t p = 0; p < phones->size(); ++p) append(details, ", ", str(objectIn(phones, p), "phone"));
        }
        if (const Array::Ptr emails = arrayAt(contact, "emails")) {
            for (std::size_t e = 0; e < emails->size(); ++e) append(details, ", ", str(objectIn(emails, e), "email"));
        }
        append(text, "\n", "👤 " + contactName(contact) + (details.empty() ? "" : ": " + details));
    }
    return text.empty() ? "👤 (a contact card without contacts)" : text;
}

std::string interactiveText(const Object::Ptr& interactive) {
    const std::string type = str(interactive, "type");
    if (type == "button_reply") return str(objectAt(interactive, "button_reply"), "title");
    if (type == "list_reply") {
        const Object::Ptr reply = objectAt(interactive, "list_reply");
        std::string text = str(reply, "title");
        append(text, " — ", str(reply, "description"));
        return text;
    }
    if (type == "nfm_reply") {
        const Object::Ptr reply = objectAt(interactive, "nfm_reply");
        std::string text = "[form reply]";
        append(text, " ", str(reply, "body"));
        append(text, " ", str(reply, "response_json"));
        return text;
    }
    return "[an interactive reply of type '" + type + "']";
}

std::string firstErrorTitle(const Object::Ptr& o) {
    const Array::Ptr errors = arrayAt(o, "errors");
    if (!errors || errors->size() == 0) return {};
    const Object::Ptr error = objectIn(errors, 0);
    std::string title = str(error, "title");
    return title.empty() ? str(error, "message") : title;
}

// Fills `out.text` (and media) from the message's type; false when the message is no client's words (a system
// notice) and is to be skipped.
bool readContent(const Object::Ptr& message, ParsedMessage& out) {
    const std::string& type = out.type;
    if (type == "text") {
        out.text = str(objectAt(message, "text"), "body");
    } else if (type == "image" || type == "audio" || type == "video" || type == "document" || type == "sticker") {
        readMedia(message, type, out);
    } else if (type == "location") {
        out.text = locationText(objectAt(message, "location"));
    } else if (type == "contacts") {
        out.text = contactsText(arrayAt(message, "contacts"));
    } else if (type == "reaction") {
        const Object::Ptr reaction = objectAt(message, "reaction");
        const std::string emoji = str(reaction, "emoji");
        const std::string target = str(reaction, "message_id");
        out.text = emoji.empty() ? "removed the reaction to " + target : "reacted " + emoji + " to " + target;
    } else if (type == "button") {
        const Object::Ptr button = objectAt(message, "button");
        out.text = str(button, "text");
        if (out.text.empty()) out.text = str(button, "payload");
    } else if (type == "interactive") {
        out.text = interactiveText(objectAt(message, "interactive"));
    } else if (type == "system" || type == "request_welcome") {
        return false;
    } else if (type == "unsupported") {
        const std::string title = firstErrorTitle(message);
        out.text = "[a message WhatsApp does not pass on to businesses" + (title.empty() ? "" : ": " + title) + "]";
    } else {
        // The client did write something: the operator should know, even if omnigate cannot show it.
        out.text = "[a WhatsApp message of type '" + type + "' that omnigate cannot show]";
    }
    if (out.text.empty()) out.text = "[an empty " + type + " message]";
    return true;
}

struct ContactInfo {
    std::string name;
    std::string userId;
};

void readMessages(const Object::Ptr& value, const std::string& phoneNumberId, WebhookPayload& payload) {
    const Array::Ptr messages = arrayAt(value, "messages");
    if (!messages) {
        if (value->has("messages")) payload.notes.push_back("'messages' is not an array: skipped");
        return;
    }
    // contacts[] names the senders: by wa_id, and the user id of those who hide their number.
    std::map<std::string, ContactInfo> byWaId;
    std::vector<ContactInfo> contacts;
    if (const Array::Ptr list = arrayAt(value, "contacts")) {
        for (std::size_t i = 0; i < list->size(); ++i) {
            const Object::Ptr contact = objectIn(list, i);
            if (!contact) continue;
            ContactInfo info{str(objectAt(contact, "profile"), "name"), str(contact, "user_id")};
            const std::string waId = str(contact, "wa_id");
            if (!waId.empty()) byWaId[waId] = info;
            contacts.push_back(info);
        }
    }
    for (std::size_t i = 0; i < messages->size(); ++i) {
        const Object::Ptr message = objectIn(messages, i);
        if (!message) {
            payload.notes.push_back("messages[" + std::to_string(i) + "] is not an object: skipped");
            continue;
        }
        ParsedMessage out;
        out.phoneNumberId = phoneNumberId;
        out.wamid = str(message, "id");
        out.phone = str(message, "from");
        out.userId = str(message, "from_user_id");
        out.type = str(message, "type");
        out.timestamp = unixSeconds(str(message, "timestamp"));
        if (out.wamid.empty()) {
            payload.notes.push_back("messages[" + std::to_string(i) + "] has no id: skipped");
            continue;
        }
        const auto byPhone = byWaId.find(out.phone);
        const ContactInfo* contact = byPhone != byWaId.end() ? &byPhone->second
                                     : contacts.size() == 1     ? &contacts.front()
                                                                : nullptr;
        if (contact) {
            out.profileName = contact->name;
            if (out.userId.empty()) out.userId = contact->userId;
        }
        if (out.phone.empty() && out.userId.empty()) {
            payload.notes.push_back("message " + out.wamid +
                                    " names no sender (neither 'from' nor a user id): skipped");
            continue;
        }
        if (!readContent(message, out)) {
            payload.notes.push_back("message " + out.wamid + " of type '" + out.type + "' is a notice, not a client's "
                                    "message: skipped");
            continue;
        }
        payload.messages.push_back(std::move(out));
    }
}

void readStatuses(const Object::Ptr& value, const std::string& phoneNumberId, WebhookPayload& payload) {
    const Array::Ptr statuses = arrayAt(value, "statuses");
    if (!statuses) {
        if (value->has("statuses")) payload.notes.push_back("'statuses' is not an array: skipped");
        return;
    }
    for (std::size_t i = 0; i < statuses->size(); ++i) {
        const Object::Ptr status = objectIn(statuses, i);
        ParsedStatus out;
        out.phoneNumberId = phoneNumberId;
        out.wamid = str(status, "id");
        out.status = str(status, "status");
        out.recipient = str(status, "recipient_id");
        if (out.recipient.empty()) out.recipient = str(status, "recipient_user_id");
        if (out.wamid.empty() ||
            (out.status != "sent" && out.status != "delivered" && out.status != "read" && out.status != "failed")) {
            payload.notes.push_back("statuses[" + std::to_string(i) + "] (status '" + out.status + "', id '" +
                                    out.wamid + "') is not one omnigate tracks: skipped");
            continue;
        }
        if (const Array::Ptr errors = arrayAt(status, "errors"); errors && errors->size() > 0) {
            const Object::Ptr error = objectIn(errors, 0);
            out.errorCode = str(error, "code");
            const std::string title = str(error, "title");
            const std::string message = str(error, "message");
            const std::string details = str(objectAt(error, "error_data"), "details");
            append(out.errorText, ": ", title);
            if (message != title) append(out.errorText, ": ", message);
            if (details != title && details != message) append(out.errorText, ": ", details);
        }
        if (out.status == "failed" && out.errorCode.empty()) out.errorCode = "failed";
        payload.statuses.push_back(std::move(out));
    }
}

}  // namespace

WebhookPayload parseWebhookPayload(const std::string& body) {
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser;
        parsed = parser.parse(body);
    } catch (const Poco::Exception& e) {
        throw PayloadError("the body is not valid JSON: " + e.message());
    } catch (const std::exception& e) {
        throw PayloadError(std::string("the body is not valid JSON: ") + e.what());
    }
    if (parsed.type() != typeid(Object::Ptr)) throw PayloadError("the body is not a JSON object");
    const Object::Ptr root = parsed.extract<Object::Ptr>();

    WebhookPayload payload;
    const std::string object = str(root, "object");
    if (root->has("object") && object != "whatsapp_business_account") {
        payload.notes.push_back("a webhook for object '" + object + "', not whatsapp_business_account: ignored");
        return payload;
    }
    if (!root->has("entry")) {
        payload.notes.push_back("the webhook has no 'entry': nothing to do");
        return payload;
    }
    const Array::Ptr entries = arrayAt(root, "entry");
    if (!entries) throw PayloadError("'entry' must be an array");
    for (std::size_t e = 0; e < entries->size(); ++e) {
        const Object::Ptr entry = objectIn(entries, e);
        if (!entry) throw PayloadError("entry[" + std::to_string(e) + "] must be an object");
        if (!entry->has("changes")) continue;
        const Array::Ptr changes = arrayAt(entry, "changes");
        if (!changes) throw PayloadError("entry[" + std::to_string(e) + "].changes must be an array");
        for (std::size_t c = 0; c < changes->size(); ++c) {
            const std::string where = "entry[" + std::to_string(e) + "].changes[" + std::to_string(c) + "]";
            const Object::Ptr change = objectIn(changes, c);
            if (!change) throw PayloadError(where + " must be an object");
            const std::string field = str(change, "field");
            if (field == "message_template_status_update") {
                const Object::Ptr value = objectAt(change, "value");
                TemplateStatusChange update{str(value, "message_template_name"),
                                            str(value, "message_template_language"), str(value, "event"),
                                            str(value, "reason")};
                if (update.name.empty() || update.language.empty() || update.event.empty()) {
                    payload.notes.push_back(where + ": a template status update without name, language or event");
                } else {
                    payload.templateChanges.push_back(std::move(update));
                }
                continue;
            }
            if (field != "messages") {
                payload.notes.push_back(where + " is about '" + field + "', not messages: ignored");
                continue;
            }
            const Object::Ptr value = objectAt(change, "value");
            if (!value) throw PayloadError(where + ".value must be an object");
            const std::string phoneNumberId = str(objectAt(value, "metadata"), "phone_number_id");
            if (value->has("errors")) {
                payload.notes.push_back(where + " reports an error of the business account: " +
                                        firstErrorTitle(value));
            }
            readMessages(value, phoneNumberId, payload);
            readStatuses(value, phoneNumberId, payload);
        }
    }
    return payload;
}

}  // namespace omnigate::whatsapp
