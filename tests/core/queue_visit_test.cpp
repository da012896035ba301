// When a change ends an interaction's visit to a queue, and how (docs/metrics.md): the figures of every queue
// count visits, so a visit that ends twice or never would skew them all.
#include <gtest/gtest.h>

#include "model/queue_visit.h"

namespace omnigate {
namespace {

Interaction waitingIn(const std::string& queue, InteractionStatus status = InteractionStatus::Queued) {
    Interaction i;
    i.id = 7;
    i.channel = "webchat";
    i.status = status;
    i.queue = queue;
    i.queueEnteredAt = "2026-12-07T10:00:00.000Z";
    return i;
}

TEST(QueueVisit, OffersMadeDeclinedOrMissedAreOneVisit) {
    const Interaction queued = waitingIn("sales");
    Interaction offered = queued;
    offered.status = InteractionStatus::Offered;
    offered.operatorId = "anna";
    EXPECT_FALSE(visitEnding(queued, offered)) << "an offer";
    EXPECT_FALSE(visitEnding(offered, queued)) << "declined or missed: back in the same visit";
}

TEST(QueueVisit, AnAcceptAnswersItAndACloseWhileWaitingAbandonsIt) {
    Interaction offered = waitingIn("sales", InteractionStatus::Offered);
    Interaction accepted = offered;
    accepted.status = InteractionStatus::Assigned;
    EXPECT_EQ(visitEnding(offered, accepted), VisitEnding::Answered);
    Interaction closed = offered;
    closed.status = InteractionStatus::Closed;
    EXPECT_EQ(visitEnding(offered, closed), VisitEnding::Abandoned);
    EXPECT_EQ(visitEnding(waitingIn("sales"), closed), VisitEnding::Abandoned);
}

TEST(QueueVisit, AnotherQueueABotOrAPostponementLeavesIt) {
    const Interaction queued = waitingIn("sales");
    Interaction moved = waitingIn("billing");
    EXPECT_EQ(visitEnding(queued, moved), VisitEnding::Left) << "transferred or overflowed";
    Interaction again = waitingIn("sales");
    again.queueEnteredAt = "2026-12-07T10:05:00.000Z";
    EXPECT_EQ(visitEnding(queued, again), VisitEnding::Left) << "re-entered: a new visit of the same queue";
    Interaction bot = queued;
    bot.status = InteractionStatus::Bot;
    EXPECT_EQ(visitEnding(queued, bot), VisitEnding::Left);
    Interaction postponed = queued;
    postponed.status = InteractionStatus::Postponed;
    EXPECT_EQ(visitEnding(queued, postponed), VisitEnding::Left);
}

TEST(QueueVisit, NothingEndsWhatWasNotWaitingInAQueue) {
    Interaction held = waitingIn("sales", InteractionStatus::Assigned);
    Interaction closed = held;
    closed.status = InteractionStatus::Closed;
    EXPECT_FALSE(visitEnding(held, closed)) << "a held interaction closed is handled, not abandoned";
    Interaction fresh;
    fresh.status = InteractionStatus::New;
    EXPECT_FALSE(visitEnding(fresh, waitingIn("sales"))) << "entering starts a visit; only its end is a row";
    Interaction queueless = waitingIn("");
    EXPECT_FALSE(visitEnding(queueless, closed)) << "queued without a queue is not in any queue";
}

}  // namespace
}  // namespace omnigate
