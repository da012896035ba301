#include "model/response_template.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <algorithm>
#include <limits>

#include "model/routing_fields.h"
#include "model/template_text.h"
#include "model/utf8_text.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

const std::set<std::string> kFields{"title", "text", "catalog_id", "shortcut", "files", "queues", "channels"};

Poco::JSON::Array::Ptr array(const std::vector<std::string>& values) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const std::string& v : values) out->add(v);
    return out;
}

void checkCount(const std::vector<std::string>& list, std::size_t max, const std::string& field) {
    if (list.size() > max) {
        throw ApiError::badRequest("'" + field + "' lists " + std::to_string(list.size()) + ", at most " +
                                   std::to_string(max) + " are allowed");
    }
}

// A list of strings each passing `check`, no repeats; 400 naming `field[i]`.
std::vector<std::string> stringList(const Poco::JSON::Object::Ptr& object, const std::string& field,
                                    const std::function<bool(const std::string&)>& check, const std::string& what) {
    const Poco::JSON::Array::Ptr items = routing_fields::optionalArray(object, field, field);
    std::vector<std::string> out;
    if (!items) return out;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const std::string name = field + "[" + std::to_string(i) + "]";
        const Poco::Dynamic::Var value = items->get(static_cast<unsigned>(i));
        if (!value.isString() || !check(value.toString())) throw ApiError::badRequest("'" + name + "' must be " + what);
        if (std::find(out.begin(), out.end(), value.toString()) != out.end()) {
            throw ApiError::badRequest("'" + name + "' repeats '" + value.toString() + "'");
        }
        out.push_back(value.toString());
    }
    return out;
}

bool isFileId(const std::string& id) {
    return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

bool isChannel(const std::string& channel) {
    return !channel.empty() && channel.size() <= 32 &&
           channel.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
}

std::string checkTitle(const std::string& title) {
    const std::string trimmed = Poco::trim(title);
    if (trimmed.empty()) throw ApiError::badRequest("'title' is empty");
    if (utf8Length(trimmed) > ResponseTemplate::kMaxTitleCharacters) {
        throw ApiError::badRequest("'title' is longer than " + std::to_string(ResponseTemplate::kMaxTitleCharacters) +
                                   " characters");
    }
    return trimmed;
}

std::string checkShortcut(const std::string& shortcut) {
    const std::string trimmed = Poco::trim(shortcut);
    if (utf8Length(trimmed) > ResponseTemplate::kMaxShortcutCharacters) {
        throw ApiError::badRequest("'shortcut' is longer than " +
                                   std::to_string(ResponseTemplate::kMaxShortcutCharacters) + " characters");
    }
    if (trimmed.find_first_of(" \t\r\n") != std::string::npos) {
        throw ApiError::badRequest("'shortcut' must be one word, without spaces");
    }
    return trimmed;
}

}  // namespace

Poco::JSON::Object::Ptr ResponseTemplate::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", id);
    o->set("scope", owner.empty() ? "shared" : "personal");
    o->set("owner_operator_id", owner.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(owner));
    o->set("catalog_id", catalogId == 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(catalogId));
    o->set("title", title);
    o->set("text", text);
    o->set("shortcut", shortcut);
    o->set("files", array(files));
    o->set("queues", array(queues));
    o->set("channels", array(channels));
    o->set("version", version);
    o->set("created_at", createdAt);
    o->set("updated_at", updatedAt);
    return o;
}

ResponseTemplate ResponseTemplate::parse(const Poco::JSON::Object::Ptr& object) {
    for (const char* required : {"title", "text"}) {
        if (!object->has(required) || object->isNull(required)) {
            throw ApiError::badRequest("'" + std::string(required) + "' is required");
        }
    }
    ResponseTemplate t;
    t.apply(object);
    return t;
}

void ResponseTemplate::apply(const Poco::JSON::Object::Ptr& patch) {
    routing_fields::refuseUnknown(patch, kFields, "a template");
    if (const auto value = routing_fields::optionalString(patch, "title", "title")) title = checkTitle(*value);
    if (const auto value = routing_fields::optionalString(patch, "text", "text")) text = checkText(*value);
    if (patch->has("shortcut")) shortcut = checkShortcut(routing_fields::optionalString(patch, "shortcut", "shortcut").value_or(""));
    if (patch->has("catalog_id")) {
        catalogId = routing_fields::optionalInt(patch, "catalog_id", "catalog_id", 1, std::numeric_limits<std::int64_t>::max()).value_or(0);
    }
    if (patch->has("files")) {
        files = stringList(patch, "files", isFileId, "a file id (32 hexadecimal digits) from POST /api/v1/files");
        checkCount(files, kMaxFiles, "files");
    }
    if (patch->has("queues")) {
        queues = stringList(patch, "queues", routing_fields::isValidId, "a queue id");
        checkCount(queues, kMaxQueues, "queues");
    }
    if (patch->has("channels")) {
        channels = stringList(patch, "channels", isChannel, "a channel type such as webchat or vk");
        checkCount(channels, kMaxChannels, "channels");
    }
}

std::string ResponseTemplate::checkText(const std::string& text, const std::string& field) {
    if (Poco::trim(text).empty()) throw ApiError::badRequest("'" + field + "' is empty");
    if (text.size() > kMaxTextBytes) {
        throw ApiError::badRequest("'" + field + "' is longer than " + std::to_string(kMaxTextBytes) +
                                   " bytes");
    }
    const std::vector<std::string> unknown = unknownTemplateVariables(text, isResponseTemplateVariable);
    if (!unknown.empty()) {
        std::string names;
        for (const std::string& name : unknown) names += (names.empty() ? "{" : ", {") + name + "}";
        throw ApiError::badRequest("'" + field + "' uses the unknown variable" + std::string(unknown.size() == 1 ? " " : "s ") +
                                   names + "; a template may use {client.name}, {client.id}, {client.card.<field>}, "
                                           "{operator.name}, {operator.id}, {interaction.id}, {interaction.subject}, "
                                           "{channel} and {account}");
    }
    return text;
}

bool ResponseTemplate::appliesTo(const std::string& queue, const std::string& channel) const {
    const bool queueFits = queues.empty() || std::find(queues.begin(), queues.end(), queue) != queues.end();
    const bool channelFits = channels.empty() || std::find(channels.begin(), channels.end(), channel) != channels.end();
    return queueFits && channelFits;
}

}  // namespace omnigate
