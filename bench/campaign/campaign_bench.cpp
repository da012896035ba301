// bench/campaign: a WhatsApp campaign to 100,000 clients against a Graph API fake served here, while the ingest
// load of bench/run.sh (its LoadGenerator and EventCollector) runs once before the campaign and once during it.
// It says whether the campaign held its rate (every send timed at the fake), whether the daemon's memory stayed
// flat (its RSS every 5 s) and whether the ingest figures moved. It starts nothing: bench/campaign/run.sh starts
// the servers and the daemon, whose WhatsApp account's graph_url points at --graph-port.
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/UUIDGenerator.h>
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mqtt/exception.h>
#include <mysql_driver.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_options.h"
#include "bench_report.h"
#include "event_collector.h"
#include "graph_api_fake.h"
#include "load_generator.h"
#include "process_stats.h"

using namespace omnigate::bench;

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kSampleEvery = std::chrono::seconds(5);
constexpr std::size_t kSeedRows = 2000;  // clients per INSERT
constexpr const char* kCity = "Benchville";

struct Options {
    int httpPort = 0;
    int mqttPort = 0;
    int dbPort = 0;
    std::string dbName;
    std::string dbUser;
    std::string dbPassword;
    int daemonPid = 0;
    int graphPort = 0;
    std::string adminToken;
    std::string account = "bench";
    int recipients = 100000;
    int ratePerMinute = 6000;
    int workers = 0;  // campaigns.workers of the daemon's config, only printed
    double ingestRate = 1000;
    double ingestSeconds = 20;
    double timeoutSeconds = 3600;
};

const char* kUsage = R"(omnigate_campaign_bench: a WhatsApp campaign to many clients against a local Graph API fake,
with bench/run.sh's ingest load before and during it (bench/campaign/run.sh passes the ports and pids).
  --recipients N       clients seeded in the segment (100000)
  --rate N             the campaign's rate_per_minute (6000)
  --ingest-rate N      web chat messages a second offered, before and during the campaign (1000)
  --ingest-seconds S   how long each ingest run lasts (20)
  --timeout S          give up on the campaign after this long (3600)
Set by run.sh: --http-port --mqtt-port --db-port --db-name --db-user --db-password --daemon-pid --graph-port
  --admin-token --account --workers
Environment: OMNIGATE_MQTT_OBSERVER_USER/PASSWORD, the broker account the event subscriber uses.
)";

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string name = argv[i];
        if (name == "--help" || name == "-h") {
            std::cout << kUsage;
            std::exit(0);
        }
        if (i + 1 >= argc) throw std::invalid_argument(name + " needs a value");
        const std::string value = argv[++i];
        const auto number = [&] {
            try {
                return std::stod(value);
            } catch (const std::logic_error&) {
                throw std::invalid_argument(name + ": not a number: " + value);
            }
        };
        if (name == "--http-port") o.httpPort = static_cast<int>(number());
        else if (name == "--mqtt-port") o.mqttPort = static_cast<int>(number());
        else if (name == "--db-port") o.dbPort = static_cast<int>(number());
        else if (name == "--db-name") o.dbName = value;
        else if (name == "--db-user") o.dbUser = value;
        else if (name == "--db-password") o.dbPassword = value;
        else if (name == "--daemon-pid") o.daemonPid = static_cast<int>(number());
        else if (name == "--graph-port") o.graphPort = static_cast<int>(number());
        else if (name == "--admin-token") o.adminToken = value;
        else if (name == "--account") o.account = value;
        else if (name == "--workers") o.workers = static_cast<int>(number());
        else if (name == "--recipients") o.recipients = static_cast<int>(number());
        else if (name == "--rate") o.ratePerMinute = static_cast<int>(number());
        else if (name == "--ingest-rate") o.ingestRate = number();
        else if (name == "--ingest-seconds") o.ingestSeconds = number();
        else if (name == "--timeout") o.timeoutSeconds = number();
        else throw std::invalid_argument("unknown option " + name + " (--help lists them)");
    }
    if (o.httpPort <= 0 || o.mqttPort <= 0 || o.dbPort <= 0 || o.daemonPid <= 0 || o.graphPort <= 0 ||
        o.adminToken.empty() || o.dbName.empty()) {
        throw std::invalid_argument("the ports, --daemon-pid, --db-name and --admin-token are required (run "
                                    "bench/campaign/run.sh)");
    }
    if (o.recipients <= 0 || o.ratePerMinute <= 0 || o.ingestRate <= 0 || o.ingestSeconds <= 0) {
        throw std::invalid_argument("--recipients, --rate, --ingest-rate and --ingest-seconds must be positive");
    }
    return o;
}

double secondsBetween(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

struct Answer {
    int status = 0;
    std::string body;
    Poco::JSON::Object::Ptr json() const {
        return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    }
};

Answer call(const Options& o, const std::string& method, const std::string& path, const std::string& body = "") {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(o.httpPort));
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Authorization", "Bearer " + o.adminToken);
    if (!body.empty()) request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer answer;
    answer.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
}

Answer expect(int status, const Options& o, const std::string& method, const std::string& path,
              const std::string& body = "") {
    Answer answer = call(o, method, path, body);
    if (answer.status != status) {
        throw std::runtime_error(method + " " + path + " answered " + std::to_string(answer.status) + ": " +
                                 answer.body.substr(0, 300));
    }
    return answer;
}

// The campaign's audience, straight into MariaDB: clients with a card city and one whatsapp address each.
void seed(const Options& o, const std::string& runId) {
    std::unique_ptr<sql::Connection> db(sql::mysql::get_mysql_driver_instance()->connect(
        "tcp://127.0.0.1:" + std::to_string(o.dbPort), o.dbUser, o.dbPassword));
    db->setSchema(o.dbName);
    std::unique_ptr<sql::Statement> s(db->createStatement());
    std::int64_t first = 1;
    {
        std::unique_ptr<sql::ResultSet> rs(s->executeQuery("SELECT COALESCE(MAX(id), 0) + 1 FROM clients"));
        if (rs->next()) first = rs->getInt64(1);
    }
    const std::string card = std::string(R"({"city":")") + kCity + R"(","tariff":"Bench"})";
    const auto started = Clock::now();
    for (std::int64_t done = 0; done < o.recipients;) {
        const std::int64_t rows = std::min<std::int64_t>(kSeedRows, o.recipients - done);
        std::string clients = "INSERT INTO clients (id, name, card, created_at, updated_at) VALUES ";
        std::string addresses = "INSERT INTO client_addresses (client_id, kind, value, created_at) VALUES ";
        for (std::int64_t i = 0; i < rows; ++i) {
            const std::int64_t n = done + i;
            const std::string id = std::to_string(first + n);
            const std::string sep = i == 0 ? "" : ",";
            clients += sep + "(" + id + ",'Bench " + runId + " " + std::to_string(n) + "','" + card +
                       "',NOW(3),NOW(3))";
            addresses += sep + "(" + id + ",'whatsapp','" + std::to_string(79000000000LL + n) + "',NOW(3))";
        }
        s->execute("START TRANSACTION");
        s->execute(clients);
        s->execute(addresses);
        s->execute("COMMIT");
        done += rows;
        if (done % 20000 == 0 || done == o.recipients) {
            std::printf("  seeded %lld clients (%.1f s)\n", static_cast<long long>(done),
                        secondsBetween(started, Clock::now()));
            std::fflush(stdout);
        }
    }
}

struct IngestFigures {
    std::int64_t sent = 0;
    std::int64_t durable = 0;
    std::int64_t shed = 0;
    std::int64_t failed = 0;
    std::int64_t eventsMissing = 0;
    double durablePerSecond = 0;
    std::vector<double> eventMs;   // request → event, sorted
    std::vector<double> answerMs;  // request → 2xx, sorted
};

// bench/run.sh's load at a fixed rate: web chat visitors posting through the daemon, every message.created
// event timed by a real subscriber. Blocks for the run and the events' drain.
IngestFigures measureIngest(const Options& o, const std::string& label) {
    BenchOptions b;
    b.durationSeconds = o.ingestSeconds;
    b.rate = o.ingestRate;
    b.httpPort = o.httpPort;
    b.mqttPort = o.mqttPort;
    b.dbPort = o.dbPort;
    b.daemonPid = o.daemonPid;
    const char* observer = std::getenv("OMNIGATE_MQTT_OBSERVER_USER");
    const char* observerPassword = std::getenv("OMNIGATE_MQTT_OBSERVER_PASSWORD");
    if (observer == nullptr || observerPassword == nullptr) {
        throw std::invalid_argument("OMNIGATE_MQTT_OBSERVER_USER and OMNIGATE_MQTT_OBSERVER_PASSWORD must be set");
    }
    b.observerUser = observer;
    b.observerPassword = observerPassword;
    const std::string runId = Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
    EventCollector collector(b, runId);
    collector.start();
    LoadGenerator load(b, runId);
    load.openVisitors();
    std::printf("  ingest %s (%s): %.0f web chat messages/s for %.0f s\n", label.c_str(), runId.c_str(), b.rate,
                b.durationSeconds);
    std::fflush(stdout);
    load.start();
    load.join();
    IngestFigures f;
    f.sent = load.sent();
    f.durable = load.durable();
    f.shed = load.shed();
    f.failed = load.failed();
    f.durablePerSecond = load.elapsedSeconds() > 0 ? static_cast<double>(f.durable) / load.elapsedSeconds() : 0;
    const auto drainStarted = Clock::now();
    while ((f.eventsMissing = collector.countMissing(load.durableSequences())) > 0 &&
           secondsBetween(drainStarted, Clock::now()) < b.drainSeconds) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    f.eventMs = collector.latenciesMs();
    f.answerMs = load.answerLatenciesMs();
    collector.stop();
    for (const std::string& failure : load.failureSamples()) std::printf("    failure: %s\n", failure.c_str());
    return f;
}

struct Sample {
    double at = 0;  // seconds since the launch
    double rssMb = 0;
    std::int64_t sent = 0;
};

// The most sends in any 60 s of the run (a window starting at each send), and where it started.
std::pair<std::size_t, double> busiestMinute(const std::vector<Clock::time_point>& times) {
    std::size_t best = 0;
    double bestAt = 0;
    std::size_t end = 0;
    for (std::size_t start = 0; start < times.size(); ++start) {
        while (end < times.size() && times[end] - times[start] < std::chrono::seconds(60)) ++end;
        if (end - start > best) {
            best = end - start;
            bestAt = secondsBetween(times.front(), times[start]);
        }
    }
    return {best, bestAt};
}

std::string ms(const std::vector<double>& sorted, double p) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", BenchResult::percentile(sorted, p));
    return text;
}

void printIngest(const IngestFigures& before, const IngestFigures& during) {
    std::printf("\ningest, %s\n", "the same load before the campaign and while it sent");
    std::printf("  %-34s %16s %16s\n", "", "before", "during");
    const auto row = [](const char* name, const std::string& a, const std::string& b) {
        std::printf("  %-34s %16s %16s\n", name, a.c_str(), b.c_str());
    };
    const auto num = [](double v) {
        char text[32];
        std::snprintf(text, sizeof text, "%.0f", v);
        return std::string(text);
    };
    row("durable messages/s (2xx)", num(before.durablePerSecond), num(during.durablePerSecond));
    row("sent / 2xx / 503 / errors",
        std::to_string(before.sent) + "/" + std::to_string(before.durable) + "/" + std::to_string(before.shed) + "/" +
            std::to_string(before.failed),
        std::to_string(during.sent) + "/" + std::to_string(during.durable) + "/" + std::to_string(during.shed) + "/" +
            std::to_string(during.failed));
    row("request -> event p50 / p99 ms", ms(before.eventMs, 0.5) + " / " + ms(before.eventMs, 0.99),
        ms(during.eventMs, 0.5) + " / " + ms(during.eventMs, 0.99));
    row("request -> event max ms", ms(before.eventMs, 1), ms(during.eventMs, 1));
    row("request -> 2xx p50 / p99 ms", ms(before.answerMs, 0.5) + " / " + ms(before.answerMs, 0.99),
        ms(during.answerMs, 0.5) + " / " + ms(during.answerMs, 0.99));
    row("events missing", std::to_string(before.eventsMissing), std::to_string(during.eventsMissing));
}

int run(const Options& o) {
    const std::string runId = Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
    if (!sampleProcess(o.daemonPid)) throw std::runtime_error("no process with the daemon's pid");
    GraphApiFake graph(o.graphPort);
    std::printf("bench/campaign %s: %d recipients at %d a minute, campaigns.workers %d; Graph API fake on port %d\n",
                runId.c_str(), o.recipients, o.ratePerMinute, o.workers, o.graphPort);
    std::fflush(stdout);

    const auto seedStarted = Clock::now();
    seed(o, runId);
    std::printf("  %d clients seeded in %.1f s\n", o.recipients, secondsBetween(seedStarted, Clock::now()));

    const std::string templateName = "bench_" + runId;
    expect(201, o, "POST", "/api/v1/whatsapp/templates",
           R"({"name":")" + templateName + R"(","language":"en","category":"MARKETING",)"
           R"("body":"Hello {{1}}, your {{2}} tariff is cheaper now.","status":"APPROVED"})");
    const std::int64_t id =
        expect(201, o, "POST", "/api/v1/campaigns",
               R"({"name":"Bench )" + runId + R"(","channel":"whatsapp","account":")" + o.account +
                   R"(","segment":{"client":{"card.city":")" + kCity + R"("}},)"
                   R"("message":{"whatsapp_template":{"name":")" + templateName + R"(","language":"en",)"
                   R"("parameters":["{client.name}","{client.card.tariff}"]}},"rate_per_minute":)" +
                   std::to_string(o.ratePerMinute) + "}")
            .json()
            ->getValue<std::int64_t>("id");
    const std::string path = "/api/v1/campaigns/" + std::to_string(id);
    const std::int64_t audience =
        expect(200, o, "GET", path + "/audience").json()->getValue<std::int64_t>("count");
    std::printf("  campaign %lld created; its audience: %lld\n", static_cast<long long>(id),
                static_cast<long long>(audience));

    const IngestFigures before = measureIngest(o, "before the campaign");

    expect(200, o, "POST", path + "/launch");
    const auto launched = Clock::now();
    std::printf("bench/campaign %s: launched (one line every %lld s)\n", runId.c_str(),
                static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(kSampleEvery).count()));
    std::fflush(stdout);

    std::vector<Sample> samples;
    IngestFigures during;
    std::string ingestError;
    double preparedAfter = -1;
    double ingestFrom = -1;
    double ingestTo = -1;
    std::thread ingest;
    // Joined however the loop ends: a thread still joinable when it is destroyed ends the program.
    struct Joiner {
        std::thread& thread;
        ~Joiner() {
            if (thread.joinable()) thread.join();
        }
    } joiner{ingest};
    std::string state;
    Poco::JSON::Object::Ptr results;
    auto next = launched;
    while (true) {
        std::this_thread::sleep_until(next);
        next += kSampleEvery;
        const double at = secondsBetween(launched, Clock::now());
        const auto daemon = sampleProcess(o.daemonPid);
        if (!daemon) throw std::runtime_error("the daemon stopped during the campaign");
        results = expect(200, o, "GET", path + "/results").json();
        state = results->getValue<std::string>("state");
        const std::int64_t targeted = results->getValue<std::int64_t>("targeted");
        const std::int64_t sent = results->getValue<std::int64_t>("sent");
        if (preparedAfter < 0 && targeted > 0) preparedAfter = at;
        samples.push_back({at, daemon->rssMb, sent});
        std::printf("  %6.0fs  %-8s %-9s targeted %6lld  sent %6lld  pending %6lld  failed %4lld  fake %6zu  "
                    "RSS %.1f MB\n",
                    at, state.c_str(), results->optValue<std::string>("phase", "").c_str(),
                    static_cast<long long>(targeted), static_cast<long long>(sent),
                    static_cast<long long>(results->getValue<std::int64_t>("pending")),
                    static_cast<long long>(results->getValue<std::int64_t>("failed")), graph.accepted().size(),
                    daemon->rssMb);
        std::fflush(stdout);
        // The second ingest run while the campaign sends in earnest, not while it chooses its recipients.
        if (!ingest.joinable() && sent > 0 && state == "running") {
            ingestFrom = at;
            ingest = std::thread([&] {
                try {
                    during = measureIngest(o, "during the campaign");
                } catch (const std::exception& e) {
                    ingestError = e.what();
                }
                ingestTo = secondsBetween(launched, Clock::now());
            });
        }
        if (state != "running" && state != "paused") break;
        if (at > o.timeoutSeconds) {
            std::printf("bench/campaign: gave up after %.0f s; the campaign is still %s\n", at, state.c_str());
            break;
        }
    }
    const double finishedAfter = secondsBetween(launched, Clock::now());
    if (ingest.joinable()) ingest.join();

    const std::vector<Clock::time_point> sends = graph.accepted();
    const double span = sends.size() > 1 ? secondsBetween(sends.front(), sends.back()) : 0;
    const auto [busiest, busiestAt] = busiestMinute(sends);
    const double allowed = o.ratePerMinute + o.ratePerMinute / 60.0;
    double rssMin = samples.empty() ? 0 : samples.front().rssMb;
    double rssMax = rssMin;
    for (const Sample& s : samples) {
        rssMin = std::min(rssMin, s.rssMb);
        rssMax = std::max(rssMax, s.rssMb);
    }

    std::printf("\ncampaign %lld (%s)\n", static_cast<long long>(id), state.c_str());
    std::printf("  recipients targeted                %lld\n",
                static_cast<long long>(results->getValue<std::int64_t>("targeted")));
    std::printf("  sent / failed / skipped / pending  %lld / %lld / %lld / %lld\n",
                static_cast<long long>(results->getValue<std::int64_t>("sent")),
                static_cast<long long>(results->getValue<std::int64_t>("failed")),
                static_cast<long long>(results->getValue<std::int64_t>("skipped")),
                static_cast<long long>(results->getValue<std::int64_t>("pending")));
    const Poco::JSON::Array::Ptr failures = results->getArray("failures");
    if (failures && failures->size() > 0) {
        std::ostringstream text;
        failures->stringify(text);
        std::printf("  failures                           %s\n", text.str().c_str());
    }
    std::printf("  accepted by the Graph API fake     %zu (refused %lld)\n", sends.size(),
                static_cast<long long>(graph.refused()));
    std::printf("  prepared (targeted set) after      %.0f s (sampled every 5 s)\n", preparedAfter);
    std::printf("  finished after                     %.0f s from the launch (sampled every 5 s)\n", finishedAfter);
    std::printf("  first to last send                 %.1f s\n", span);
    if (span > 0) {
        const double achieved = static_cast<double>(sends.size() - 1) / span * 60;
        std::printf("  achieved rate                      %.0f a minute (%.1f%% of %d)\n", achieved,
                    achieved / o.ratePerMinute * 100, o.ratePerMinute);
    }
    std::printf("  busiest 60 s                       %zu sends, from %.0f s (allowed: %.0f = rate + 1 s burst): %s\n",
                busiest, busiestAt, allowed, busiest <= allowed ? "held" : "EXCEEDED");
    std::printf("  daemon RSS min / max / last        %.1f / %.1f / %.1f MB\n", rssMin, rssMax,
                samples.empty() ? 0 : samples.back().rssMb);
    std::printf("  RSS by recipients sent            ");
    const std::size_t step = std::max<std::size_t>(1, samples.size() / 8);
    for (std::size_t i = 0; i < samples.size(); i += step) {
        if (i + step >= samples.size()) i = samples.size() - 1;  // the last sample ends the line
        std::printf(" %lld:%.1f", static_cast<long long>(samples[i].sent), samples[i].rssMb);
    }
    std::printf(" MB\n");
    std::printf("  ingest during the campaign ran     %.0f s to %.0f s after the launch\n", ingestFrom, ingestTo);
    if (!ingestError.empty()) std::printf("  ingest during the campaign FAILED: %s\n", ingestError.c_str());
    printIngest(before, during);
    return state == "finished" && ingestError.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const std::invalid_argument& e) {
        std::cerr << "omnigate_campaign_bench: " << e.what() << "\n";
        return 2;
    } catch (const mqtt::exception& e) {
        std::cerr << "omnigate_campaign_bench: MQTT: " << e.what() << "\n";
    } catch (const sql::SQLException& e) {
        std::cerr << "omnigate_campaign_bench: MariaDB: " << e.what() << "\n";
    } catch (const Poco::Exception& e) {
        std::cerr << "omnigate_campaign_bench: " << e.displayText() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "omnigate_campaign_bench: " << e.what() << "\n";
    }
    return 1;
}
