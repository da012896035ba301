#include "model/routing_fields.h"

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <algorithm>
#include <regex>
#include <sstream>

#include "omnigate/sdk/api_error.h"

namespace omnigate::routing_fields {

namespace {

std::size_t characters(const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool present(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    return !object.isNull() && object->has(key) && !object->isNull(key);
}

}  // namespace

bool isValidId(const std::string& id) {
    static const std::regex allowed("[a-z0-9_.-]{1,64}");
    return std::regex_match(id, allowed);
}

void checkId(const std::string& id, const std::string& field) {
    if (!isValidId(id)) {
        throw ApiError::badRequest("'" + field + "' must be 1-64 lower-case letters, digits, '_', '.' or '-', not '" +
                                   id + "'");
    }
}

std::string requiredId(const Poco::JSON::Object::Ptr& object, const std::string& field) {
    const auto id = optionalString(object, field, field);
    if (!id) throw ApiError::badRequest("'" + field + "' is required");
    checkId(*id, field);
    return *id;
}

std::string checkName(const std::string& name, const std::string& field) {
    std::string trimmed = Poco::trim(name);
    if (trimmed.empty()) throw ApiError::badRequest("'" + field + "' is empty");
    if (characters(trimmed) > 255) throw ApiError::badRequest("'" + field + "' is longer than 255 characters");
    return trimmed;
}

void refuseUnknown(const Poco::JSON::Object::Ptr& object, const std::set<std::string>& known, const std::string& what,
                   const std::string& prefix) {
    if (object.isNull()) return;
    for (const std::string& name : object->getNames()) {
        if (known.count(name) != 0) continue;
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
        throw ApiError::badRequest("'" + prefix + name + "' is not a field of " + what + " (" + list + ")");
    }
}

std::optional<std::string> optionalString(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                          const std::string& field) {
    if (!present(object, key)) return std::nullopt;
    const Poco::Dynamic::Var value = object->get(key);
    if (!value.isString()) throw ApiError::badRequest("'" + field + "' must be a string");
    return value.extract<std::string>();
}

std::int64_t integer(const Poco::Dynamic::Var& value, const std::string& field, std::int64_t min, std::int64_t max) {
    if (!value.isInteger() || value.isBoolean()) {
        throw ApiError::badRequest("'" + field + "' must be an integer from " + std::to_string(min) + " to " +
                                   std::to_string(max));
    }
    std::int64_t number = 0;
    try {
        number = value.convert<std::int64_t>();
    } catch (const Poco::Exception&) {
        throw ApiError::badRequest("'" + field + "' is out of range (" + std::to_string(min) + " to " +
                                   std::to_string(max) + ")");
    }
    if (number < min || number > max) {
        throw ApiError::badRequest("'" + field + "' must be from " + std::to_string(min) + " to " +
                                   std::to_string(max) + ", not " + std::to_string(number));
    }
    return number;
}

std::optional<std::int64_t> optionalInt(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                        const std::string& field, std::int64_t min, std::int64_t max) {
    if (!present(object, key)) return std::nullopt;
    return integer(object->get(key), field, min, max);
}

std::optional<bool> optionalBool(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                 const std::string& field) {
    if (!present(object, key)) return std::nullopt;
    const Poco::Dynamic::Var value = object->get(key);
    if (!value.isBoolean()) throw ApiError::badRequest("'" + field + "' must be true or false");
    return value.convert<bool>();
}

Poco::JSON::Object::Ptr optionalObject(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                       const std::string& field) {
    if (!present(object, key)) return nullptr;
    const Poco::Dynamic::Var value = object->get(key);
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) throw ApiError::badRequest("'" + field + "' must be an object");
    return value.extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Array::Ptr optionalArray(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                     const std::string& field) {
    if (!present(object, key)) return nullptr;
    const Poco::Dynamic::Var value = object->get(key);
    if (value.type() != typeid(Poco::JSON::Array::Ptr)) throw ApiError::badRequest("'" + field + "' must be a list");
    return value.extract<Poco::JSON::Array::Ptr>();
}

std::vector<std::string> idList(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                const std::string& field) {
    std::vector<std::string> out;
    const auto list = optionalArray(object, key, field);
    if (!list) return out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string item = field + "[" + std::to_string(i) + "]";
        const Poco::Dynamic::Var value = list->get(static_cast<unsigned>(i));
        if (!value.isString()) throw ApiError::badRequest("'" + item + "' must be a string (an id)");
        const std::string id = value.extract<std::string>();
        checkId(id, item);
        if (std::find(out.begin(), out.end(), id) != out.end()) {
            throw ApiError::badRequest("'" + item + "' names '" + id + "' a second time");
        }
        out.push_back(id);
    }
    return out;
}

Poco::JSON::Object::Ptr copy(const Poco::JSON::Object::Ptr& object) {
    if (object.isNull()) return new Poco::JSON::Object;
    std::ostringstream text;
    object->stringify(text);
    return Poco::JSON::Parser().parse(text.str()).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace omnigate::routing_fields
