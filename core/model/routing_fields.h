// The field readers the routing configuration (queues, operators, groups, break reasons) shares. The REST API and
// the YAML bootstrap both feed JSON through them, so a bad value is refused the same way from either side, with
// the dotted field named ("service_levels.webchat.target_percent"); JSON's `true` is never taken for the number 1.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace omnigate::routing_fields {

// Ids of queues, groups, operators and break reasons: [a-z0-9_.-]{1,64}, safe in URLs and MQTT topics.
bool isValidId(const std::string& id);
// 400 naming `field` unless `id` is valid.
void checkId(const std::string& id, const std::string& field);
// The required id field of `object`, checked.
std::string requiredId(const Poco::JSON::Object::Ptr& object, const std::string& field);

// A display name: trimmed, 1..255 characters; 400 naming `field` otherwise.
std::string checkName(const std::string& name, const std::string& field);

// 400 naming the first field of `object` not in `known`, with the fields there are.
void refuseUnknown(const Poco::JSON::Object::Ptr& object, const std::set<std::string>& known, const std::string& what,
                   const std::string& prefix = "");

// Values, each named `field` in the error. Absent or null gives nullopt.
std::optional<std::string> optionalString(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                          const std::string& field);
std::optional<std::int64_t> optionalInt(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                        const std::string& field, std::int64_t min, std::int64_t max);
std::optional<bool> optionalBool(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                 const std::string& field);
Poco::JSON::Object::Ptr optionalObject(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                       const std::string& field);
Poco::JSON::Array::Ptr optionalArray(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                     const std::string& field);

// An integer that is really one (not a boolean, not 2.5); 400 naming `field` when not, or outside min..max.
std::int64_t integer(const Poco::Dynamic::Var& value, const std::string& field, std::int64_t min, std::int64_t max);

// A list of ids (each checked, no repeats), e.g. a group's queues; 400 naming `field[i]`.
std::vector<std::string> idList(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& field);

// A deep copy, so a caller can merge a patch into an object without touching the original.
Poco::JSON::Object::Ptr copy(const Poco::JSON::Object::Ptr& object);

}  // namespace omnigate::routing_fields
