// The JSON the widget exchanges with the channel: reading request bodies with errors a widget developer can act
// on (400 naming the field, never a parser exception turned 500), and writing messages in the one shape the REST
// replies, the history and the WebSocket pushes share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <Poco/JSON/Object.h>

#include "omnigate/sdk/messages.h"

namespace omnigate::webchat {

// `text` as a JSON object; an empty (or all-blank) text counts as {} when `emptyIsObject`. Throws ApiError 400
// "bad_request" with the parser's message when it is not JSON or not an object; `what` names the text in that
// message ("the request body").
Poco::JSON::Object::Ptr parseObject(const std::string& text, const std::string& what, bool emptyIsObject);

// A field that must be a string when present. Absent or null gives nullopt; another type throws ApiError 400
// naming the field.
std::optional<std::string> optionalString(const Poco::JSON::Object& object, const std::string& field);

// A field that must be a JSON integer when present: true, 4.5, "4" and numbers beyond 64 bits throw ApiError 400
// naming the field (Poco counts a bool as an integer, the widget developer would not). Absent or null: nullopt.
std::optional<std::int64_t> optionalInteger(const Poco::JSON::Object& object, const std::string& field);

std::string toJson(const Poco::JSON::Object& object);
Poco::JSON::Object::Ptr newObject();  // keeps keys in insertion order, so replies read like the documentation

// {"id","interaction_id"[,"client_id"],"direction","author","text","status"[,"attachments"][,"auto_generated"],
//  "created_at"[,"client_message_id"]}: attachments and auto_generated in the core's shape (interaction_store's
// toJson), so a widget reads the same fields as the admin API; spam and provider errors stay internal.
Poco::JSON::Object::Ptr messageObject(const StoredMessage& message, const std::string& visitorId);

// A visitor's message is stored under "<visitor id>:<client_message_id>" when the widget named it, so a resend
// after a lost reply is stored once; otherwise under "<visitor id>/<random UUID>", a form no client id can take,
// so the history can tell the two apart and echo only the widget's own ids.
std::string inboundExternalId(const std::string& visitorId, const std::optional<std::string>& clientMessageId);
std::optional<std::string> clientMessageIdOf(const StoredMessage& message, const std::string& visitorId);

// Length in characters (code points) of UTF-8 text, for limits stated in characters.
std::size_t utf8Length(const std::string& text);

}  // namespace omnigate::webchat
