// Steady WhatsApp webhook traffic for fault tests, sent as Meta sends it: each webhook signed with the app secret
// (X-Hub-Signature-256) and resent unchanged (same wamid, body and signature) until it gets a 2xx, so a test can
// check that each message ends up stored exactly once whatever failed in between (the database, the daemon).
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

struct WebhookLoadOptions {
    std::string account;        // the whatsapp account of the daemon: POST /webhooks/whatsapp/{account}
    std::string appSecret;      // that account's app_secret
    std::string phoneNumberId;  // that account's phone_number_id, named in each webhook's metadata
    int threads = 8;
    int phonesPerThread = 16;        // distinct senders, each thread writing as its own
    double webhooksPerSecond = 400;  // in total, over all threads
    std::chrono::seconds requestTimeout{10};
};

// One webhook (one text message) as the generator saw it.
struct SentWebhook {
    std::string wamid;  // unique per webhook; contains the run id
    std::string phone;  // the sender's wa_id (digits only)
    int attempts = 0;
    int answer = 0;                // the 2xx that acknowledged it; 0: never acknowledged
    std::int64_t storedCount = -1;  // the "messages" count of that answer (-1: not stated)
};

struct WebhookLoadReport {
    std::vector<SentWebhook> webhooks;
    std::size_t attempts = 0;
    std::map<std::string, std::size_t> failures;  // attempts without a 2xx, by kind ("HTTP 503 unavailable", ...)
    double seconds = 0;                           // from start to stop()

    std::size_t acknowledged() const;
    std::size_t retried() const;  // webhooks that needed more than one attempt
    std::size_t failuresMatching(const std::string& prefix) const;
    std::string summary() const;  // the counts, in one paragraph
};

class WebhookLoad {
public:
    // Starts posting at once, one keep-alive connection per thread.
    WebhookLoad(int port, WebhookLoadOptions options);
    ~WebhookLoad();

    // Stops new webhooks, resends the unacknowledged ones until each is acknowledged or `drain` has passed, and
    // says what happened. Call once.
    WebhookLoadReport stop(std::chrono::milliseconds drain);

    std::size_t acknowledged() const { return acknowledged_; }  // so far
    const std::string& runId() const { return runId_; }         // in every wamid and text
    std::string wamidPrefix() const { return "wamid.load-" + runId_ + "-"; }
    const std::vector<std::string>& phones() const { return phones_; }

private:
    struct Worker {
        std::thread thread;
        std::vector<SentWebhook> webhooks;
        std::map<std::string, std::size_t> failures;
        std::size_t attempts = 0;
    };

    void work(int index);
    std::string bodyOf(const SentWebhook& webhook) const;
    // Posts until a 2xx, a 4xx (a wrong request: resending cannot help) or the end of the drain.
    void deliver(Worker& worker, Poco::Net::HTTPClientSession& session, SentWebhook& webhook, const std::string& body,
                 const std::string& signature);
    bool drainOver() const;

    const int port_;
    const WebhookLoadOptions options_;
    const std::string runId_;
    std::vector<std::string> phones_;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::chrono::steady_clock::time_point started_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::int64_t> drainDeadline_{0};  // steady_clock ticks
    std::atomic<std::size_t> acknowledged_{0};
    bool stopped_ = false;
};

}  // namespace omnigate::test
