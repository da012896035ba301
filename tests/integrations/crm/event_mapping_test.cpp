// interaction.closed is not an omnigate event: it is an interaction.updated that closed the interaction. These
// tests pin down which updates a subscription receives, and under which X-Omnigate-Event name.
#include "event_mapping.h"

#include <gtest/gtest.h>

namespace omnigate::crm {
namespace {

const std::string closing =
    R"({"id":"e1","type":"interaction.updated","data":{"id":5,"status":"closed","changes":["status"]}})";
const std::string closedButOtherChange =
    R"({"id":"e2","type":"interaction.updated","data":{"id":5,"status":"closed","changes":["subject"]}})";
const std::string assigned =
    R"({"id":"e3","type":"interaction.updated","data":{"id":5,"status":"assigned","changes":["status"]}})";

using Types = std::vector<std::string>;

TEST(EventMapping, ClosedSubscriptionsQueueUpdates) {
    EXPECT_EQ(queuedTypes({"interaction.closed"}), Types{"interaction.updated"});
    EXPECT_EQ(queuedTypes({"interaction.closed", "interaction.updated", "client.created"}),
              (Types{"interaction.updated", "client.created"}));
    EXPECT_EQ(queuedTypes({"message.created", "rating.created"}), (Types{"message.created", "rating.created"}));
}

TEST(EventMapping, OnlyAClosingUpdateIsSentAsInteractionClosed) {
    EXPECT_TRUE(isClosingUpdate(closing));
    EXPECT_FALSE(isClosingUpdate(closedButOtherChange));  // already closed; something else changed
    EXPECT_FALSE(isClosingUpdate(assigned));
    EXPECT_FALSE(isClosingUpdate("not json"));

    const Types closedOnly{"interaction.closed"};
    EXPECT_EQ(deliveredAs(closedOnly, "interaction.updated", closing),
              std::optional<std::string>("interaction.closed"));
    EXPECT_FALSE(deliveredAs(closedOnly, "interaction.updated", assigned).has_value());
    EXPECT_FALSE(deliveredAs(closedOnly, "interaction.updated", closedButOtherChange).has_value());
}

TEST(EventMapping, UpdatesGoToUpdateSubscribersAndAClosingOneOnceToSubscribersOfBoth) {
    const Types updatedOnly{"interaction.updated"};
    EXPECT_EQ(deliveredAs(updatedOnly, "interaction.updated", closing),
              std::optional<std::string>("interaction.updated"));
    EXPECT_EQ(deliveredAs(updatedOnly, "interaction.updated", assigned),
              std::optional<std::string>("interaction.updated"));
    const Types both{"interaction.updated", "interaction.closed"};
    EXPECT_EQ(deliveredAs(both, "interaction.updated", closing), std::optional<std::string>("interaction.closed"));
    EXPECT_EQ(deliveredAs(both, "interaction.updated", assigned), std::optional<std::string>("interaction.updated"));
}

TEST(EventMapping, OtherTypesAreSentUnderTheirOwnName) {
    EXPECT_EQ(deliveredAs({"message.created"}, "message.created", "{}"), std::optional<std::string>("message.created"));
    EXPECT_FALSE(deliveredAs({"message.created"}, "client.created", "{}").has_value());
}

}  // namespace
}  // namespace omnigate::crm
