#include "graph_answer.h"

#include <stdexcept>

#include "omnigate/support/json_fields.h"

namespace omnigate::whatsapp {

GraphError graphErrorOf(const std::string& body) {
    GraphError error;
    const Poco::JSON::Object::Ptr root = support::parseObject(body);
    if (!root || !root->has("error") || root->get("error").type() != typeid(Poco::JSON::Object::Ptr)) return error;
    const Poco::JSON::Object::Ptr e = root->getObject("error");
    const std::int64_t code = support::intOr(e, "code");
    error.code = code != 0 ? std::to_string(code) : support::stringOr(e, "code");
    error.message = support::stringOr(e, "message");
    if (e->has("error_data") && e->get("error_data").type() == typeid(Poco::JSON::Object::Ptr)) {
        const std::string details = support::stringOr(e->getObject("error_data"), "details");
        if (!details.empty() && details != error.message) {
            error.message += (error.message.empty() ? "" : ": ") + details;
        }
    }
    return error;
}

MediaInfo mediaInfoOf(const std::string& body) {
    MediaInfo info;
    const Poco::JSON::Object::Ptr meta = support::parseObject(body);
    info.url = support::stringOr(meta, "url");
    info.mimeType = support::stringOr(meta, "mime_type");
    const std::int64_t declaredSize = support::intOr(meta, "file_size");
    const std::string sizeText = support::stringOr(meta, "file_size");
    info.size = declaredSize > 0 ? static_cast<std::uint64_t>(declaredSize) : 0;
    if (info.size == 0 && !sizeText.empty() && sizeText.size() < 20) {
        try {
            info.size = std::stoull(sizeText);
        } catch (const std::exception&) {
            info.size = 0;
        }
    }
    return info;
}

}  // namespace omnigate::whatsapp
