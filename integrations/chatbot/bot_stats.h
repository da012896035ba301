// The counts reports need of the bot [how much the bot resolves, how much it passes on]: kept durably in the
// plugin's state (a restart or another daemon on the same database goes on counting) and mirrored on /metrics.
#pragma once

#include <array>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "omnigate/sdk/bot_host.h"

namespace omnigate::chatbot {

class BotStats {
public:
    enum Counter { Conversations, ResolvedByBot, HandedOff, TimedOut, Failures, Count };

    explicit BotStats(BotHost& host);

    // Sets the gauges from the stored counts (at start; the store may be down then, which only delays them).
    void publishGauges();
    // +1, durably; returns the new count.
    std::int64_t increment(Counter counter);
    // Every count by name ("conversations", …) in the order of Counter, read from the store.
    std::vector<std::pair<std::string, std::int64_t>> counts();

    static const char* name(Counter counter);

private:
    std::int64_t load(Counter counter);
    void gauge(Counter counter, std::int64_t value);

    BotHost& host_;
    std::mutex mutex_;  // one read-modify-write at a time within this daemon
};

}  // namespace omnigate::chatbot
