// Which response templates fit a client's message, and how they rank against the knowledge base's answers. A
// template fits when it shares words with the message (any script, crude stemming: omnigate/sdk/word_match.h); among fitting
// ones, those the operator and their queue use most rise, so the suggester learns a team's habits [суфлер БЗ]
// without ever offering an unrelated template just because it is popular.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "knowledge_base_config.h"
#include "suggestion.h"

namespace omnigate::knowledge_base {

// Uses of each template (by id) for one operator or one queue.
using UseCounts = std::map<std::string, std::int64_t>;

// The templates that fit `message` for an interaction of `queue` ("" when it has none: only templates for every
// queue fit), best first, at most `limit`. score = overlap × (0.7 + 0.3 × uses / (uses + 5)), uses being the
// operator's and the queue's uses of the template: usage lifts a fitting template by up to 30 %, and never
// lifts one that does not fit.
std::vector<Suggestion> rankTemplates(const std::string& message, const std::vector<ResponseTemplate>& templates,
                                      const std::string& queue, const UseCounts& operatorUses,
                                      const UseCounts& queueUses, std::size_t limit);

// The knowledge base's answers and the templates together, by score (the knowledge base first at a tie), at most
// `limit`.
std::vector<Suggestion> mergeSuggestions(std::vector<Suggestion> knowledgeBase, std::vector<Suggestion> templates,
                                         std::size_t limit);

}  // namespace omnigate::knowledge_base
