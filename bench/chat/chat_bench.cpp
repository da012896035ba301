// bench/chat: what a message to a large group of the internal chat costs (docs/chat.md). Against a running daemon
// whose database bench/chat/run.sh seeded with the members (operators with users): a supervisor signs in, makes a
// group with every member, and one MQTT connection per member listens on that member's own chat topic, as their
// consoles would. Then messages are sent one at a time, each waited for until every member has it: the time the
// send takes (its answer comes once the message and one outbox row per member are committed), and the time from
// the send to the first and to the last member's delivery. The same for a group of two, for comparison.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <mqtt/async_client.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    int port = 0;
    int mqttPort = 0;
    std::string adminToken;
    int members = 500;
    int sends = 30;
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

Answer expect(const Answer& answer, int status, const std::string& what) {
    if (answer.status != status) {
        throw std::runtime_error(what + " answered " + std::to_string(answer.status) + ": " + answer.body);
    }
    return answer;
}

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// Every member's deliveries of the messages of one chat, timed as they arrive.
class Deliveries : public virtual mqtt::callback {
public:
    void expectChat(std::int64_t chatId) {
        std::lock_guard<std::mutex> lock(mutex_);
        marker_ = "\"chat_id\":" + std::to_string(chatId) + ",";
        arrivals_.clear();
    }
    void message_arrived(mqtt::const_message_ptr message) override {
        const Clock::time_point now = Clock::now();
        const std::string& payload = message->get_payload_str();
        std::lock_guard<std::mutex> lock(mutex_);
        if (payload.find("\"type\":\"chat.message.created\"") == std::string::npos ||
            payload.find(marker_) == std::string::npos) {
            return;
        }
        arrivals_.push_back(now);
        changed_.notify_all();
    }
    // The arrival times once `count` arrived, or what arrived within `wait`.
    std::vector<Clock::time_point> waitFor(std::size_t count, std::chrono::seconds wait) {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait_for(lock, wait, [&] { return arrivals_.size() >= count; });
        std::vector<Clock::time_point> out;
        out.swap(arrivals_);
        return out;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::string marker_ = "-";
    std::vector<Clock::time_point> arrivals_;
};

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

void report(const std::string& what, const std::vector<double>& values) {
    double sum = 0;
    for (double v : values) sum += v;
    std::printf("  %-44s mean %7.1f ms  p50 %7.1f  p99 %7.1f  max %7.1f\n", what.c_str(),
                values.empty() ? 0.0 : sum / static_cast<double>(values.size()), percentile(values, 50),
                percentile(values, 99), percentile(values, 100));
}

std::string env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') throw std::runtime_error(std::string(name) + " is not set");
    return value;
}

// Sends `sends` messages to the chat one at a time (after three to warm up) and times each until `members`
// deliveries arrived.
void measure(Client& client, const std::string& token, std::int64_t chatId, std::size_t members, int sends,
             Deliveries& deliveries, const std::string& label) {
    std::vector<double> send, first, last;
    std::size_t lost = 0;
    for (int i = -3; i < sends; ++i) {
        deliveries.expectChat(chatId);
        const Clock::time_point start = Clock::now();
        expect(client.call("POST", "/api/v1/chats/" + std::to_string(chatId) + "/messages", token,
                           R"({"text":"Message )" + std::to_string(i) + R"( to everyone"})"),
               201, "a message");
        const Clock::time_point answered = Clock::now();
        const std::vector<Clock::time_point> arrived = deliveries.waitFor(members, std::chrono::seconds(30));
        if (arrived.size() < members) lost += members - arrived.size();
        if (i < 0 || arrived.empty()) continue;
        send.push_back(ms(answered - start));
        first.push_back(ms(*std::min_element(arrived.begin(), arrived.end()) - start));
        last.push_back(ms(*std::max_element(arrived.begin(), arrived.end()) - start));
    }
    std::printf("%s: %d messages, each to %zu members on their own topics\n", label.c_str(), sends, members);
    report("the send (stored, one event per member)", send);
    report("send to the first member's delivery", first);
    report("send to the last member's delivery", last);
    std::printf("  deliveries missing after 30 s: %zu\n", lost);
}

void run(const Options& o) {
    Client client(o.port);
    std::printf("bench/chat: signing in a supervisor\n");
    expect(client.call("POST", "/api/v1/users", o.adminToken,
                       R"({"login":"bench-sender","roles":["supervisor"],"password":"bench-chat-password"})"),
           201, "making the sender");
    const std::string token =
        json(expect(client.call("POST", "/api/v1/auth/login", "",
                                R"({"login":"bench-sender","password":"bench-chat-password"})"),
                    200, "signing in")
                 .body)
            ->getValue<std::string>("access_token");

    std::printf("bench/chat: making a group of %d members and one of 2\n", o.members + 1);
    std::string list;
    for (int i = 1; i <= o.members; ++i) list += (i == 1 ? "\"" : ",\"") + ("bench-" + std::to_string(i)) + "\"";
    const std::int64_t big = json(expect(client.call("POST", "/api/v1/chats", token,
                                                     R"({"name":"Everyone","members":[)" + list + "]}"),
                                         201, "making the group")
                                      .body)
                                 ->getValue<std::int64_t>("id");
    const std::int64_t small =
        json(expect(client.call("POST", "/api/v1/chats", token, R"({"name":"Two","members":["bench-1"]})"), 201,
                    "making the small group")
                 .body)
            ->getValue<std::int64_t>("id");

    std::printf("bench/chat: connecting %d MQTT clients, one per member, each on its own chat topic\n", o.members);
    Deliveries deliveries;
    std::vector<std::unique_ptr<mqtt::async_client>> listeners;
    const std::string url = "tcp://127.0.0.1:" + std::to_string(o.mqttPort);
    // All at once: one after another, each connect and subscribe waits for Paho's next turn (about a second).
    std::vector<mqtt::token_ptr> pending;
    for (int i = 1; i <= o.members; ++i) {
        auto listener = std::make_unique<mqtt::async_client>(url, "bench-chat-" + std::to_string(i),
                                                             mqtt::create_options(MQTTVERSION_5));
        listener->set_callback(deliveries);
        pending.push_back(listener->connect(mqtt::connect_options_builder()
                                                .mqtt_version(MQTTVERSION_5)
                                                .clean_start(true)
                                                .user_name(env("OMNIGATE_MQTT_OBSERVER_USER"))
                                                .password(env("OMNIGATE_MQTT_OBSERVER_PASSWORD"))
                                                .finalize()));
        listeners.push_back(std::move(listener));
    }
    for (auto& token : pending) token->wait();
    pending.clear();
    for (int i = 1; i <= o.members; ++i) {
        pending.push_back(listeners[static_cast<std::size_t>(i - 1)]->subscribe(
            "omnigate/v1/operators/bench-op-" + std::to_string(i) + "/chat", 1));
    }
    for (auto& token : pending) token->wait();

    measure(client, token, small, 1, o.sends, deliveries, "a group of 2");
    measure(client, token, big, static_cast<std::size_t>(o.members), o.sends, deliveries,
            "a group of " + std::to_string(o.members + 1));
    pending.clear();
    for (auto& listener : listeners) pending.push_back(listener->disconnect());
    for (auto& token : pending) token->wait();
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--port") o.port = std::stoi(value());
        else if (arg == "--mqtt-port") o.mqttPort = std::stoi(value());
        else if (arg == "--admin-token") o.adminToken = value();
        else if (arg == "--members") o.members = std::stoi(value());
        else if (arg == "--sends") o.sends = std::stoi(value());
        else if (arg == "--help" || arg == "-h") {
            std::cout << "omnigate_chat_bench --port N --mqtt-port N --admin-token T [--members 500] [--sends 30]\n"
                         "  --members  how many members bench/chat/run.sh seeded (bench-1 … bench-N)\n"
                         "  --sends    messages timed to each group, one at a time\n";
            std::exit(0);
        } else {
            throw std::runtime_error("unknown option " + arg + " (--help lists them)");
        }
    }
    if (o.port == 0 || o.mqttPort == 0 || o.adminToken.empty()) {
        throw std::runtime_error("--port, --mqtt-port and --admin-token are required (bench/chat/run.sh gives them)");
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    // Progress shows as it happens, also when the output goes to a file.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    try {
        run(parse(argc, argv));
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "bench/chat: " << e.what() << "\n";
        return 1;
    }
}
