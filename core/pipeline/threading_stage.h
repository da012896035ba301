// Stage 6: which interaction the message belongs to. It joins the client's open interaction on that channel
// account (and the plugin's thread key: an e-mail thread, a VK wall post). A closed interaction is never
// reopened: a new one is created and linked to it - unless the message is the digit a client sends to answer
// the rating request of that closed interaction. A reply to an interaction waiting for the client puts it back
// to work.
#pragma once

#include <chrono>

#include "pipeline/inbound_context.h"

namespace omnigate {

class ThreadingStage : public InboundStage {
public:
    explicit ThreadingStage(std::chrono::hours ratingWindow) : ratingWindow_(ratingWindow) {}
    const char* name() const override { return "threading"; }
    bool run(InboundContext& context, DbSession& session) override;

    // "5", " 4 ", "3." are ratings; "5 stars, thanks" is a message.
    static std::optional<int> ratingDigit(const std::string& text);

private:
    const std::chrono::hours ratingWindow_;
};

}  // namespace omnigate
