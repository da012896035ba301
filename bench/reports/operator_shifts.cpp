#include "operator_shifts.h"

#include <algorithm>

namespace omnigate::bench {

namespace {

constexpr std::int64_t kMinute = 60LL * 1000 * 1000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kQuarter = 15 * kMinute;

std::int64_t uniform(std::mt19937_64& random, std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(random);
}

}  // namespace

OperatorShifts::OperatorShifts(int operators, int groups, std::int64_t monthStart, int days, std::int64_t now)
    : operators_(operators), groups_(groups), monthStart_(monthStart), days_(days), now_(now) {
    const std::size_t slots = static_cast<std::size_t>(days + 1) * 96;
    onShift_.assign(static_cast<std::size_t>(groups), std::vector<std::vector<int>>(slots));
    const int perGroup = operators / groups;
    for (int op = 0; op < operators; ++op) {
        for (const Shift& shift : shiftsOf(op)) {
            for (std::int64_t slot = (shift.start - monthStart) / kQuarter;
                 slot <= (shift.end - 1 - monthStart) / kQuarter && slot < static_cast<std::int64_t>(slots); ++slot) {
                if (slot >= 0) onShift_[static_cast<std::size_t>(op / perGroup)][static_cast<std::size_t>(slot)].push_back(op);
            }
        }
    }
}

std::vector<OperatorShifts::Shift> OperatorShifts::shiftsOf(int op) const {
    // A tenth works nights, the rest mornings, middays or evenings; five days in seven, eight hours, starting within
    // ten minutes of the hour.
    const int slot = op % 20;
    const std::int64_t startHour = slot < 2 ? 0 : slot < 9 ? 8 : slot < 15 ? 12 : 16;
    std::vector<Shift> shifts;
    for (int day = 0; day < days_; ++day) {
        if ((day + op) % 7 >= 5) continue;
        std::mt19937_64 random(static_cast<std::uint64_t>(op) * 100003 + static_cast<std::uint64_t>(day));
        const std::int64_t start = monthStart_ + day * kDay + startHour * kHour + uniform(random, -10, 10) * kMinute;
        if (start >= now_) continue;
        shifts.push_back({std::max(start, monthStart_), start + 8 * kHour});
    }
    return shifts;
}

std::vector<StatusChange> OperatorShifts::changes(int op) const {
    std::vector<StatusChange> out;
    std::mt19937_64 random(static_cast<std::uint64_t>(op) * 7919 + 1);
    for (const Shift& shift : shiftsOf(op)) {
        // Two tea breaks and lunch, each within half an hour of its time (so some are on a break at any moment);
        // between them ready, then busy at capacity, a wrap-up or a missed offer, and ready again.
        const struct {
            std::int64_t at, length;
            const char* reason;
        } breaks[] = {{shift.start + 2 * kHour + uniform(random, -30, 30) * kMinute, 15 * kMinute, "tea"},
                      {shift.start + 4 * kHour + uniform(random, -30, 30) * kMinute, 45 * kMinute, "lunch"},
                      {shift.start + 6 * kHour + uniform(random, -30, 30) * kMinute, 15 * kMinute, "tea"}};
        const std::int64_t until = std::min(shift.end, now_);
        std::size_t nextBreak = 0;
        std::int64_t t = shift.start;
        std::string status = "ready";
        out.push_back({t, status, ""});
        for (;;) {
            StatusChange next;
            if (status == "ready") {
                const int roll = static_cast<int>(uniform(random, 0, 99));
                next.at = t + uniform(random, 2 * 60, 12 * 60) * 1000000;
                next.status = roll < 60 ? "busy" : roll < 95 ? "wrap_up" : "not_responding";
            } else if (status == "busy") {
                next = {t + uniform(random, 4 * 60, 20 * 60) * 1000000, "ready", ""};
            } else if (status == "break") {
                next = {t + breaks[nextBreak - 1].length, "ready", ""};
            } else {
                next = {t + uniform(random, 60, 240) * 1000000, "ready", ""};
            }
            if (status != "break" && nextBreak < std::size(breaks) && breaks[nextBreak].at <= next.at) {
                next = {std::max(breaks[nextBreak].at, t + 1000), "break", breaks[nextBreak].reason};
                ++nextBreak;
            }
            if (next.at >= until) break;
            t = next.at;
            status = next.status;
            out.push_back(next);
        }
        if (shift.end <= now_) {
            out.push_back({shift.end, "offline", ""});
        } else if (status == "ready") {
            out.push_back({t + std::max<std::int64_t>(1000, std::min<std::int64_t>(20 * 1000000, (now_ - t) / 2)), "busy", ""});
        }
    }
    return out;
}

int OperatorShifts::pick(int group, std::int64_t at, std::mt19937_64& random) const {
    const int perGroup = operators_ / groups_;
    const std::int64_t slot = (at - monthStart_) / kQuarter;
    const auto& slots = onShift_[static_cast<std::size_t>(group)];
    if (slot >= 0 && slot < static_cast<std::int64_t>(slots.size()) && !slots[static_cast<std::size_t>(slot)].empty()) {
        const auto& here = slots[static_cast<std::size_t>(slot)];
        return here[static_cast<std::size_t>(uniform(random, 0, static_cast<std::int64_t>(here.size()) - 1))];
    }
    return group * perGroup + static_cast<int>(uniform(random, 0, perGroup - 1));
}

}  // namespace omnigate::bench
