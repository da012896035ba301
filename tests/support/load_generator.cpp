#include "support/http_failures.h"
#include "support/load_generator.h"

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
#include <sstream>

#include "support/http_client.h"

namespace omnigate::test {

namespace {

using Clock = std::chrono::steady_clock;

// A real widget backs off a little after a failure and honours Retry-After, but no page waits longer than this.
constexpr auto kRetryDelay = std::chrono::milliseconds(100);
constexpr auto kLongestRetryDelay = std::chrono::milliseconds(1000);

std::string quoted(const std::string& text) {
    // Only test-made ASCII goes in here; quotes and backslashes never occur in it.
    return "\"" + text + "\"";
}

}  // namespace

std::size_t LoadReport::acknowledged() const {
    return static_cast<std::size_t>(
        std::count_if(messages.begin(), messages.end(), [](const LoadMessage& m) { return m.answer != 0; }));
}

std::size_t LoadReport::retried() const {
    return static_cast<std::size_t>(
        std::count_if(messages.begin(), messages.end(), [](const LoadMessage& m) { return m.attempts > 1; }));
}

std::size_t LoadReport::storedEarlier() const {
    return static_cast<std::size_t>(
        std::count_if(messages.begin(), messages.end(), [](const LoadMessage& m) { return m.answer == 200; }));
}

std::size_t LoadReport::failuresMatching(const std::string& prefix) const {
    std::size_t n = 0;
    for (const auto& [kind, count] : failures) {
        if (kind.compare(0, prefix.size(), prefix) == 0) n += count;
    }
    return n;
}

std::string LoadReport::summary() const {
    std::ostringstream out;
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f s, %.0f/s", seconds, seconds > 0 ? messages.size() / seconds : 0.0);
    out << "load: " << messages.size() << " messages sent (" << rate << "), " << acknowledged() << " answered 2xx ("
        << storedEarlier() << " by 200: stored by an earlier attempt whose answer was lost), " << retried()
        << " retried, " << attempts << " attempts";
    if (failures.empty()) {
        out << ", no failed attempt";
    } else {
        out << "; failed attempts:";
        for (const auto& [kind, count] : failures) out << " [" << kind << "] x" << count;
    }
    return out.str();
}

LoadGenerator::LoadGenerator(int port, LoadOptions options)
    : port_(port),
      options_(std::move(options)),
      runId_(Poco::UUIDGenerator::defaultGenerator().createRandom().toString()) {
    const HttpClient http(port_);
    const int visitors = options_.threads * options_.visitorsPerThread;
    for (int i = 0; i < visitors; ++i) {
        const HttpResult session = http.postJson("/api/v1/webchat/" + options_.account + "/sessions",
                                                 "{\"name\":" + quoted("Load " + runId_ + " " + std::to_string(i)) + "}");
        if (session.status != 201) {
            throw std::runtime_error("load generator: opening a web chat session answered " +
                                     std::to_string(session.status) + ": " + session.body);
        }
        const auto reply = session.json();
        visitors_.push_back({reply->getValue<std::string>("visitor_id"), reply->getValue<std::string>("token")});
    }
    started_ = Clock::now();
    for (int i = 0; i < options_.threads; ++i) {
        workers_.push_back(std::make_unique<Worker>());
        workers_.back()->thread = std::thread([this, i] { work(i); });
    }
}

LoadGenerator::~LoadGenerator() {
    if (!stopped_) stop(std::chrono::milliseconds(0));
}

std::vector<std::string> LoadGenerator::visitorIds() const {
    std::vector<std::string> ids;
    for (const Visitor& v : visitors_) ids.push_back(v.id);
    return ids;
}

bool LoadGenerator::drainOver() const {
    return stopping_ && Clock::now().time_since_epoch().count() >= drainDeadline_;
}

LoadReport LoadGenerator::stop(std::chrono::milliseconds drain) {
    LoadReport report;
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
        std::move(worker->messages.begin(), worker->messages.end(), std::back_inserter(report.messages));
    }
    return report;
}

void LoadGenerator::work(int index) {
    Worker& worker = *workers_[static_cast<std::size_t>(index)];
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
    session.setKeepAlive(true);  // as a browser does; a new connection per message would be a different load
    session.setTimeout(Poco::Timespan(options_.requestTimeout.count(), 0));

    const auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(options_.threads / options_.messagesPerSecond));
    // Staggered, so the threads' requests spread over each interval instead of arriving together.
    auto next = started_ + interval * index / options_.threads;
    for (std::size_t n = 0; !stopping_; ++n) {
        std::this_thread::sleep_until(next);
        if (stopping_) break;
        const Visitor& visitor =
            visitors_[static_cast<std::size_t>(index * options_.visitorsPerThread) + n % options_.visitorsPerThread];
        LoadMessage message;
        message.visitorId = visitor.id;
        message.clientMessageId = runId_ + "-" + std::to_string(index) + "-" + std::to_string(n);
        const std::string body = "{\"text\":" + quoted("load message " + message.clientMessageId) +
                                 ",\"client_message_id\":" + quoted(message.clientMessageId) + "}";
        deliver(worker, session, visitor, message, body);
        worker.messages.push_back(std::move(message));
        // After an outage, carry on at the target rate rather than bursting to make up for the lost time.
        next = std::max(next + interval, Clock::now());
    }
}

void LoadGenerator::deliver(Worker& worker, Poco::Net::HTTPClientSession& session, const Visitor& visitor,
                            LoadMessage& message, const std::string& body) {
    const std::string path = "/api/v1/webchat/" + options_.account + "/messages";
    for (;;) {
        ++message.attempts;
        ++worker.attempts;
        auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(kRetryDelay);
        try {
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
            request.setContentType("application/json");
            request.set("Authorization", "Bearer " + visitor.token);
            request.setContentLength(static_cast<std::streamsize>(body.size()));
            request.setKeepAlive(true);
            session.sendRequest(request) << body;
            Poco::Net::HTTPResponse response;
            std::istream& in = session.receiveResponse(response);
            std::string answer;
            Poco::StreamCopier::copyToString(in, answer);
            const int status = response.getStatus();
            if (status == 200 || status == 201) {
                try {
                    message.storedId = Poco::JSON::Parser()
                                           .parse(answer)
                                           .extract<Poco::JSON::Object::Ptr>()
                                           ->getValue<std::int64_t>("id");
                    message.answer = status;
                    ++acknowledged_;
                    return;
                } catch (const std::exception&) {
                    ++worker.failures["HTTP " + std::to_string(status) + " without a message id"];
                }
            } else {
                ++worker.failures["HTTP " + std::to_string(status) + " " + errorCodeOf(answer)];
                if (status >= 400 && status < 500) return;  // the request itself is wrong: resending cannot help
                int retryAfter = 0;
                if (response.has("Retry-After") && Poco::NumberParser::tryParse(response.get("Retry-After"), retryAfter)) {
                    delay = std::min(std::chrono::milliseconds(retryAfter * 1000), kLongestRetryDelay);
                }
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
