#include "vk_long_poll.h"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <thread>

#include "vk_answer.h"

namespace omnigate::vk {

namespace {

// Seconds between attempts after `failures` in a row: 1, 2, 4 … 60.
int delayAfter(int failures) { return std::min(1 << std::min(std::max(failures - 1, 0), 6), 60); }

}  // namespace

VkLongPoll::VkLongPoll(ChannelHost& host, VkAccount& account, VkInbound& inbound)
    : host_(host), account_(account), inbound_(inbound), thread_(std::chrono::milliseconds(1000)) {}

void VkLongPoll::start() {
    thread_.start([this] { return pass(); },
                  [this](const std::exception& e) {
                      if (thread_.stopping()) return;  // the cancelled a_check of a stopping plugin
                      host_.log(LogLevel::Warning, "vk: account '" + account_.id + "': Long Poll: " + e.what() +
                                                       "; trying again in " + std::to_string(delayAfter(failures_)) +
                                                       " s");
                  });
    host_.log(LogLevel::Info, "vk: account '" + account_.id + "': receiving events by Bots Long Poll");
}

void VkLongPoll::stop() { thread_.stop(); }

void VkLongPoll::fetchServer() {
    Poco::JSON::Object::Ptr session;
    try {
        const Poco::Dynamic::Var answer = account_.api.call(
            "groups.getLongPollServer", {{"group_id", std::to_string(account_.config.groupId)}}, thread_.stopping());
        if (answer.type() == typeid(Poco::JSON::Object::Ptr)) session = answer.extract<Poco::JSON::Object::Ptr>();
    } catch (const VkApiError& e) {
        if (e.code() == vk_errors::authorizationFailed) VkAccounts::tokenRejected(host_, account_, e.text());
        throw;
    }
    VkAccounts::tokenWorked(host_, account_);
    const std::string server = session ? session->optValue<std::string>("server", "") : "";
    const std::string key = session ? session->optValue<std::string>("key", "") : "";
    if (server.empty() || key.empty()) throw VkTransportError("groups.getLongPollServer gave no server or key");
    server_ = server;
    key_ = key;
    if (!tsRestored_) {
        ts_ = host_.loadState(tsKey()).value_or("");
        savedTs_ = ts_;
        tsRestored_ = true;
    }
    // A ts VK no longer holds history for is answered failed 1 with the ts to go on from.
    if (ts_.empty()) ts_ = longPollTsOf(session);
}

std::string VkLongPoll::tsKey() const { return "longpoll_ts/" + account_.id; }

void VkLongPoll::pause(std::chrono::seconds duration) {
    const auto until = std::chrono::steady_clock::now() + duration;
    while (!thread_.stopping() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

std::size_t VkLongPoll::pass() {
    // The polling thread waits a second after a failure; further failures in a row wait longer, up to a minute,
    // so an unreachable VK or a revoked token is not hammered (nor logged) every second.
    if (failures_ > 1) pause(std::chrono::seconds(delayAfter(failures_) - 1));
    try {
        const std::size_t result = poll();
        failures_ = 0;
        return result;
    } catch (...) {
        ++failures_;
        throw;
    }
}

std::size_t VkLongPoll::poll() {
    if (key_.empty()) fetchServer();
    const auto wait = account_.config.longPollWait;
    const std::string url = server_ + (server_.find('?') == std::string::npos ? "?" : "&") +
                            VkHttp::encodeForm({{"act", "a_check"}, {"key", key_}, {"ts", ts_},
                                                {"wait", std::to_string(wait.count())}});
    const std::string body = VkHttp::get(url, wait + std::chrono::seconds(10), thread_.stopping(), 16 * 1024 * 1024);
    const LongPollAnswer answer = parseLongPollAnswer(body);
    if (answer.failed) {
        const int failed = *answer.failed;
        switch (failed) {
            case 1:  // the history is lost or too old: go on from the ts given
                host_.log(LogLevel::Warning, "vk: account '" + account_.id +
                                                 "': Long Poll failed 1: events were lost, continuing from ts " +
                                                 answer.ts);
                ts_ = answer.ts;
                if (ts_.empty()) key_.clear();  // no ts given: start over with the server's
                return 1;
            case 2:  // the key expired: a new key, the same ts
                key_.clear();
                return 1;
            case 3:  // the information was lost: a new key and ts
                key_.clear();
                ts_.clear();
                return 1;
            default:
                key_.clear();
                ts_.clear();
                throw VkTransportError("the Long Poll server answered failed " + std::to_string(failed));
        }
    }

    const std::string next = answer.ts;
    if (const auto updates = answer.updates) {
        for (std::size_t i = 0; i < updates->size(); ++i) {
            const auto update = updates->getObject(static_cast<unsigned>(i));
            try {
                const VkEvent event = parseVkEvent(update);
                if (event.groupId != 0 && event.groupId != account_.config.groupId) {
                    host_.log(LogLevel::Warning, "vk: account '" + account_.id + "': a Long Poll event of group " +
                                                     std::to_string(event.groupId) + " was ignored");
                    continue;
                }
                inbound_.handle(account_, event);
            } catch (const VkParseError& e) {
                // A malformed event will not parse on the next fetch either: logged and skipped.
                host_.log(LogLevel::Warning, "vk: account '" + account_.id + "': a Long Poll event was skipped: " +
                                                 e.what());
            }
            // Anything else (the store is down) leaves ts where it was: the batch comes again.
        }
    }
    if (!next.empty()) ts_ = next;
    if (ts_ != savedTs_) {
        host_.saveState(tsKey(), ts_);
        savedTs_ = ts_;
    }
    return 1;
}

}  // namespace omnigate::vk
