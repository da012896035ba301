// Finding response templates by what an operator types: every word of the query must be in the template's title,
// text or shortcut, in any case and inflection (omnigate/sdk/word_match.h, the suggester's matching), and a query
// equal to a shortcut finds that template first. Among the matches, the most used by the operator and their queue
// come first [суфлер БЗ]; without a query the list is simply the most used.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "model/response_template.h"

namespace omnigate {

class TemplateSearch {
public:
    // Indexes the words of the templates once, so several queries over the same templates cost only the matching.
    explicit TemplateSearch(std::vector<ResponseTemplate> templates);

    struct Hit {
        const ResponseTemplate* templ;
        std::int64_t uses;
        bool shortcut;  // the query is its shortcut
    };
    using Admit = std::function<bool(const ResponseTemplate&)>;
    // Best first (ranksBefore), among the templates `admit` lets through (all when empty). An empty query matches
    // everything.
    std::vector<Hit> find(const std::string& query, const std::map<std::int64_t, std::int64_t>& uses,
                          std::size_t limit, const Admit& admit = {}) const;

    // The order of the answers: the shortcut's template, then by uses (`uses` per template id), then by title and
    // id. Public so that the answers of two searches (shared and personal templates) merge in the same order.
    static bool ranksBefore(const Hit& a, const Hit& b);

    const std::vector<ResponseTemplate>& templates() const { return templates_; }

private:
    std::vector<ResponseTemplate> templates_;
    // Every distinct word of the templates once, with the templates holding it (indexes into templates_, ascending):
    // a query word is compared with each distinct word, not with every word of every template, which is what keeps
    // a search at 10,000 templates within a few milliseconds (docs/benchmarks.md).
    std::vector<std::u32string> vocabulary_;
    std::vector<std::vector<std::uint32_t>> holders_;
};

}  // namespace omnigate
