#include "load_generator.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/NumberParser.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace omnigate::bench {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kLateAfter = std::chrono::milliseconds(5);
constexpr std::size_t kFailureSamples = 5;

std::int64_t nowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Answer {
    int status = 0;
    std::string body;
    std::string retryAfter;
};

class SHA256Engine : public Poco::SHA2Engine {
public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    SHA256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

Answer post(Poco::Net::HTTPClientSession& session, const std::string& path,
            const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body) {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    for (const auto& [name, value] : headers) request.set(name, value);
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer answer;
    answer.status = static_cast<int>(response.getStatus());
    // Read to the end even when unused: the connection is reused only after the whole answer was read.
    Poco::StreamCopier::copyToString(in, answer.body);
    answer.retryAfter = response.get("Retry-After", "");
    return answer;
}

}  // namespace

LoadGenerator::LoadGenerator(const BenchOptions& options, std::string runId)
    : options_(options), runId_(std::move(runId)) {}

LoadGenerator::~LoadGenerator() { join(); }

void LoadGenerator::openVisitors() {
    if (options_.channel == "whatsapp") {
        // WhatsApp senders need no session: a wa_id each, distinct per run so every run starts new clients.
        const long long base = 7000000000000LL + static_cast<long long>(std::hash<std::string>{}(runId_) % 1000000) * 1000000LL;
        for (int i = 0; i < options_.clients; ++i) visitors_.push_back({"", std::to_string(base + i)});
        return;
    }
    Poco::Net::HTTPClientSession session(options_.httpHost, static_cast<Poco::UInt16>(options_.httpPort));
    session.setKeepAlive(true);
    session.setTimeout(Poco::Timespan(10, 0));
    const std::string path = "/api/v1/webchat/" + options_.account + "/sessions";
    visitors_.reserve(static_cast<std::size_t>(options_.clients));
    for (int i = 0; i < options_.clients; ++i) {
        const Answer answer = post(session, path, {}, R"({"name":"bench )" + runId_ + " visitor " + std::to_string(i) + "\"}");
        if (answer.status != 201) {
            throw std::runtime_error("POST " + path + " answered " + std::to_string(answer.status) + ": " + answer.body);
        }
        Poco::JSON::Parser parser;
        const auto reply = parser.parse(answer.body).extract<Poco::JSON::Object::Ptr>();
        visitors_.push_back({"Bearer " + reply->getValue<std::string>("token"), ""});
    }
}

void LoadGenerator::start() {
    startedAt_ = Clock::now();
    active_ = options_.threads;
    for (int t = 0; t < options_.threads; ++t) threads_.emplace_back([this, t] { work(t); });
}

void LoadGenerator::join() {
    for (std::thread& thread : threads_) {
        if (thread.joinable()) thread.join();
    }
    threads_.clear();
    std::sort(answerLatenciesMs_.begin(), answerLatenciesMs_.end());
}

double LoadGenerator::elapsedSeconds() const {
    const std::int64_t endedAt = endedAtNs_;
    const auto end = endedAt > 0 ? Clock::time_point(std::chrono::nanoseconds(endedAt)) : Clock::now();
    return std::chrono::duration<double>(end - startedAt_).count();
}

void LoadGenerator::recordFailure(const std::string& what) {
    ++failed_;
    std::lock_guard<std::mutex> lock(resultMutex_);
    if (failureSamples_.size() < kFailureSamples) failureSamples_.push_back(what);
}

LoadGenerator::Request LoadGenerator::request(const Visitor& visitor, std::uint64_t sequence,
                                              const std::string& text) const {
    Request r;
    if (options_.channel != "whatsapp") {
        r.path = "/api/v1/webchat/" + options_.account + "/messages";
        r.body = R"({"text":")" + text + "\"}";
        r.headers.emplace_back("Authorization", visitor.authorization);
        return r;
    }
    // The shape of Meta's messages webhook (one text message), signed with the app secret as Meta signs it.
    r.path = "/webhooks/whatsapp/" + options_.account;
    r.body = R"({"object":"whatsapp_business_account","entry":[{"id":"bench","changes":[{"field":"messages",)"
             R"("value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"0","phone_number_id":")" +
             options_.whatsappPhoneNumberId + R"("},"contacts":[{"profile":{"name":"bench )" + visitor.phone +
             R"("},"wa_id":")" + visitor.phone + R"("}],"messages":[{"from":")" + visitor.phone +
             R"(","id":"wamid.bench-)" + runId_ + "-" + std::to_string(sequence) + R"(","timestamp":")" +
             std::to_string(nowUs() / 1000000) + R"(","type":"text","text":{"body":")" + text + R"("}}]}}]}]})";
    Poco::HMACEngine<SHA256Engine> hmac(options_.whatsappSecret);
    hmac.update(r.body);
    r.headers.emplace_back("X-Hub-Signature-256", "sha256=" + Poco::DigestEngine::digestToHex(hmac.digest()));
    return r;
}

void LoadGenerator::work(int thread) {
    Poco::Net::HTTPClientSession session(options_.httpHost, static_cast<Poco::UInt16>(options_.httpPort));
    session.setKeepAlive(true);
    session.setTimeout(Poco::Timespan(10, 0));
    const auto end = startedAt_ + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(options_.durationSeconds));
    // Paced runs: thread t owns every threads-th slot of the overall schedule, offset so threads interleave.
    const bool paced = options_.rate > 0;
    const auto interval = paced ? std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(options_.threads / options_.rate))
                                : Clock::duration::zero();
    auto slot = startedAt_ + (paced ? std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(thread / options_.rate))
                                    : Clock::duration::zero());
    std::vector<std::uint64_t> durable;
    std::vector<double> answerMs;

    for (;;) {
        auto now = Clock::now();
        if (paced) {
            if (slot >= end) break;
            if (now < slot) {
                std::this_thread::sleep_until(slot);
            } else if (now - slot > kLateAfter) {
                ++late_;
            }
            slot += interval;
        }
        if (Clock::now() >= end) break;

        const std::uint64_t sequence = nextSequence_++;
        const Visitor& visitor = visitors_[sequence % visitors_.size()];
        const std::int64_t startUs = nowUs();
        const Request r =
            request(visitor, sequence, "bench " + runId_ + " " + std::to_string(sequence) + " " + std::to_string(startUs));
        ++sent_;
        try {
            const Answer answer = post(session, r.path, r.headers, r.body);
            if (answer.status >= 200 && answer.status < 300) {
                ++durable_;
                durable.push_back(sequence);
                answerMs.push_back(static_cast<double>(nowUs() - startUs) / 1000.0);
            } else if (answer.status == 503) {
                ++shed_;
                int seconds = 1;
                if (!Poco::NumberParser::tryParse(answer.retryAfter, seconds) || seconds < 0) seconds = 1;
                std::this_thread::sleep_until(std::min(end, Clock::now() + std::chrono::seconds(seconds)));
                // The slots missed while waiting are not made up in a burst: that would only be shed again.
                if (paced) slot = std::max(slot, Clock::now());
            } else {
                recordFailure("HTTP " + std::to_string(answer.status) + ": " + answer.body.substr(0, 200));
            }
        } catch (const Poco::Exception& e) {
            recordFailure(e.displayText());
            session.reset();
        }
    }

    const std::int64_t endedAt = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
    std::int64_t previous = endedAtNs_;
    while (previous < endedAt && !endedAtNs_.compare_exchange_weak(previous, endedAt)) {
    }
    {
        std::lock_guard<std::mutex> lock(resultMutex_);
        durableSequences_.insert(durableSequences_.end(), durable.begin(), durable.end());
        answerLatenciesMs_.insert(answerLatenciesMs_.end(), answerMs.begin(), answerMs.end());
    }
    --active_;
}

}  // namespace omnigate::bench
