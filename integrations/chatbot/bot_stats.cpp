#include "bot_stats.h"

namespace omnigate::chatbot {

namespace {

const char* helpOf(BotStats::Counter counter) {
    switch (counter) {
        case BotStats::Conversations: return "Interactions that went to the bot";
        case BotStats::ResolvedByBot: return "Interactions closed while with the bot";
        case BotStats::HandedOff: return "Interactions the bot handed to people (by the bot or on its failure)";
        case BotStats::TimedOut: return "Interactions taken from the bot because it did not answer in time";
        case BotStats::Failures: return "Bot webhook calls that failed (timeout, error status, bad answer)";
        case BotStats::Count: break;
    }
    return "";
}

std::string key(BotStats::Counter counter) { return std::string("stats.") + BotStats::name(counter); }

}  // namespace

BotStats::BotStats(BotHost& host) : host_(host) {}

const char* BotStats::name(Counter counter) {
    switch (counter) {
        case Conversations: return "conversations";
        case ResolvedByBot: return "resolved_by_bot";
        case HandedOff: return "handed_off";
        case TimedOut: return "timed_out";
        case Failures: return "failures";
        case Count: break;
    }
    return "";
}

std::int64_t BotStats::load(Counter counter) {
    const std::optional<std::string> stored = host_.loadState(key(counter));
    if (!stored) return 0;
    try {
        return std::stoll(*stored);
    } catch (const std::exception&) {
        return 0;  // not ours to fail on: a hand-edited value starts the count again
    }
}

void BotStats::gauge(Counter counter, std::int64_t value) {
    host_.setGauge(std::string(name(counter)) + "_total", helpOf(counter), static_cast<double>(value));
}

void BotStats::publishGauges() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int c = 0; c < Count; ++c) gauge(static_cast<Counter>(c), load(static_cast<Counter>(c)));
}

std::int64_t BotStats::increment(Counter counter) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::int64_t value = load(counter) + 1;
    host_.saveState(key(counter), std::to_string(value));
    gauge(counter, value);
    return value;
}

std::vector<std::pair<std::string, std::int64_t>> BotStats::counts() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (int c = 0; c < Count; ++c) out.emplace_back(name(static_cast<Counter>(c)), load(static_cast<Counter>(c)));
    return out;
}

}  // namespace omnigate::chatbot
