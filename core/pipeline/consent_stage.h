// Stage 5: a client's reply that is a stop word alone ("STOP", "СТОП", campaigns.stop_words) opts them out of
// campaigns, in the same transaction as the message, and names the campaign it answers when one reached them
// within the reply window (docs/campaigns.md). The message itself goes on like any other: stored, threaded, routed.
#pragma once

#include <string>
#include <vector>

#include "pipeline/inbound_context.h"

namespace omnigate {

class ConsentStage : public InboundStage {
public:
    ConsentStage(const std::vector<std::string>& stopWords, int replyWindowHours);

    const char* name() const override { return "consent"; }
    bool run(InboundContext& context, DbSession& session) override;

    // True when `text`, lower-cased and without the spaces and punctuation around it, is one of `lowerWords`.
    static bool isStop(const std::string& text, const std::vector<std::string>& lowerWords);

private:
    std::vector<std::string> words_;  // lower-cased
    int replyWindowHours_;
};

}  // namespace omnigate
