// The interactions opened and the messages sent each way per channel account and quarter hour
// (stats_channel_intervals, the interaction channels report), counted from a transaction's events: every new
// interaction and message has its event, so nothing is counted twice or missed, and a whole group commit costs
// one statement however many messages it holds.
#pragma once

#include <vector>

#include "db/db_session.h"
#include "db/post_commit_hook.h"

namespace omnigate {

// Adds `events`' interactions and messages to the aggregate, inside the caller's transaction.
void countChannelTraffic(DbSession& session, const std::vector<CommittedEvent>& events);

}  // namespace omnigate
