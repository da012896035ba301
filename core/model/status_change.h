// One change of an interaction's status, and who made it: the raw material of the status and KPI reports.
#pragma once

#include <cstdint>
#include <string>

namespace omnigate {

struct StatusChange {
    std::int64_t id = 0;
    std::int64_t interactionId = 0;
    std::string from;       // empty for the first status
    std::string to;
    std::string actorKind;  // client, operator, system, bot, admin
    std::string actorId;
    std::string reason;
    std::string at;
};

}  // namespace omnigate
