// Stage 3: a text containing a word or phrase of the spam list [список спам-слов] marks a new interaction spam
// (never routed) and flags the message. Matching is case-insensitive (Cyrillic too) and on whole words, so the
// word "sale" does not catch "wholesale".
#pragma once

#include <string>
#include <vector>

#include "pipeline/inbound_context.h"

namespace omnigate {

class SpamFilterStage : public InboundStage {
public:
    const char* name() const override { return "spam filter"; }
    bool run(InboundContext& context, DbSession& session) override;

    // True when lower-cased `words` has an entry occurring in `text` as a whole word or phrase.
    static bool matches(const std::string& text, const std::vector<std::string>& words);
};

}  // namespace omnigate
