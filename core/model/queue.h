// A queue [очередь]: where interactions wait for an operator, and how they are handed out. Its settings are one
// validated value so the REST API, the YAML bootstrap and the distributor all read the same rules; the database
// keeps them as JSON (queues.settings), so adding a setting needs no migration.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/figure_threshold.h"
#include "model/working_hours.h"

namespace omnigate {

enum class DistributionMode { LongestIdle, LeastBusy, RoundRobin };
enum class WrapUpMode { None, Fixed, Manual };  // Manual: until the operator ends it

const char* toString(DistributionMode mode);
const char* toString(WrapUpMode mode);

// A channel (and optionally one account of it) whose interactions the queue takes when no rule says otherwise.
struct QueueSource {
    std::string channel;
    std::string account;  // empty: every account of the channel
};

// The service level of one channel: targetPercent of interactions answered within thresholdSeconds; those
// abandoned within shortAbandonSeconds do not count at all, the others count as missed when countAbandons.
struct ServiceLevel {
    int targetPercent = 80;
    int thresholdSeconds = 20;
    int shortAbandonSeconds = 5;
    bool countAbandons = true;
};

struct Queue {
    std::string id;    // [a-z0-9_-]{1,64}
    std::string name;
    std::vector<QueueSource> sources;             // empty: takes nothing by default (rules may still send here)
    std::vector<std::int64_t> topics;             // empty: any topic
    std::map<std::string, ServiceLevel> serviceLevels;  // by channel; "*" for the rest
    int maxWaitSeconds = 0;                       // 0: no limit; past it an interaction moves to overflowQueue
    std::string overflowQueue;                    // empty: none
    std::optional<WorkingHours> workingHours;     // with holidays and UTC offset; empty: around the clock
    DistributionMode mode = DistributionMode::LongestIdle;
    int offerTimeoutSeconds = 30;                 // an offer not accepted by then returns to the queue
    bool autoAccept = false;                      // offers are assigned at once, no accept needed
    WrapUpMode wrapUp = WrapUpMode::None;
    int wrapUpSeconds = 0;                        // for WrapUpMode::Fixed
    bool resolutionRequired = false;              // closing needs a resolution
    bool operatorsMayTake = false;                // operators may take interactions from this queue themselves
    bool botFirst = false;                        // a chatbot gets new interactions first (status bot)
    int botTimeoutSeconds = 30;                   // a client's message the bot leaves unanswered this long: to people
    FigureThresholds thresholds;                  // levels and targets of its online figures, by figure name
    int resetMinutes = 0;                         // local time of day its daily figures start again (reset_at)
    int version = 1;
    std::string createdAt;
    std::string updatedAt;

    // The service level settings of a channel: its own, else the queue's "*", else the defaults.
    ServiceLevel serviceLevel(const std::string& channel) const;

    // Does the queue take, by default, an interaction of this channel account with these topics?
    bool accepts(const std::string& channel, const std::string& account,
                 const std::vector<std::int64_t>& interactionTopics) const;

    // The settings (everything but id, version and times) from JSON; ApiError 400 naming the field
    // ("offer_timeout_seconds", "service_levels.webchat.target_percent", …). Unknown fields are refused.
    // References to other queues (overflow_queue) are checked by the store, which knows them.
    static Queue parseSettings(const Poco::JSON::Object::Ptr& object);
    // The settings part as stored in queues.settings.
    Poco::JSON::Object::Ptr settingsJson() const;
    // The whole queue as the API shows it: {id, name, version, created_at, updated_at, …settings}.
    Poco::JSON::Object::Ptr toJson() const;
};

}  // namespace omnigate
