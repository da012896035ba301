// The typed settings of the knowledge-base suggester. They are read and range-checked once, at load time, so the
// worker and the REST handlers only ever see valid values, and a mistake in the file is reported with its position
// before the daemon starts serving.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "omnigate/sdk/config_node.h"

namespace omnigate::knowledge_base {

// A canned answer an operator may send: the core's shared templates as the ranking reads them, or one of the
// YAML file's, which the plugin moves into the core at load (template_move.h).
struct ResponseTemplate {
    std::string id;                   // the core's id; in the file [a-z0-9_.-]{1,64}, like the routing ids
    std::string title;
    std::string text;
    std::vector<std::string> queues;  // offered only for interactions of these queues; empty: for every queue
};

struct KnowledgeBaseConfig {
    std::string searchUrl;                    // GET <url>?q=<text>&limit=<n>; empty: templates only
    std::string authHeader;                   // the Authorization header's value sent to the search endpoint
    std::chrono::milliseconds timeout{2000};  // the whole search request, connect included
    std::size_t maxResponseBytes = 262144;    // a larger answer is dropped, not read to the end
    std::size_t maxSuggestions = 3;           // per message, knowledge-base answers and templates together
    std::vector<ResponseTemplate> templates;  // from the YAML file, moved into the core at load
};

// True for the ids templates, queues and operators share: 1-64 of [a-z0-9_.-].
bool isValidId(const std::string& id);

// Limits a template's fields must keep, whether it comes from the file or over REST.
constexpr std::size_t maxTitleCharacters = 200;
constexpr std::size_t maxTextBytes = 8000;

// Reads `settings` of `integrations: [{type: knowledge_base, id: …, settings: {…}}]`. Throws ConfigError (with
// the file, line, column and key path) on a missing, mistyped, out-of-range or unknown key.
KnowledgeBaseConfig parseKnowledgeBaseConfig(const ConfigNode& settings);

}  // namespace omnigate::knowledge_base
