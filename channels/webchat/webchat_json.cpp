#include "webchat_json.h"

#include <sstream>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/UUIDGenerator.h>

#include "omnigate/sdk/api_error.h"

namespace omnigate::webchat {

Poco::JSON::Object::Ptr parseObject(const std::string& text, const std::string& what, bool emptyIsObject) {
    if (emptyIsObject && Poco::trim(text).empty()) return newObject();
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser;
        parsed = parser.parse(text);
    } catch (const Poco::Exception& e) {
        throw ApiError::badRequest(what + " is not valid JSON: " + e.message());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw ApiError::badRequest(what + " must be a JSON object ({...})");
    }
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

std::optional<std::string> optionalString(const Poco::JSON::Object& object, const std::string& field) {
    if (!object.has(field) || object.isNull(field)) return std::nullopt;
    const Poco::Dynamic::Var value = object.get(field);
    if (!value.isString()) throw ApiError::badRequest("'" + field + "' must be a string");
    return value.extract<std::string>();
}

std::string toJson(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

Poco::JSON::Object::Ptr newObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Object::Ptr messageObject(const StoredMessage& message, const std::string& visitorId) {
    Poco::JSON::Object::Ptr object = newObject();
    object->set("id", static_cast<Poco::Int64>(message.id));
    object->set("interaction_id", static_cast<Poco::Int64>(message.interactionId));
    // Unknown (0) for an operator's message pushed by send(): OutboundMessage does not carry it.
    if (message.clientId != 0) object->set("client_id", static_cast<Poco::Int64>(message.clientId));
    object->set("direction", std::string(toString(message.direction)));
    object->set("author", std::string(toString(message.author)));
    object->set("text", message.text);
    object->set("status", std::string(toString(message.status)));
    object->set("created_at", message.createdAt);
    if (const auto clientMessageId = clientMessageIdOf(message, visitorId)) {
        object->set("client_message_id", *clientMessageId);
    }
    return object;
}

std::string inboundExternalId(const std::string& visitorId, const std::optional<std::string>& clientMessageId) {
    if (clientMessageId) return visitorId + ":" + *clientMessageId;
    return visitorId + "/" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
}

std::optional<std::string> clientMessageIdOf(const StoredMessage& message, const std::string& visitorId) {
    const std::string prefix = visitorId + ":";
    if (message.direction != Direction::Inbound || message.externalId.size() <= prefix.size() ||
        message.externalId.compare(0, prefix.size(), prefix) != 0) {
        return std::nullopt;
    }
    return message.externalId.substr(prefix.size());
}

std::size_t utf8Length(const std::string& text) {
    std::size_t length = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++length;  // count all but continuation bytes
    }
    return length;
}

}  // namespace omnigate::webchat
