// Reading the JSON that plugins receive (a provider's answer, an event from the host, their own saved state) without
// trusting its shape: a missing, null or mistyped field is the fallback, never an exception.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>

namespace omnigate::support {

// The string at `key`, or `fallback` when `o` is null or the field is missing, null or not a string.
std::string stringOr(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& fallback = "");

// The integer at `key`, or 0 when `o` is null or the field is missing, null, not an integer or beyond int64.
std::int64_t intOr(const Poco::JSON::Object::Ptr& o, const std::string& key);

// Null unless `text` is a JSON object.
Poco::JSON::Object::Ptr parseObject(const std::string& text);

}  // namespace omnigate::support
