// The search call to the configured knowledge base. The knowledge base is outside our control: it may hang, drip
// bytes, redirect, answer HTML or gigabytes. Every call is bounded in time (the whole request, connect included)
// and in size, and everything that is not the small contract below is a KnowledgeBaseError, never a crash or a
// stuck worker.
//
// The contract (docs/integrations/knowledge-base.md, "The search contract"):
//   GET <search_url>?q=<the message text, URL-encoded>&limit=<n>   [Authorization: <auth_header>]
//   200 {"results": [{"title": "…", "text": "…", "url": "https://…", "score": 0.87}, …]}
// text is required; title, url and score (0..1, higher is better; missing: 0.5) are optional. Unknown fields are
// ignored; results that break the rules are skipped; redirects are not followed.
#pragma once

#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "knowledge_base_config.h"
#include "suggestion.h"

namespace omnigate::knowledge_base {

class KnowledgeBaseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses a search answer into at most `limit` suggestions (source "knowledge_base"), in the order the knowledge
// base gave them, texts cut to the template limits. Throws KnowledgeBaseError when the body is not a JSON object
// with a "results" array, or when it has results but none usable.
std::vector<Suggestion> parseSearchAnswer(const std::string& body, std::size_t limit);

class KnowledgeBaseClient {
public:
    explicit KnowledgeBaseClient(const KnowledgeBaseConfig& config);

    bool configured() const { return !searchUrl_.empty(); }
    // The search URL for `text`: the text cut to a sane length and URL-encoded.
    std::string urlFor(const std::string& text, std::size_t limit) const;
    // Asks the knowledge base; throws KnowledgeBaseError on a timeout, a transport error, a status other than
    // 2xx, a body over the limit or an answer that breaks the contract. `cancel` set aborts the request at once
    // (the plugin is stopping).
    std::vector<Suggestion> search(const std::string& text, std::size_t limit, const std::atomic<bool>& cancel) const;

private:
    std::string searchUrl_;
    std::string authHeader_;
    long timeoutMs_;
    std::size_t maxResponseBytes_;
};

}  // namespace omnigate::knowledge_base
