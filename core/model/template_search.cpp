#include "model/template_search.h"

#include <algorithm>
#include <unordered_map>

#include "omnigate/sdk/word_match.h"

namespace omnigate {

namespace {

// Enough for any template: its text is at most 8,000 bytes.
constexpr std::size_t kMaxTemplateWords = 4000;

}  // namespace

TemplateSearch::TemplateSearch(std::vector<ResponseTemplate> templates) : templates_(std::move(templates)) {
    std::unordered_map<std::u32string, std::uint32_t> known;
    for (std::size_t i = 0; i < templates_.size(); ++i) {
        const ResponseTemplate& t = templates_[i];
        for (std::u32string& word :
             word_match::wordsOf(t.title + "\n" + t.shortcut + "\n" + t.text, kMaxTemplateWords)) {
            const auto [at, added] = known.emplace(word, static_cast<std::uint32_t>(vocabulary_.size()));
            if (added) {
                vocabulary_.push_back(std::move(word));
                holders_.emplace_back();
            }
            // wordsOf gives each word once per template, so the holders stay ascending and distinct.
            holders_[at->second].push_back(static_cast<std::uint32_t>(i));
        }
    }
}

bool TemplateSearch::ranksBefore(const Hit& a, const Hit& b) {
    if (a.shortcut != b.shortcut) return a.shortcut;
    if (a.uses != b.uses) return a.uses > b.uses;
    if (a.templ->title != b.templ->title) return a.templ->title < b.templ->title;
    return a.templ->id < b.templ->id;
}

std::vector<TemplateSearch::Hit> TemplateSearch::find(const std::string& query,
                                                      const std::map<std::int64_t, std::int64_t>& uses,
                                                      std::size_t limit, const Admit& admit) const {
    const std::vector<std::u32string> wanted = word_match::wordsOf(query);
    // How many of the query's words each template holds; a template fits when it holds them all.
    std::vector<std::uint16_t> matched(templates_.size(), 0);
    std::vector<std::uint16_t> seenFor(templates_.size(), 0);
    for (std::size_t w = 0; w < wanted.size(); ++w) {
        const auto stamp = static_cast<std::uint16_t>(w + 1);
        for (std::size_t v = 0; v < vocabulary_.size(); ++v) {
            if (!word_match::sameWord(wanted[w], vocabulary_[v])) continue;
            for (const std::uint32_t holder : holders_[v]) {
                // Two forms of the word in one template count once.
                if (seenFor[holder] == stamp) continue;
                seenFor[holder] = stamp;
                ++matched[holder];
            }
        }
    }
    std::vector<Hit> hits;
    for (std::size_t i = 0; i < templates_.size(); ++i) {
        const ResponseTemplate& t = templates_[i];
        const bool shortcut = !query.empty() && t.shortcut == query;
        const bool fits = query.empty() || (!wanted.empty() && matched[i] == wanted.size());
        if ((!shortcut && !fits) || (admit && !admit(t))) continue;
        const auto used = uses.find(t.id);
        hits.push_back({&t, used == uses.end() ? 0 : used->second, shortcut});
    }
    const std::size_t kept = std::min(limit, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(kept), hits.end(), ranksBefore);
    hits.resize(kept);
    return hits;
}

}  // namespace omnigate
