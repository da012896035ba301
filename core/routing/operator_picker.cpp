#include "routing/operator_picker.h"

#include <tuple>

namespace omnigate {

namespace {

// True when `a` should be offered before `b`.
bool before(const OperatorLoad& a, const OperatorLoad& b, DistributionMode mode, const std::string& channel) {
    switch (mode) {
        case DistributionMode::LongestIdle: {
            const bool aIdle = a.totalHeld() == 0, bIdle = b.totalHeld() == 0;
            if (aIdle != bIdle) return aIdle;
            if (aIdle && a.idleSince != b.idleSince) return a.idleSince < b.idleSince;
            return std::tie(a.lastOfferAt, a.id) < std::tie(b.lastOfferAt, b.id);
        }
        case DistributionMode::LeastBusy: {
            // held/capacity compared without division: a.held * b.capacity vs b.held * a.capacity.
            const long long left = static_cast<long long>(a.held(channel)) * b.capacity(channel);
            const long long right = static_cast<long long>(b.held(channel)) * a.capacity(channel);
            if (left != right) return left < right;
            if (a.totalHeld() != b.totalHeld()) return a.totalHeld() < b.totalHeld();
            return std::tie(a.lastOfferAt, a.id) < std::tie(b.lastOfferAt, b.id);
        }
        case DistributionMode::RoundRobin:
            break;
    }
    return std::tie(a.lastOfferAt, a.id) < std::tie(b.lastOfferAt, b.id);
}

}  // namespace

bool OperatorPicker::eligible(const OperatorLoad& op, const std::string& queue, const std::string& channel) {
    if (op.status != OperatorStatus::Ready && op.status != OperatorStatus::Busy) return false;
    return op.hasRoom(channel) && op.queues.count(queue) > 0;
}

OperatorLoad* OperatorPicker::pick(std::vector<OperatorLoad>& operators, DistributionMode mode,
                                   const std::string& queue, const std::string& channel,
                                   const std::string& declinedBy) {
    OperatorLoad* best = nullptr;
    OperatorLoad* fallback = nullptr;  // the one who declined: only if nobody else
    for (OperatorLoad& op : operators) {
        if (!eligible(op, queue, channel)) continue;
        if (!declinedBy.empty() && op.id == declinedBy) {
            fallback = &op;
            continue;
        }
        if (best == nullptr || before(op, *best, mode, channel)) best = &op;
    }
    return best != nullptr ? best : fallback;
}

}  // namespace omnigate
