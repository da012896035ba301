// Reading the JSON that integrations receive (events from the host, answers from outside services) without
// trusting its shape: a missing, null or mistyped field is the fallback, never an exception. Header-only, shared
// by the integration plugins; each still sees only the SDK of the daemon.
#pragma once

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <string>

namespace omnigate::integrations {

inline std::string stringOr(const Poco::JSON::Object::Ptr& o, const std::string& key,
                            const std::string& fallback = "") {
    if (!o || !o->has(key) || o->isNull(key)) return fallback;
    const Poco::Dynamic::Var v = o->get(key);
    return v.isString() ? v.extract<std::string>() : fallback;
}

inline std::int64_t intOr(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key) || !o->get(key).isInteger()) return 0;
    try {
        return o->getValue<std::int64_t>(key);
    } catch (const Poco::Exception&) {  // an unsigned number beyond int64's range
        return 0;
    }
}

// Null unless `text` is a JSON object.
inline Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    try {
        const Poco::Dynamic::Var v = Poco::JSON::Parser().parse(text);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    return nullptr;
}

}  // namespace omnigate::integrations
