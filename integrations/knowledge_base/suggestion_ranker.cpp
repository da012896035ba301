#include "suggestion_ranker.h"

#include <algorithm>

#include "utf8_text.h"

namespace omnigate::knowledge_base {

namespace {

std::int64_t usesOf(const UseCounts& counts, const std::string& id) {
    const auto it = counts.find(id);
    return it == counts.end() ? 0 : std::max<std::int64_t>(0, it->second);
}

bool servesQueue(const ResponseTemplate& t, const std::string& queue) {
    return t.queues.empty() || std::find(t.queues.begin(), t.queues.end(), queue) != t.queues.end();
}

}  // namespace

double wordOverlap(const std::vector<std::u32string>& messageWords, const std::string& templateText) {
    if (messageWords.empty()) return 0;
    const std::vector<std::u32string> templateWords = wordsOf(templateText, 2000);
    std::size_t matched = 0;
    for (const std::u32string& word : messageWords) {
        const bool found = std::any_of(templateWords.begin(), templateWords.end(),
                                       [&](const std::u32string& other) { return sameWord(word, other); });
        if (found) ++matched;
    }
    return static_cast<double>(matched) / static_cast<double>(messageWords.size());
}

std::vector<Suggestion> rankTemplates(const std::string& message, const std::vector<ResponseTemplate>& templates,
                                      const std::string& queue, const UseCounts& operatorUses,
                                      const UseCounts& queueUses, std::size_t limit) {
    const std::vector<std::u32string> words = wordsOf(message);
    std::vector<Suggestion> ranked;
    for (const ResponseTemplate& t : templates) {
        if (!servesQueue(t, queue)) continue;
        const double overlap = wordOverlap(words, t.title + "\n" + t.text);
        if (overlap <= 0) continue;
        const double uses = static_cast<double>(usesOf(operatorUses, t.id) + usesOf(queueUses, t.id));
        Suggestion s;
        s.source = "template";
        s.id = t.id;
        s.title = t.title;
        s.text = t.text;
        s.score = overlap * (0.7 + 0.3 * uses / (uses + 5));
        ranked.push_back(std::move(s));
    }
    // Equal scores keep a stable, predictable order: by id.
    std::sort(ranked.begin(), ranked.end(), [](const Suggestion& a, const Suggestion& b) {
        return a.score != b.score ? a.score > b.score : a.id < b.id;
    });
    if (ranked.size() > limit) ranked.resize(limit);
    return ranked;
}

std::vector<Suggestion> mergeSuggestions(std::vector<Suggestion> knowledgeBase, std::vector<Suggestion> templates,
                                         std::size_t limit) {
    std::vector<Suggestion> all = std::move(knowledgeBase);
    all.insert(all.end(), std::make_move_iterator(templates.begin()), std::make_move_iterator(templates.end()));
    std::stable_sort(all.begin(), all.end(), [](const Suggestion& a, const Suggestion& b) { return a.score > b.score; });
    if (all.size() > limit) all.resize(limit);
    return all;
}

}  // namespace omnigate::knowledge_base
