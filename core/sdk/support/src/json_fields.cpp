#include "omnigate/support/json_fields.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

namespace omnigate::support {

std::string stringOr(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& fallback) {
    if (!o || !o->has(key) || o->isNull(key)) return fallback;
    const Poco::Dynamic::Var v = o->get(key);
    return v.isString() ? v.extract<std::string>() : fallback;
}

std::int64_t intOr(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    if (!o || !o->has(key) || o->isNull(key) || !o->get(key).isInteger()) return 0;
    try {
        return o->getValue<std::int64_t>(key);
    } catch (const Poco::Exception&) {  // an unsigned number beyond int64's range
        return 0;
    }
}

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    try {
        const Poco::Dynamic::Var v = Poco::JSON::Parser().parse(text);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    return nullptr;
}

}  // namespace omnigate::support
