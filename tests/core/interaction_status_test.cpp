// The lifecycle table as the specification states it, written out here by hand rather than read back from the
// code: every one of the 121 status pairs is checked, so a transition added or dropped by mistake fails a test.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "model/interaction_status.h"

namespace omnigate {
namespace {

// From the issues: who may follow whom. Closed is final; blocked and spam can only be released (to new) or closed.
// Routing added waiting -> queued: the client answered while their operator was not ready. Integrations added bot:
// a chatbot holds the interaction (from new or queued) until it hands it to people, a supervisor assigns it, or
// it is closed.
const std::map<std::string, std::set<std::string>>& specification() {
    static const std::map<std::string, std::set<std::string>> table{
        {"new", {"queued", "offered", "assigned", "postponed", "transferred", "closed", "blocked", "spam", "bot"}},
        {"queued", {"offered", "assigned", "postponed", "transferred", "closed", "blocked", "spam", "bot"}},
        {"offered", {"queued", "assigned", "transferred", "closed"}},
        {"assigned", {"waiting", "postponed", "transferred", "queued", "closed"}},
        {"waiting", {"assigned", "queued", "postponed", "transferred", "closed"}},
        {"postponed", {"queued", "assigned", "transferred", "closed"}},
        {"transferred", {"queued", "offered", "assigned", "closed"}},
        {"closed", {}},
        {"blocked", {"new", "closed"}},
        {"spam", {"new", "closed"}},
        {"bot", {"queued", "assigned", "closed"}},
    };
    return table;
}

InteractionStatus status(const std::string& name) {
    const auto parsed = parseInteractionStatus(name);
    if (!parsed) throw std::invalid_argument("no status " + name);
    return *parsed;
}

TEST(InteractionLifecycle, NamesAreExactlyTheElevenOfTheSpecificationAndRoundTrip) {
    std::set<std::string> names;
    for (InteractionStatus s : allInteractionStatuses()) {
        names.insert(toString(s));
        EXPECT_EQ(parseInteractionStatus(toString(s)), s) << toString(s);
    }
    std::set<std::string> expected;
    for (const auto& [from, to] : specification()) expected.insert(from);
    EXPECT_EQ(names, expected);
}

TEST(InteractionLifecycle, UnknownOrMiscasedNamesDoNotParse) {
    for (const char* text : {"", "Closed", "CLOSED", "open", "registered", "in_progress", " new", "new "}) {
        EXPECT_FALSE(parseInteractionStatus(text).has_value()) << "'" << text << "'";
    }
}

TEST(InteractionLifecycle, EveryPairIsAllowedOrRefusedAsTheTableSays) {
    int checked = 0;
    for (const auto& [from, allowed] : specification()) {
        for (const auto& [to, ignored] : specification()) {
            const bool expected = allowed.count(to) > 0;
            EXPECT_EQ(canTransition(status(from), status(to)), expected) << from << " -> " << to;
            ++checked;
        }
    }
    EXPECT_EQ(checked, 121);
}

TEST(InteractionLifecycle, AllowedTransitionsListsTheSameSetWithoutRepeats) {
    // The 409 message names the allowed statuses from this list: it must match canTransition exactly.
    for (const auto& [from, allowed] : specification()) {
        std::multiset<std::string> listed;
        for (InteractionStatus s : allowedTransitions(status(from))) listed.insert(toString(s));
        EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), allowed) << from;
        EXPECT_EQ(listed.size(), allowed.size()) << from << " lists a status twice";
    }
}

TEST(InteractionLifecycle, NoStatusFollowsItself) {
    for (InteractionStatus s : allInteractionStatuses()) EXPECT_FALSE(canTransition(s, s)) << toString(s);
}

TEST(InteractionLifecycle, ClosedIsFinal) {
    EXPECT_TRUE(allowedTransitions(InteractionStatus::Closed).empty());
    for (InteractionStatus s : allInteractionStatuses()) {
        EXPECT_FALSE(canTransition(InteractionStatus::Closed, s)) << "closed -> " << toString(s);
    }
    EXPECT_FALSE(isOpen(InteractionStatus::Closed));
}

TEST(InteractionLifecycle, EveryOtherStatusCanBeClosed) {
    for (InteractionStatus s : allInteractionStatuses()) {
        if (s == InteractionStatus::Closed) continue;
        EXPECT_TRUE(canTransition(s, InteractionStatus::Closed)) << toString(s) << " -> closed";
        EXPECT_TRUE(isOpen(s)) << toString(s);
    }
}

TEST(InteractionLifecycle, SpamAndBlockedAreReleasedToNewAndNeverRouted) {
    for (InteractionStatus held : {InteractionStatus::Spam, InteractionStatus::Blocked}) {
        EXPECT_TRUE(canTransition(held, InteractionStatus::New)) << toString(held);
        for (InteractionStatus routed : {InteractionStatus::Queued, InteractionStatus::Offered,
                                         InteractionStatus::Assigned, InteractionStatus::Transferred}) {
            EXPECT_FALSE(canTransition(held, routed)) << toString(held) << " -> " << toString(routed);
        }
    }
    // Only a fresh or still queued interaction can be judged spam or blocked; one an operator took cannot.
    for (InteractionStatus taken :
         {InteractionStatus::Offered, InteractionStatus::Assigned, InteractionStatus::Waiting}) {
        EXPECT_FALSE(canTransition(taken, InteractionStatus::Spam)) << toString(taken);
        EXPECT_FALSE(canTransition(taken, InteractionStatus::Blocked)) << toString(taken);
    }
}

TEST(InteractionLifecycle, NothingGoesBackToNewButAReleasedHold) {
    for (InteractionStatus s : allInteractionStatuses()) {
        const bool release = s == InteractionStatus::Spam || s == InteractionStatus::Blocked;
        EXPECT_EQ(canTransition(s, InteractionStatus::New), release) << toString(s) << " -> new";
    }
}

}  // namespace
}  // namespace omnigate
