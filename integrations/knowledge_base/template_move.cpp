#include "template_move.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <optional>

#include "omnigate/sdk/api_error.h"

namespace omnigate::knowledge_base {

namespace {

const std::string kTemplatePrefix = "template/";

// A template as the plugin's state kept it; nothing when the row is damaged (it is then left where it is).
std::optional<ResponseTemplate> parseStored(const std::string& json) {
    try {
        const auto o = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
        ResponseTemplate t;
        t.id = o->getValue<std::string>("id");
        t.title = o->getValue<std::string>("title");
        t.text = o->getValue<std::string>("text");
        if (const auto queues = o->getArray("queues")) {
            for (std::size_t i = 0; i < queues->size(); ++i) t.queues.push_back(queues->getElement<std::string>(i));
        }
        return t;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

void TemplateMove::move(const ResponseTemplate& templ, Result& result, bool fromState) {
    try {
        if (host_.importTemplate(templ.id, {"", templ.title, templ.text, templ.queues})) {
            ++result.moved;
        } else {
            ++result.present;
        }
    } catch (const ApiError& e) {
        ++result.kept;
        host_.log(LogLevel::Warning, "knowledge_base: template '" + templ.id + "' stays here, the core refused it: " +
                                         e.what());
        return;
    }
    if (!fromState) return;
    // The core has it: the state's copy and its old counts go (the core counts uses from now on).
    host_.eraseState(kTemplatePrefix + templ.id);
    const std::string suffix = "/" + templ.id;
    for (const auto& [key, value] : host_.listState("uses/")) {
        if (key.size() > suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
            host_.eraseState(key);
        }
    }
}

TemplateMove::Result TemplateMove::run(const std::vector<ResponseTemplate>& configured) {
    Result result;
    for (const ResponseTemplate& t : configured) move(t, result, false);
    for (const auto& [key, json] : host_.listState(kTemplatePrefix)) {
        const auto t = parseStored(json);
        if (!t) {
            host_.log(LogLevel::Warning, "knowledge_base: the state row '" + key + "' is no template; left as it is");
            continue;
        }
        move(*t, result, true);
    }
    return result;
}

}  // namespace omnigate::knowledge_base
