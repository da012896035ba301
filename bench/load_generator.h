// The offered load: many distinct clients writing through a real HTTP endpoint (web chat visitors' REST posts, or
// WhatsApp webhooks signed like Meta's), from a few threads with one keep-alive connection each, either flat out or
// paced against a fixed schedule. A 2xx means the message is durable; a 503 is the daemon shedding load, and that
// thread then waits the Retry-After it was given.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_options.h"

namespace omnigate::bench {

class LoadGenerator {
public:
    LoadGenerator(const BenchOptions& options, std::string runId);
    ~LoadGenerator();

    // Web chat: opens options.clients sessions (one visitor each); WhatsApp: makes up as many phone numbers.
    // Throws with the daemon's answer on failure.
    void openVisitors();

    void start();  // the threads run for options.durationSeconds
    void join();
    bool running() const { return active_ > 0; }

    std::int64_t sent() const { return sent_; }
    std::int64_t durable() const { return durable_; }  // answered 2xx
    std::int64_t shed() const { return shed_; }        // answered 503
    std::int64_t failed() const { return failed_; }    // any other answer, or no answer
    double elapsedSeconds() const;                     // from start to the last thread's end
    // Requests that started more than 5 ms behind their slot in the schedule (paced runs only).
    std::int64_t late() const { return late_; }

    // After join(): the sequence numbers of the messages answered 2xx, and a few of the failures' answers.
    const std::vector<std::uint64_t>& durableSequences() const { return durableSequences_; }
    const std::vector<std::string>& failureSamples() const { return failureSamples_; }
    // After join(): request start to 2xx answer in milliseconds, sorted (the durable half of the latency).
    const std::vector<double>& answerLatenciesMs() const { return answerLatenciesMs_; }

private:
    struct Visitor {
        std::string authorization;  // web chat: "Bearer <token>"
        std::string phone;          // WhatsApp: the sender's wa_id
    };
    struct Request {
        std::string path;
        std::string body;
        std::vector<std::pair<std::string, std::string>> headers;
    };

    void work(int thread);
    Request request(const Visitor& visitor, std::uint64_t sequence, const std::string& text) const;
    void recordFailure(const std::string& what);

    const BenchOptions& options_;
    const std::string runId_;
    std::vector<Visitor> visitors_;
    std::vector<std::thread> threads_;

    std::atomic<std::uint64_t> nextSequence_{0};
    std::atomic<int> active_{0};
    std::atomic<std::int64_t> sent_{0};
    std::atomic<std::int64_t> durable_{0};
    std::atomic<std::int64_t> shed_{0};
    std::atomic<std::int64_t> failed_{0};
    std::atomic<std::int64_t> late_{0};
    std::chrono::steady_clock::time_point startedAt_;
    std::atomic<std::int64_t> endedAtNs_{0};

    std::mutex resultMutex_;
    std::vector<std::uint64_t> durableSequences_;
    std::vector<std::string> failureSamples_;
    std::vector<double> answerLatenciesMs_;
};

}  // namespace omnigate::bench
