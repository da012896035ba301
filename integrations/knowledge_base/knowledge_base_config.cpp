#include "knowledge_base_config.h"

#include <regex>
#include <set>

#include "utf8_text.h"

namespace omnigate::knowledge_base {

bool isValidId(const std::string& id) {
    static const std::regex allowed("[a-z0-9_.-]{1,64}");
    return std::regex_match(id, allowed);
}

namespace {

ResponseTemplate parseTemplate(const ConfigNode& node) {
    node.expectMap();
    node.expectKeys({"id", "title", "text", "queues"});
    ResponseTemplate t;
    t.id = node.getString("id");
    if (!isValidId(t.id)) node["id"].fail("expected 1-64 lower-case letters, digits, '_', '.' or '-', got '" + t.id + "'");
    t.title = node.getString("title");
    if (isBlank(t.title) || utf8Length(t.title) > maxTitleCharacters || !isValidUtf8(t.title)) {
        node["title"].fail("expected 1 to " + std::to_string(maxTitleCharacters) + " characters of text");
    }
    t.text = node.getString("text");
    if (isBlank(t.text) || t.text.size() > maxTextBytes || !isValidUtf8(t.text)) {
        node["text"].fail("expected 1 to " + std::to_string(maxTextBytes) + " bytes of text (UTF-8)");
    }
    if (node.has("queues")) {
        for (const ConfigNode& queue : node["queues"].elements()) {
            const std::string id = queue.asString();
            if (!isValidId(id)) queue.fail("expected a queue id (1-64 of [a-z0-9_.-]), got '" + id + "'");
            t.queues.push_back(id);
        }
    }
    return t;
}

}  // namespace

KnowledgeBaseConfig parseKnowledgeBaseConfig(const ConfigNode& settings) {
    settings.expectKeys(
        {"search_url", "auth_header", "timeout_ms", "max_response_bytes", "max_suggestions", "templates"});

    KnowledgeBaseConfig config;
    config.searchUrl = settings.getString("search_url", "");
    if (!config.searchUrl.empty() && config.searchUrl.rfind("http://", 0) != 0 &&
        config.searchUrl.rfind("https://", 0) != 0) {
        settings["search_url"].fail("expected an http:// or https:// URL, got '" + config.searchUrl + "'");
    }
    if (config.searchUrl.find_first_of(" \r\n#") != std::string::npos) {
        settings["search_url"].fail("must not contain spaces, line breaks or a #fragment");
    }
    config.authHeader = settings.getString("auth_header", "");
    if (config.authHeader.find_first_of("\r\n") != std::string::npos) {
        settings["auth_header"].fail("must be one line: the value of the Authorization header");
    }
    if (!config.authHeader.empty() && config.searchUrl.empty()) {
        settings["auth_header"].fail("is only used with search_url, which is not set");
    }
    config.timeout = std::chrono::milliseconds(settings.getInt("timeout_ms", 2000, 50, 60000));
    config.maxResponseBytes =
        static_cast<std::size_t>(settings.getInt("max_response_bytes", 262144, 1024, 16 * 1024 * 1024));
    config.maxSuggestions = static_cast<std::size_t>(settings.getInt("max_suggestions", 3, 1, 20));

    std::set<std::string> ids;
    if (settings.has("templates")) {
        for (const ConfigNode& node : settings["templates"].elements()) {
            ResponseTemplate t = parseTemplate(node);
            if (!ids.insert(t.id).second) node["id"].fail("the template id '" + t.id + "' is used twice");
            config.templates.push_back(std::move(t));
        }
    }
    return config;
}

}  // namespace omnigate::knowledge_base
