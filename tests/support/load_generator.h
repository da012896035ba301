// Steady web chat traffic for fault tests. Threads post messages from distinct visitors at a target total rate and
// resend every message that got no 2xx with the same client_message_id, as a real widget does, so a test can check
// that each message ends up stored exactly once whatever failed in between (a broker, the database, the daemon).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
}

namespace omnigate::test {

struct LoadOptions {
    int threads = 8;
    int visitorsPerThread = 4;
    double messagesPerSecond = 400;  // in total, over all threads
    std::string account = "demo";    // a web chat account of the daemon
    std::chrono::seconds requestTimeout{10};
};

// One message as the generator saw it.
struct LoadMessage {
    std::string visitorId;
    std::string clientMessageId;  // unique per message
    int attempts = 0;
    // The 2xx that acknowledged it: 201 stored by this attempt, 200 stored by an earlier one whose answer was lost.
    // 0: never acknowledged.
    int answer = 0;
    std::int64_t storedId = 0;  // the message id in that answer

    // What the web chat channel stores it under (messages.external_id).
    std::string externalId() const { return visitorId + ":" + clientMessageId; }
};

struct LoadReport {
    std::vector<LoadMessage> messages;
    std::size_t attempts = 0;
    std::map<std::string, std::size_t> failures;  // attempts without a 2xx, by kind ("HTTP 503 unavailable", ...)
    double seconds = 0;                           // from start to stop()

    std::size_t acknowledged() const;
    std::size_t retried() const;        // messages that needed more than one attempt
    std::size_t storedEarlier() const;  // acknowledged by a 200
    std::size_t failuresMatching(const std::string& prefix) const;
    std::string summary() const;  // the counts, in one paragraph
};

class LoadGenerator {
public:
    // Opens the visitors' sessions (throws when the daemon does not answer) and starts posting at once.
    LoadGenerator(int port, LoadOptions options = {});
    ~LoadGenerator();

    // Stops new messages, resends the unacknowledged ones until each is acknowledged or `drain` has passed, and
    // says what happened. Call once.
    LoadReport stop(std::chrono::milliseconds drain);

    std::size_t acknowledged() const { return acknowledged_; }  // so far
    const std::string& runId() const { return runId_; }         // in every visitor name, client_message_id and text
    std::vector<std::string> visitorIds() const;

private:
    struct Visitor {
        std::string id;
        std::string token;
    };
    struct Worker {
        std::thread thread;
        std::vector<LoadMessage> messages;
        std::map<std::string, std::size_t> failures;
        std::size_t attempts = 0;
    };

    void work(int index);
    // Posts until a 2xx, a 4xx (resending cannot help) or the end of the drain.
    void deliver(Worker& worker, Poco::Net::HTTPClientSession& session, const Visitor& visitor, LoadMessage& message,
                 const std::string& body);
    bool drainOver() const;

    const int port_;
    const LoadOptions options_;
    const std::string runId_;
    std::vector<Visitor> visitors_;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::chrono::steady_clock::time_point started_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::int64_t> drainDeadline_{0};  // steady_clock ticks
    std::atomic<std::size_t> acknowledged_{0};
    bool stopped_ = false;
};

}  // namespace omnigate::test
