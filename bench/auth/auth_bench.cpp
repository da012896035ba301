// bench/auth: what signing in costs on this machine. Against a running daemon (bench/auth/run.sh starts one):
// sign-in latency (argon2id dominates it), sequential and from several clients at once, and what a signed-in
// user's access token adds to a request compared with the admin token (a JWT check and a cached user lookup).
// In process: the cost of verifying one access token. Prints a report; targets live in docs/benchmarks.md.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "auth/access_tokens.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    int port = 0;
    std::string adminToken;
    int signIns = 200;
    int clients = 4;
    int requests = 5000;
};

struct Answer {
    int status = 0;
    std::string body;
};

// One keep-alive connection, as a console holds.
class Client {
public:
    explicit Client(int port) : session_("127.0.0.1", static_cast<Poco::UInt16>(port)) { session_.setKeepAlive(true); }

    Answer call(const std::string& method, const std::string& path, const std::string& bearer,
                const std::string& body = "") {
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!bearer.empty()) request.set("Authorization", "Bearer " + bearer);
        if (!body.empty()) {
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        session_.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session_.receiveResponse(response);
        Answer answer;
        answer.status = response.getStatus();
        Poco::StreamCopier::copyToString(in, answer.body);
        return answer;
    }

private:
    Poco::Net::HTTPClientSession session_;
};

std::string field(const std::string& json, const std::string& name) {
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>(name);
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

void report(const char* what, const std::vector<double>& ms) {
    double sum = 0;
    for (double v : ms) sum += v;
    std::printf("  %-46s n=%-5zu mean %7.2f ms  p50 %7.2f  p95 %7.2f  p99 %7.2f  max %7.2f\n", what, ms.size(),
                sum / static_cast<double>(ms.size()), percentile(ms, 50), percentile(ms, 95), percentile(ms, 99),
                percentile(ms, 100));
}

double millisSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::vector<double> signIns(int port, const std::string& login, const std::string& password, int count) {
    Client client(port);
    const std::string body = R"({"login":")" + login + R"(","password":")" + password + R"("})";
    std::vector<double> ms;
    for (int i = 0; i < count; ++i) {
        const auto start = Clock::now();
        const Answer a = client.call("POST", "/api/v1/auth/login", "", body);
        ms.push_back(millisSince(start));
        if (a.status != 200) throw std::runtime_error("sign-in answered " + std::to_string(a.status) + ": " + a.body);
    }
    return ms;
}

std::vector<double> requests(int port, const std::string& bearer, int count) {
    Client client(port);
    std::vector<double> ms;
    for (int i = 0; i < count; ++i) {
        const auto start = Clock::now();
        const Answer a = client.call("GET", "/api/v1/queues", bearer);
        ms.push_back(millisSince(start));
        if (a.status != 200) throw std::runtime_error("GET /api/v1/queues answered " + std::to_string(a.status));
    }
    return ms;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--port") {
            o.port = std::stoi(value());
        } else if (arg == "--admin-token") {
            o.adminToken = value();
        } else if (arg == "--sign-ins") {
            o.signIns = std::stoi(value());
        } else if (arg == "--clients") {
            o.clients = std::stoi(value());
        } else if (arg == "--requests") {
            o.requests = std::stoi(value());
        } else {
            throw std::invalid_argument("unknown option " + arg +
                                        " (--port N --admin-token T [--sign-ins 200] [--clients 4] [--requests 5000])");
        }
    }
    if (o.port == 0 || o.adminToken.empty()) throw std::invalid_argument("--port and --admin-token are required");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const Options o = parse(argc, argv);
        const std::string login = "bench-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
        const std::string password = "bench-password-0123";
        Client admin(o.port);
        const Answer made = admin.call("POST", "/api/v1/users", o.adminToken,
                                       R"({"login":")" + login + R"(","roles":["supervisor"],"password":")" +
                                           password + R"("})");
        if (made.status != 201) throw std::runtime_error("creating the bench user answered " + made.body);

        std::printf("bench/auth: %d sign-ins, %d clients at once, %d requests per token kind\n", o.signIns, o.clients,
                    o.requests);
        report("sign-in, one client", signIns(o.port, login, password, o.signIns));

        std::vector<std::vector<double>> perClient(static_cast<std::size_t>(o.clients));
        std::vector<std::thread> threads;
        const auto started = Clock::now();
        for (int c = 0; c < o.clients; ++c) {
            threads.emplace_back([&, c] { perClient[static_cast<std::size_t>(c)] = signIns(o.port, login, password, o.signIns / o.clients); });
        }
        for (std::thread& t : threads) t.join();
        const double seconds = millisSince(started) / 1000.0;
        std::vector<double> all;
        for (const auto& ms : perClient) all.insert(all.end(), ms.begin(), ms.end());
        report(("sign-in, " + std::to_string(o.clients) + " clients at once").c_str(), all);
        std::printf("  %-46s %.1f sign-ins/s\n", "sign-in throughput, clients at once", static_cast<double>(all.size()) / seconds);

        const Answer in = admin.call("POST", "/api/v1/auth/login", "",
                                     R"({"login":")" + login + R"(","password":")" + password + R"("})");
        const std::string access = field(in.body, "access_token");
        requests(o.port, o.adminToken, 200);  // warm-up: connections, caches, the pool
        requests(o.port, access, 200);
        const std::vector<double> adminMs = requests(o.port, o.adminToken, o.requests);
        const std::vector<double> userMs = requests(o.port, access, o.requests);
        report("GET /api/v1/queues, admin token", adminMs);
        report("GET /api/v1/queues, user access token", userMs);
        double adminSum = 0, userSum = 0;
        for (double v : adminMs) adminSum += v;
        for (double v : userMs) userSum += v;
        std::printf("  %-46s %+.1f us a request (mean)\n", "what the access token adds",
                    (userSum - adminSum) / static_cast<double>(o.requests) * 1000.0);

        const omnigate::AccessTokens tokens("bench-secret-of-at-least-32-bytes-0123456789", std::chrono::minutes(10));
        const std::string jwt = tokens.issue(1, "bench-session", "desk");
        constexpr int kVerifies = 100000;
        const auto verifyStart = Clock::now();
        for (int i = 0; i < kVerifies; ++i) tokens.verify(jwt);
        std::printf("  %-46s %.2f us each (in process, %d verifies)\n", "verifying one access token (HS256)",
                    millisSince(verifyStart) * 1000.0 / kVerifies, kVerifies);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "bench/auth: " << e.what() << "\n";
        return 1;
    }
}
