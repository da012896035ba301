// The interactions opened and the messages sent each way per channel account and quarter hour
// (stats_channel_intervals, the interaction channels report), counted from their events as the outbox relay
// deletes them once the broker acknowledged them: in the relay's own transaction, off the writers' path, and exactly
// once, since an event leaves the outbox exactly once. Every new interaction and message has its event, so the
// aggregate misses nothing; it lags the tables by the time an event takes to be published (milliseconds, or the
// length of a broker outage).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "db/db_session.h"
#include "db/post_commit_hook.h"

namespace omnigate {

// What one event adds to the aggregate.
struct TrafficFact {
    enum class Kind { Created, Inbound, Outbound };
    std::string quarter;  // the quarter hour of the row's creation, as stats_channel_intervals keys it
    std::string channel;
    std::string account;
    Kind kind = Kind::Created;
};

// What a committed event counts for; nothing for operator copies and for events other than interaction.created
// and message.created.
std::optional<TrafficFact> trafficOf(const CommittedEvent& event);
// The same for an event read back from the outbox as published text (after a restart, say); nothing when the
// payload is not a well-formed event.
std::optional<TrafficFact> trafficOfPublished(const std::string& topic, const std::string& payload);

// Facts summed per row of the aggregate, then added to it in one statement.
class ChannelTrafficTally {
public:
    // `sign` -1 takes the fact away again (a rebuild that counted a row whose event is still to be published).
    void add(const TrafficFact& fact, int sign = 1);
    bool empty() const { return counts_.empty(); }
    // Adds the tally to stats_channel_intervals inside the caller's transaction, and empties it.
    void write(DbSession& session);

private:
    struct Counts {
        int created = 0;
        int inbound = 0;
        int outbound = 0;
    };
    // Ordered keys: two transactions counting the same rows lock them in the same order and never deadlock.
    std::map<std::tuple<std::string, std::string, std::string>, Counts> counts_;
};

}  // namespace omnigate
