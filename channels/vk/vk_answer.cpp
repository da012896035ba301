#include "vk_answer.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <cstdint>

#include "vk_api.h"

namespace omnigate::vk {

namespace {

Poco::JSON::Object::Ptr objectOf(const std::string& body) {
    try {
        const Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(body);
        if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) return parsed.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    return nullptr;
}

}  // namespace

std::string longPollTsOf(const Poco::JSON::Object::Ptr& o) {
    if (!o || !o->has("ts")) return {};
    const Poco::Dynamic::Var v = o->get("ts");
    try {
        if (v.isString()) return v.extract<std::string>();
        if (v.isInteger()) return v.convert<std::string>();
    } catch (const Poco::Exception&) {
    }
    return {};
}

Poco::Dynamic::Var apiResponseOf(const std::string& method, const std::string& body) {
    const Poco::JSON::Object::Ptr answer = objectOf(body);
    if (!answer) throw VkTransportError(method + " answered something that is not a JSON object");
    if (const Poco::JSON::Object::Ptr error = answer->getObject("error")) {
        int code = 0;
        std::string text;
        try {
            code = error->optValue<int>("error_code", 0);
            text = error->optValue<std::string>("error_msg", "");
        } catch (const Poco::Exception&) {
        }
        throw VkApiError(code, text.empty() ? "no error_msg" : text);
    }
    if (!answer->has("response")) throw VkTransportError(method + " answered neither 'response' nor 'error'");
    return answer->get("response");
}

LongPollAnswer parseLongPollAnswer(const std::string& body) {
    const Poco::JSON::Object::Ptr answer = objectOf(body);
    if (!answer) throw VkTransportError("the Long Poll server answered something that is not a JSON object");
    LongPollAnswer out;
    out.ts = longPollTsOf(answer);
    if (answer->has("failed")) {
        out.failed = answer->optValue<int>("failed", 0);  // no number: 0, which no code means, so start over
        return out;
    }
    out.updates = answer->getArray("updates");
    return out;
}

UploadAnswer parseUploadAnswer(const std::string& body) {
    UploadAnswer out;
    const Poco::JSON::Object::Ptr answer = objectOf(body);
    if (!answer) {
        out.error = "the VK upload server answered something that is not JSON";
    } else if (answer->has("error")) {
        const Poco::Dynamic::Var error = answer->get("error");
        std::string text;
        try {
            if (error.isString()) text = error.extract<std::string>();
            if (error.isInteger()) text = std::to_string(error.convert<std::int64_t>());
        } catch (const Poco::Exception&) {
        }
        out.error = "the VK upload server refused the file: " + text;
    } else {
        out.fields = answer;
    }
    return out;
}

}  // namespace omnigate::vk
