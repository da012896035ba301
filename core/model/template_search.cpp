#include "model/template_search.h"

#include <algorithm>

#include "omnigate/sdk/word_match.h"

namespace omnigate {

namespace {

// Enough for any template: its text is at most 8,000 bytes.
constexpr std::size_t kMaxTemplateWords = 4000;

}  // namespace

TemplateSearch::TemplateSearch(std::vector<ResponseTemplate> templates) : templates_(std::move(templates)) {
    words_.reserve(templates_.size());
    for (const ResponseTemplate& t : templates_) {
        words_.push_back(word_match::wordsOf(t.title + "\n" + t.shortcut + "\n" + t.text, kMaxTemplateWords));
    }
}

std::vector<TemplateSearch::Hit> TemplateSearch::find(const std::string& query,
                                                      const std::map<std::int64_t, std::int64_t>& uses,
                                                      std::size_t limit) const {
    const std::vector<std::u32string> wanted = word_match::wordsOf(query);
    struct Ranked {
        Hit hit;
        bool shortcut;
    };
    std::vector<Ranked> ranked;
    for (std::size_t i = 0; i < templates_.size(); ++i) {
        const ResponseTemplate& t = templates_[i];
        const bool shortcut = !query.empty() && t.shortcut == query;
        if (!shortcut && !query.empty() && (wanted.empty() || word_match::wordOverlap(wanted, words_[i]) < 1.0)) {
            continue;
        }
        const auto used = uses.find(t.id);
        ranked.push_back({{&t, used == uses.end() ? 0 : used->second}, shortcut});
    }
    const auto better = [](const Ranked& a, const Ranked& b) {
        if (a.shortcut != b.shortcut) return a.shortcut;
        if (a.hit.uses != b.hit.uses) return a.hit.uses > b.hit.uses;
        if (a.hit.templ->title != b.hit.templ->title) return a.hit.templ->title < b.hit.templ->title;
        return a.hit.templ->id < b.hit.templ->id;
    };
    const std::size_t kept = std::min(limit, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(kept), ranked.end(), better);
    std::vector<Hit> hits;
    for (std::size_t i = 0; i < kept; ++i) hits.push_back(ranked[i].hit);
    return hits;
}

}  // namespace omnigate
