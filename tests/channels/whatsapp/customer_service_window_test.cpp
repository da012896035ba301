// The 24-hour customer service window from the stored conversation: open only while the client's own latest
// message is less than 24 hours old; our replies, system notes and malformed times never open it.
#include <gtest/gtest.h>

#include "customer_service_window.h"

namespace omnigate::whatsapp {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

StoredMessage message(Direction direction, const std::string& createdAt, AuthorKind author = AuthorKind::Client) {
    StoredMessage m;
    m.direction = direction;
    m.author = direction == Direction::Outbound ? AuthorKind::Operator : author;
    m.createdAt = createdAt;
    return m;
}

const Clock::time_point noon = *parseIsoTime("2026-03-10T12:00:00.000Z");

TEST(CustomerServiceWindow, ParsesTheStoresTimes) {
    ASSERT_TRUE(parseIsoTime("2026-03-10T12:00:00.000Z"));
    EXPECT_EQ(*parseIsoTime("2026-03-10T12:00:01.500Z") - noon, 1500ms);
    EXPECT_EQ(*parseIsoTime("2026-03-10T14:00:00+02:00"), noon);
    EXPECT_FALSE(parseIsoTime("yesterday"));
    EXPECT_FALSE(parseIsoTime(""));
}

TEST(CustomerServiceWindow, OpenWithin24HoursOfTheClientsLastMessage) {
    const std::vector<StoredMessage> history{message(Direction::Inbound, "2026-03-09T12:00:01.000Z")};
    const WindowState state = customerServiceWindow(history, noon);
    EXPECT_TRUE(state.open);
    ASSERT_TRUE(state.lastInbound);
    EXPECT_EQ(noon - *state.lastInbound, 24h - 1s);
}

TEST(CustomerServiceWindow, ClosedAtExactly24Hours) {
    EXPECT_FALSE(customerServiceWindow({message(Direction::Inbound, "2026-03-09T12:00:00.000Z")}, noon).open);
}

TEST(CustomerServiceWindow, OurMessagesDoNotOpenIt) {
    const std::vector<StoredMessage> history{message(Direction::Inbound, "2026-03-01T08:00:00.000Z"),
                                             message(Direction::Outbound, "2026-03-10T11:59:00.000Z"),
                                             message(Direction::Inbound, "2026-03-10T11:00:00.000Z", AuthorKind::System)};
    const WindowState state = customerServiceWindow(history, noon);
    EXPECT_FALSE(state.open);
    ASSERT_TRUE(state.lastInbound);
    EXPECT_EQ(*state.lastInbound, *parseIsoTime("2026-03-01T08:00:00.000Z"));
}

TEST(CustomerServiceWindow, TheLatestInboundCounts) {
    const std::vector<StoredMessage> history{message(Direction::Inbound, "2026-03-01T08:00:00.000Z"),
                                             message(Direction::Outbound, "2026-03-02T08:00:00.000Z"),
                                             message(Direction::Inbound, "2026-03-10T08:00:00.000Z")};
    EXPECT_TRUE(customerServiceWindow(history, noon).open);
}

TEST(CustomerServiceWindow, ClosedWithoutAnyClientMessage) {
    const WindowState state = customerServiceWindow({}, noon);
    EXPECT_FALSE(state.open);
    EXPECT_FALSE(state.lastInbound);
    EXPECT_FALSE(customerServiceWindow({message(Direction::Inbound, "garbage")}, noon).open);
}

}  // namespace
}  // namespace omnigate::whatsapp
