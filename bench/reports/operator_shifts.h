// bench/reports: when each of the bench centre's operators works, and what they do meanwhile. The seeder needs
// both sides of it: the operators' status histories of the month (what the status reports are rebuilt from), and
// who can accept an interaction at a given moment (so the handled counts fall in the operators' working hours).
// Deterministic: the same operator has the same month on every run.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace omnigate::bench {

struct StatusChange {
    std::int64_t at = 0;  // UTC microseconds
    std::string status;   // as operators.status keeps it
    std::string reason;   // the break reason for a break, else empty
};

class OperatorShifts {
public:
    // `operators` in `groups` of equal size (operator i is in group i / (operators / groups)); the month is `days`
    // local days from `monthStart` (UTC microseconds of the first local midnight), cut at `now`.
    OperatorShifts(int operators, int groups, std::int64_t monthStart, int days, std::int64_t now);

    // Every status change of the operator over the month up to now, in order. A shift still going on ends in its
    // current status, never ready: with thousands waiting, a ready operator with room would be given work at once,
    // so the live state has the ready ones busy.
    std::vector<StatusChange> changes(int op) const;

    // An operator of `group` on shift at `at`, at random; one of the group's at random when nobody is.
    int pick(int group, std::int64_t at, std::mt19937_64& random) const;

private:
    struct Shift {
        std::int64_t start = 0, end = 0;
    };
    std::vector<Shift> shiftsOf(int op) const;

    int operators_, groups_;
    std::int64_t monthStart_;
    int days_;
    std::int64_t now_;
    // Per group, per quarter hour since monthStart: the operators on shift.
    std::vector<std::vector<std::vector<int>>> onShift_;
};

}  // namespace omnigate::bench
