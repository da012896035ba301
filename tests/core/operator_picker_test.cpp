// Who gets an interaction, mode by mode, as tables: the operators as the distributor sees them, the queue and
// channel, and who must be chosen. Eligibility (status, skills, room on the channel) is checked the same way.
#include <gtest/gtest.h>

#include "routing/operator_picker.h"

namespace omnigate {
namespace {

OperatorLoad op(const std::string& id, int capacity, int held, const std::string& lastOffer = "",
                const std::string& idleSince = "", OperatorStatus status = OperatorStatus::Ready,
                std::set<std::string> queues = {"sales"}) {
    OperatorLoad o;
    o.id = id;
    o.status = status;
    o.capacities = {{"webchat", capacity}, {"email", 5}};
    if (held > 0) o.load["webchat"] = held;
    o.lastOfferAt = lastOffer;
    o.idleSince = idleSince;
    o.queues = std::move(queues);
    return o;
}

struct Case {
    const char* name;
    DistributionMode mode;
    std::vector<OperatorLoad> operators;
    std::string declinedBy;
    std::string expected;  // empty: nobody
};

TEST(OperatorPicker, ChoosesByModeAmongThoseWhoCanTakeIt) {
    const std::vector<Case> cases{
        {"longest idle: holding nothing beats holding something",
         DistributionMode::LongestIdle,
         {op("a", 3, 1, "2026-01-01 09:00:00.000", "2026-01-01 08:00:00.000"),
          op("b", 3, 0, "2026-01-01 10:00:00.000", "2026-01-01 10:30:00.000")},
         "",
         "b"},
        {"longest idle: among the idle, idle longest",
         DistributionMode::LongestIdle,
         {op("a", 3, 0, "", "2026-01-01 10:00:00.000"), op("b", 3, 0, "", "2026-01-01 09:00:00.000")},
         "",
         "b"},
        {"longest idle: all busy, the one offered to longest ago",
         DistributionMode::LongestIdle,
         {op("a", 3, 1, "2026-01-01 10:00:00.000"), op("b", 3, 2, "2026-01-01 09:00:00.000")},
         "",
         "b"},
        {"least busy: lowest share of capacity",
         DistributionMode::LeastBusy,
         {op("a", 2, 1), op("b", 4, 1), op("c", 4, 3)},
         "",
         "b"},
        {"least busy: equal shares, the fewest held overall",
         DistributionMode::LeastBusy,
         {op("a", 4, 2), op("b", 2, 1)},
         "",
         "b"},
        {"round robin: never offered first, then the oldest offer",
         DistributionMode::RoundRobin,
         {op("a", 3, 0, "2026-01-01 09:00:00.000"), op("b", 3, 2, ""), op("c", 3, 0, "2026-01-01 08:00:00.000")},
         "",
         "b"},
        {"round robin: ties go to the id",
         DistributionMode::RoundRobin,
         {op("b", 3, 0, "2026-01-01 09:00:00.000"), op("a", 3, 0, "2026-01-01 09:00:00.000")},
         "",
         "a"},
        {"full on the channel: not eligible",
         DistributionMode::RoundRobin,
         {op("a", 2, 2), op("b", 0, 0)},
         "",
         ""},
        {"not serving the queue, on a break, wrapping up, not responding or offline: not eligible",
         DistributionMode::LeastBusy,
         {op("a", 3, 0, "", "", OperatorStatus::Ready, {"support"}), op("b", 3, 0, "", "", OperatorStatus::Break),
          op("c", 3, 0, "", "", OperatorStatus::WrapUp), op("d", 3, 0, "", "", OperatorStatus::NotResponding),
          op("e", 3, 0, "", "", OperatorStatus::Offline), op("f", 3, 2, "", "", OperatorStatus::Busy)},
         "",
         "f"},
        {"the one who declined only when nobody else can",
         DistributionMode::RoundRobin,
         {op("a", 3, 0, ""), op("b", 3, 0, "2026-01-01 09:00:00.000")},
         "a",
         "b"},
        {"the one who declined when alone",
         DistributionMode::RoundRobin,
         {op("a", 3, 0, ""), op("b", 3, 3)},
         "a",
         "a"},
    };
    for (Case c : cases) {
        OperatorLoad* chosen = OperatorPicker::pick(c.operators, c.mode, "sales", "webchat", c.declinedBy);
        EXPECT_EQ(chosen ? chosen->id : "", c.expected) << c.name;
    }
}

TEST(OperatorPicker, BusyMeansFullOnEveryChannelWithACapacity) {
    OperatorLoad o = op("a", 2, 2);
    EXPECT_FALSE(o.full()) << "email still has room";
    o.load["email"] = 5;
    EXPECT_TRUE(o.full());
    OperatorLoad none;
    EXPECT_TRUE(none.full()) << "an operator with no capacity at all takes nothing";
    EXPECT_FALSE(o.hasRoom("voice"));
}

}  // namespace
}  // namespace omnigate
