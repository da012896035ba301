#include "pipeline/threading_stage.h"

#include <Poco/DateTimeParser.h>
#include <Poco/String.h>

#include "model/utf8_text.h"
#include "store/interaction_store.h"

namespace omnigate {

namespace {

std::chrono::system_clock::time_point parseIso(const std::string& iso) {
    int tzd = 0;
    const Poco::DateTime parsed = Poco::DateTimeParser::parse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, iso, tzd);
    return std::chrono::system_clock::from_time_t(parsed.timestamp().epochTime()) - std::chrono::seconds(tzd);
}

}  // namespace

std::optional<int> ThreadingStage::ratingDigit(const std::string& text) {
    std::string t = Poco::trim(text);
    if (!t.empty() && (t.back() == '.' || t.back() == '!')) t.pop_back();
    if (t.size() == 1 && t[0] >= '1' && t[0] <= '5') return t[0] - '0';
    return std::nullopt;
}

bool ThreadingStage::run(InboundContext& context, DbSession& session) {
    InteractionStore store(session);
    const InboundMessage& m = context.message;
    const Actor client{"client", std::to_string(context.clientId)};

    if (auto open = store.findOpen(context.clientId, context.channel, m.account, m.from, m.threadKey)) {
        if (open->status == InteractionStatus::Waiting && !context.blocked && !context.spam) {
            open = store.changeStatus(open->id, InteractionStatus::Assigned, client, "the client replied");
        }
        context.interaction = std::move(open);
        return true;
    }

    const auto closed = store.findLatestClosed(context.clientId, context.channel, m.account, m.from, m.threadKey);
    if (closed && !closed->rating && !closed->ratingRequestedAt.empty() &&
        context.receivedAt - parseIso(closed->ratingRequestedAt) <= ratingWindow_) {
        if (const auto digit = ratingDigit(m.text)) {
            context.ratingReply = digit;
            context.interaction = store.rate(closed->id, *digit, "", client);
            return true;
        }
    }

    Interaction draft;
    draft.channel = context.channel;
    draft.account = m.account;
    draft.kind = m.publicAppeal ? InteractionKind::Public : InteractionKind::Private;
    draft.clientId = context.clientId;
    draft.address = m.from;
    draft.threadKey = m.threadKey;
    draft.subject = truncateUtf8(m.subject, 255);
    draft.status = context.blocked ? InteractionStatus::Blocked
                   : context.spam  ? InteractionStatus::Spam
                                   : InteractionStatus::New;
    draft.previousInteractionId = closed ? closed->id : 0;
    context.interaction = store.create(draft, client);
    context.newInteraction = true;
    return true;
}

}  // namespace omnigate
