#include "support/http_failures.h"
#include "support/webhook_load.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/NumberParser.h>
#include <Poco/StreamCopier.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>
#include <sstream>

#include "support/fake_graph_api.h"

namespace omnigate::test {

namespace {

using Clock = std::chrono::steady_clock;

// Meta backs off between resends (for up to 7 days); a test cannot wait that long, so it resends soon, honouring
// Retry-After up to a second.
constexpr auto kRetryDelay = std::chrono::milliseconds(100);
constexpr auto kLongestRetryDelay = std::chrono::milliseconds(1000);

}  // namespace

std::size_t WebhookLoadReport::acknowledged() const {
    return static_cast<std::size_t>(
        std::count_if(webhooks.begin(), webhooks.end(), [](const SentWebhook& w) { return w.answer != 0; }));
}

std::size_t WebhookLoadReport::retried() const {
    return static_cast<std::size_t>(
        std::count_if(webhooks.begin(), webhooks.end(), [](const SentWebhook& w) { return w.attempts > 1; }));
}

std::size_t WebhookLoadReport::failuresMatching(const std::string& prefix) const {
    std::size_t n = 0;
    for (const auto& [kind, count] : failures) {
        if (kind.compare(0, prefix.size(), prefix) == 0) n += count;
    }
    return n;
}

std::string WebhookLoadReport::summary() const {
    std::ostringstream out;
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f s, %.0f/s", seconds, seconds > 0 ? webhooks.size() / seconds : 0.0);
    out << "webhooks: " << webhooks.size() << " sent (" << rate << "), " << acknowledged() << " answered 2xx, "
        << retried() << " resent, " << attempts << " attempts";
    if (failures.empty()) {
        out << ", no failed attempt";
    } else {
        out << "; failed attempts:";
        for (const auto& [kind, count] : failures) out << " [" << kind << "] x" << count;
    }
    return out.str();
}

WebhookLoad::WebhookLoad(int port, WebhookLoadOptions options)
    : port_(port),
      options_(std::move(options)),
      runId_(Poco::UUIDGenerator::defaultGenerator().createRandom().toString()) {
    // The test database keeps earlier runs' clients, found by their number: a random range of this run's own.
    std::mt19937_64 random{std::random_device{}()};
    std::string prefix = "1";
    for (int i = 0; i < 8; ++i) prefix += static_cast<char>('0' + random() % 10);
    const int phones = options_.threads * options_.phonesPerThread;
    for (int i = 0; i < phones; ++i) {
        char suffix[16];
        std::snprintf(suffix, sizeof suffix, "%04d", i);
        phones_.push_back(prefix + suffix);
    }
    started_ = Clock::now();
    for (int i = 0; i < options_.threads; ++i) {
        workers_.push_back(std::make_unique<Worker>());
        workers_.back()->thread = std::thread([this, i] { work(i); });
    }
}

WebhookLoad::~WebhookLoad() {
    if (!stopped_) stop(std::chrono::milliseconds(0));
}

bool WebhookLoad::drainOver() const {
    return stopping_ && Clock::now().time_since_epoch().count() >= drainDeadline_;
}

WebhookLoadReport WebhookLoad::stop(std::chrono::milliseconds drain) {
    WebhookLoadReport report;
    if (stopped_) return report;
    stopped_ = true;
    drainDeadline_ = (Clock::now() + drain).time_since_epoch().count();
    stopping_ = true;
    for (auto& worker : workers_) {
        if (worker->thread.joinable()) worker->thread.join();
    }
    report.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    for (auto& worker : workers_) {
        report.attempts += worker->attempts;
        for (const auto& [kind, count] : worker->failures) report.failures[kind] += count;
        std::move(worker->webhooks.begin(), worker->webhooks.end(), std::back_inserter(report.webhooks));
    }
    return report;
}

std::string WebhookLoad::bodyOf(const SentWebhook& webhook) const {
    // Shaped as the Cloud API documents a text message notification; only test-made ASCII goes in.
    return R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{)"
           R"("messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":")" +
           options_.phoneNumberId + R"("},"contacts":[{"profile":{"name":"Load )" + webhook.phone +
           R"("},"wa_id":")" + webhook.phone + R"("}],"messages":[{"from":")" + webhook.phone + R"(","id":")" +
           webhook.wamid + R"(","timestamp":")" + std::to_string(std::time(nullptr)) +
           R"(","type":"text","text":{"body":"load message )" + webhook.wamid +
           R"("}}]},"field":"messages"}]}]})";
}

void WebhookLoad::work(int index) {
    Worker& worker = *workers_[static_cast<std::size_t>(index)];
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
    session.setKeepAlive(true);  // as Meta's senders do; a new connection per webhook would be a different load
    session.setTimeout(Poco::Timespan(options_.requestTimeout.count(), 0));

    const auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(options_.threads / options_.webhooksPerSecond));
    // Staggered, so the threads' requests spread over each interval instead of arriving together.
    auto next = started_ + interval * index / options_.threads;
    for (std::size_t n = 0; !stopping_; ++n) {
        std::this_thread::sleep_until(next);
        if (stopping_) break;
        SentWebhook webhook;
        webhook.phone =
            phones_[static_cast<std::size_t>(index * options_.phonesPerThread) + n % options_.phonesPerThread];
        webhook.wamid = wamidPrefix() + std::to_string(index) + "-" + std::to_string(n);
        const std::string body = bodyOf(webhook);
        deliver(worker, session, webhook, body, signWhatsappWebhook(options_.appSecret, body));
        worker.webhooks.push_back(std::move(webhook));
        // After an outage, carry on at the target rate rather than bursting to make up for the lost time.
        next = std::max(next + interval, Clock::now());
    }
}

void WebhookLoad::deliver(Worker& worker, Poco::Net::HTTPClientSession& session, SentWebhook& webhook,
                          const std::string& body, const std::string& signature) {
    const std::string path = "/webhooks/whatsapp/" + options_.account;
    for (;;) {
        ++webhook.attempts;
        ++worker.attempts;
        auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(kRetryDelay);
        try {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
            request.setContentType("application/json");
            request.set("X-Hub-Signature-256", signature);
            request.setContentLength(static_cast<std::streamsize>(body.size()));
            request.setKeepAlive(true);
            session.sendRequest(request) << body;
            Poco::Net::HTTPResponse response;
            std::istream& in = session.receiveResponse(response);
            std::string answer;
            Poco::StreamCopier::copyToString(in, answer);
            const int status = response.getStatus();
            if (status >= 200 && status < 300) {
                // Meta stops at any 2xx, whatever its body says; the count is kept for the test to check.
                webhook.answer = status;
                try {
                    webhook.storedCount = Poco::JSON::Parser()
                                              .parse(answer)
                                              .extract<Poco::JSON::Object::Ptr>()
                                              ->getValue<std::int64_t>("messages");
                } catch (const std::exception&) {
                    webhook.storedCount = -1;
                }
                ++acknowledged_;
                return;
            }
            ++worker.failures["HTTP " + std::to_string(status) + " " + errorCodeOf(answer)];
            if (status >= 400 && status < 500) return;  // a wrong request: resending cannot help, the test fails
            int retryAfter = 0;
            if (response.has("Retry-After") && Poco::NumberParser::tryParse(response.get("Retry-After"), retryAfter)) {
                delay = std::min(std::chrono::milliseconds(retryAfter * 1000), kLongestRetryDelay);
            }
        } catch (const Poco::Exception& e) {
            // The connection is in an unknown state: the next attempt opens a new one.
            session.reset();
            ++worker.failures[failureKind(e)];
        }
        const auto resendAt = Clock::now() + delay;
        while (Clock::now() < resendAt) {
            if (drainOver()) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (drainOver()) return;
    }
}

}  // namespace omnigate::test
