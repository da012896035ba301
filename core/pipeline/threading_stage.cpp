#include "pipeline/threading_stage.h"

#include <Poco/DateTimeParser.h>
#include <Poco/String.h>

#include "db/db_time.h"
#include "model/utf8_text.h"
#include "store/interaction_store.h"
#include "store/routing_store.h"

namespace omnigate {

namespace {

std::chrono::system_clock::time_point parseIso(const std::string& iso) {
    int tzd = 0;
    const Poco::DateTime parsed = Poco::DateTimeParser::parse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, iso, tzd);
    return std::chrono::system_clock::from_time_t(parsed.timestamp().epochTime()) - std::chrono::seconds(tzd);
}

// The client answered: back to their operator if that operator can take it now, else to the queue (keeping its
// place in line). The operator is only glanced at, not locked: a writer lane must not wait on routing's locks, and
// the worst a stale glance does is give them one interaction over their capacity.
Interaction returnFromWaiting(const Interaction& waiting, DbSession& session, const Actor& client) {
    RoutingStore routing(session);
    const auto op = waiting.operatorId.empty() ? std::nullopt : routing.findOperator(waiting.operatorId);
    const bool back = op && (op->status == OperatorStatus::Ready || op->status == OperatorStatus::Busy) &&
                      op->hasRoom(waiting.channel);
    Interaction next = waiting;
    if (back) {
        next.status = InteractionStatus::Assigned;
        const Interaction assigned = routing.save(waiting, next, client, "the client replied");
        routing.inboxEvent(op->id, "interaction.assigned", inboxPayload(assigned, "the client replied"));
        return assigned;
    }
    next.status = InteractionStatus::Queued;
    next.operatorId.clear();
    const std::string now = dbTimeToIso(nowDbTime());
    if (next.queuedAt.empty()) next.queuedAt = now;
    next.queueEnteredAt = now;
    return routing.save(waiting, next, client, "the client replied; their operator is not ready");
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

    // The channel's own threading (an email's "[#42]" tag) wins, but only for this client's own open interaction on
    // this account: quoting someone else's tag must never put a message into their conversation.
    std::optional<Interaction> pinned;
    if (m.interactionId > 0) {
        pinned = store.load(m.interactionId);
        if (pinned && (pinned->clientId != context.clientId || pinned->channel != context.channel ||
                       pinned->account != m.account || !isOpen(pinned->status))) {
            pinned.reset();
        }
    }
    const bool looked = context.lookup && context.lookup->clientId == context.clientId;
    if (auto open = pinned  ? pinned
                    : looked ? context.lookup->open
                             : store.findOpen(context.clientId, context.channel, m.account, m.from, m.threadKey)) {
        if (open->status == InteractionStatus::Waiting && !context.blocked && !context.spam) {
            open = returnFromWaiting(*open, session, client);
        } else if (open->status == InteractionStatus::Bot && open->offerExpiresAt.empty()) {
            // The bot had answered everything so far; this message starts its clock again.
            RoutingStore routing(session);
            Interaction next = *open;
            next.offerExpiresAt =
                dbTimeToIso(dbTimeIn(std::chrono::seconds(routing.botTimeoutSeconds(open->queue))));
            open = routing.save(*open, next, client, "");
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
