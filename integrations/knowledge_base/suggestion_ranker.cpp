#include "suggestion_ranker.h"

#include <algorithm>

#include "omnigate/sdk/word_match.h"

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

std::vector<Suggestion> rankTemplates(const std::string& message, const std::vector<ResponseTemplate>& templates,
                                      const std::string& queue, const UseCounts& operatorUses,
                                      const UseCounts& queueUses, std::size_t limit) {
    const std::vector<std::u32string> words = word_match::wordsOf(message);
    std::vector<Suggestion> ranked;
    for (const ResponseTemplate& t : templates) {
        if (!servesQueue(t, queue)) continue;
        const double overlap = word_match::wordOverlap(words, word_match::wordsOf(t.title + "\n" + t.text, 2000));
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
