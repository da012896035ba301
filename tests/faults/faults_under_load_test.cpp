// Faults under a steady load of a few hundred web chat messages per second: a broker restart, a database restart,
// a daemon killed with SIGKILL and a CRM webhook endpoint failing for a while. Afterwards every message answered
// 2xx is in the database exactly once, its message.created event reached a subscriber (de-duplicated by event id)
// and the CRM (signed, in order per interaction), and the daemon is ready without help.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "omnigate/sdk/secrets.h"
#include "fault_checks.h"
#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/fake_crm.h"
#include "support/load_generator.h"
#include "support/mqtt_probe.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kLoadBeforeFault = 4s;
constexpr auto kLoadAfterRecovery = 4s;
constexpr auto kOutage = 2s;
constexpr auto kDrain = 20s;
constexpr auto kEventWait = 30s;
// Traffic must flow again after the fault, not merely the readiness probe: a quarter of the target rate (400/s)
// leaves room for a busy two-core machine.
constexpr std::size_t kLeastAcknowledgedAfterRecovery = 400;

// The unique key makes a second row for the same external id impossible, so "exactly once" is checked as: one row
// per message, carrying the id its 2xx answer named, and no row of these visitors that no message explains.
void expectStoredExactlyOnce(const LoadGenerator& load, const LoadReport& report, DaemonProcess& daemon) {
    DbProbe db;
    std::map<std::string, std::vector<std::int64_t>> stored;  // external id -> message ids
    for (const std::string& visitor : load.visitorIds()) {
        // A visitor id is a UUID: nothing to escape, and the prefix uses the (channel, account, ...) unique key.
        for (const auto& row : db.rows("SELECT external_id, id FROM messages WHERE channel = 'webchat' AND "
                                       "account = 'demo' AND direction = 'in' AND external_id LIKE '" +
                                       visitor + "%'")) {
            stored[row[0]].push_back(std::stoll(row[1]));
        }
    }
    std::size_t once = 0, missing = 0, duplicated = 0, otherId = 0, unanswered = 0;
    std::set<std::string> explained;
    for (const LoadMessage& m : report.messages) {
        explained.insert(m.externalId());
        if (m.answer == 0) {
            ++unanswered;
            continue;
        }
        const auto it = stored.find(m.externalId());
        if (it == stored.end()) {
            ++missing;
            ADD_FAILURE() << "answered " << m.answer << " with id " << m.storedId << " but not stored: "
                          << m.externalId();
        } else if (it->second.size() > 1) {
            ++duplicated;
            ADD_FAILURE() << m.externalId() << " stored " << it->second.size() << " times";
        } else if (it->second.front() != m.storedId) {
            ++otherId;
            ADD_FAILURE() << m.externalId() << " answered with id " << m.storedId << ", stored as "
                          << it->second.front();
        } else {
            ++once;
        }
    }
    std::size_t strays = 0;
    for (const auto& [externalId, ids] : stored) {
        if (explained.count(externalId) == 0) {
            strays += ids.size();
            ADD_FAILURE() << "a row nobody sent: " << externalId;
        }
    }
    print("database: " + std::to_string(once) + " of " + std::to_string(report.acknowledged()) +
          " messages answered 2xx stored exactly once under the answered id; " + std::to_string(missing) +
          " missing, " + std::to_string(duplicated) + " duplicated, " + std::to_string(otherId) +
          " under another id, " + std::to_string(strays) + " rows nobody sent, " + std::to_string(unanswered) +
          " never answered 2xx");
    EXPECT_EQ(once, report.acknowledged()) << logTail(daemon);
}

// A consumer de-duplicates on the event id, so a redelivery must carry the same id: each message has exactly one
// distinct message.created event id, however often it arrived.
// The message ids the 2xx answers named, with the external ids they were stored under.
std::map<std::int64_t, std::string> acknowledged(const LoadReport& report) {
    std::map<std::int64_t, std::string> expected;
    for (const LoadMessage& m : report.messages) {
        if (m.answer != 0) expected[m.storedId] = m.externalId();
    }
    return expected;
}

// No request may be refused as malformed or fail with a 500: the only acceptable failures of a fault are "not
// now" (503) and, when the daemon itself dies, a lost connection.
void expectOnlyTransientFailures(const LoadReport& report) {
    EXPECT_EQ(report.failuresMatching("HTTP 4"), 0u) << report.summary();
    EXPECT_EQ(report.failuresMatching("HTTP 500"), 0u) << report.summary();
    EXPECT_EQ(report.failuresMatching("HTTP 200"), 0u) << report.summary();  // a 2xx without an id
    EXPECT_EQ(report.failuresMatching("HTTP 201"), 0u) << report.summary();
}

// Load, the fault (which returns once the daemon should be able to recover), readiness, more load, then every
// check. `onReport` adds the fault's own expectations about the failures it caused.
void runFaultUnderLoad(DaemonProcess& daemon, const std::string& name, const std::function<void()>& fault,
                       const std::function<void(const LoadReport&)>& onReport) {
    ASSERT_TRUE(daemon.waitHealthy()) << "the daemon did not start\n" << logTail(daemon);
    ASSERT_TRUE(daemon.waitReady()) << logTail(daemon);
    // A persistent session: the broker keeps the subscription, and queues for it, across its own restart.
    auto probe = std::make_unique<MqttProbe>(
        "omnigate/v1/interactions/+/events",
        "fault-load-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8));
    const std::int64_t uncountedBefore = uncountedTraffic();
    LoadGenerator load(daemon.port());

    std::this_thread::sleep_for(kLoadBeforeFault);
    const std::size_t beforeFault = load.acknowledged();
    const auto faultStarted = std::chrono::steady_clock::now();
    fault();
    const bool ready = daemon.waitReady(60s);
    const double recovery = std::chrono::duration<double>(std::chrono::steady_clock::now() - faultStarted).count();
    const std::size_t atRecovery = load.acknowledged();
    std::this_thread::sleep_for(kLoadAfterRecovery);
    const std::size_t afterRecovery = load.acknowledged() - atRecovery;
    const LoadReport report = load.stop(kDrain);

    print(name + ": " + report.summary());
    print(name + ": " + std::to_string(beforeFault) + " answered 2xx before the fault, ready again " +
          std::to_string(static_cast<int>(recovery * 1000)) + " ms after the fault began, then " +
          std::to_string(afterRecovery) + " answered 2xx in " +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kLoadAfterRecovery).count()) + " s");
    EXPECT_TRUE(ready) << "the daemon did not become ready again by itself\n" << logTail(daemon);
    EXPECT_GT(beforeFault, kLeastAcknowledgedAfterRecovery) << "the load never got going\n" << logTail(daemon);
    EXPECT_GE(afterRecovery, kLeastAcknowledgedAfterRecovery) << "traffic did not flow again\n" << logTail(daemon);
    // A widget resends until its message is acknowledged: after the drain, every message is.
    EXPECT_EQ(report.acknowledged(), report.messages.size()) << report.summary() << "\n" << logTail(daemon);
    expectOnlyTransientFailures(report);
    onReport(report);

    expectStoredExactlyOnce(load, report, daemon);
    expectEventsArrived(*probe, acknowledged(report), daemon, kEventWait);
    expectOutboxDrained(load.runId());
    EXPECT_EQ(uncountedTraffic(), uncountedBefore) << "the channel traffic counted a message twice, or missed one";
    EXPECT_TRUE(daemon.waitReady(10s)) << logTail(daemon);
}

TEST(FaultsUnderLoad, MosquittoRestartUnderLoad) {
    DaemonOptions options;
    options.instance = "fault-load-broker";
    DaemonProcess daemon(options);
    runFaultUnderLoad(
        daemon, "mosquitto restart", [] { services("restart", "mosquitto"); },
        [&](const LoadReport& report) {
            // Messages are durable in MariaDB and wait in the outbox: a broker restart costs the visitors nothing.
            EXPECT_TRUE(report.failures.empty()) << report.summary() << "\n" << logTail(daemon);
            EXPECT_TRUE(daemon.waitHealthy(1s)) << "the daemon exited\n" << logTail(daemon);
        });
}

TEST(FaultsUnderLoad, MariaDbRestartUnderLoad) {
    DaemonOptions options;
    options.instance = "fault-load-db";
    DaemonProcess daemon(options);
    runFaultUnderLoad(
        daemon, "mariadb restart",
        [] {
            // Stopped for a while rather than restarted at once (a restart takes a few hundred ms here): every
            // thread's resends (Retry-After: 1) and the daemon's reconnects meet the outage, not one request each.
            services("stop", "mariadb");
            std::this_thread::sleep_for(kOutage);
            services("start", "mariadb");
        },
        [&](const LoadReport& report) {
            // While the database is away the daemon answers 503 (and stays up); the widget resends.
            EXPECT_GT(report.failuresMatching("HTTP 503"), 0u) << "the outage was not felt: " << report.summary();
            EXPECT_EQ(report.failuresMatching("connection"), 0u) << report.summary() << "\n" << logTail(daemon);
            EXPECT_TRUE(daemon.waitHealthy(1s)) << "the daemon exited\n" << logTail(daemon);
        });
}

TEST(FaultsUnderLoad, DaemonKilledUnderLoad) {
    DaemonOptions options;
    options.instance = "fault-load-kill";
    DaemonProcess daemon(options);
    runFaultUnderLoad(
        daemon, "daemon kill -9",
        [&] {
            daemon.kill9();
            // Committed, maybe answered, not yet published: the next run's relay must publish these.
            print("daemon kill -9: " + std::to_string(DbProbe().scalar("SELECT COUNT(*) FROM outbox")) +
                  " events in the outbox when the daemon died");
            std::this_thread::sleep_for(1s);  // visitors keep trying meanwhile: refused connections
            daemon.restart();
        },
        [&](const LoadReport& report) {
            EXPECT_GT(report.failuresMatching("connection"), 0u) << "the kill was not felt: " << report.summary();
        });
}

TEST(FaultsUnderLoad, CrmEndpointFailingUnderLoad) {
    FakeCrm crm;
    const std::string secret = "fault-crm-secret-0123456789";
    const std::string subscription = "fault-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
    DaemonOptions options;
    options.instance = "fault-load-crm";
    // Short backoffs and no pause, so the test waits seconds, not the production minutes.
    options.channelsYaml += "integrations:\n  - type: crm\n    id: crm\n    settings:\n"
                            "      backoff_base_ms: 100\n      backoff_max_ms: 1000\n      poll_interval_ms: 100\n"
                            "      pause_after_failures: 100000\n      subscriptions:\n"
                            "        - id: " + subscription + "\n          url: " + crm.url("/events") +
                            "\n          secret: " + secret + "\n          events: [message.created]\n";
    DaemonProcess daemon(options);
    runFaultUnderLoad(
        daemon, "crm endpoint failing",
        [&] {
            crm.setStatus("/events", 503);
            std::this_thread::sleep_for(3s);
            crm.setStatus("/events", 200);
        },
        [&](const LoadReport& report) {
            // The CRM's outage is the integration's business: the visitors notice nothing.
            EXPECT_TRUE(report.failures.empty()) << report.summary();
            std::set<std::int64_t> wanted;
            for (const LoadMessage& m : report.messages) {
                if (m.storedId != 0) wanted.insert(m.storedId);
            }
            std::set<std::int64_t> delivered;
            std::size_t refused = 0, badSignatures = 0, outOfOrder = 0;
            const auto deadline = std::chrono::steady_clock::now() + 60s;
            for (;;) {
                delivered.clear();
                refused = badSignatures = outOfOrder = 0;
                std::map<std::int64_t, std::int64_t> lastOf;  // interaction -> last message id delivered
                for (const FakeCrm::Request& r : crm.requests("/events")) {
                    if (r.status == 503) ++refused;
                    if (r.status != 200) continue;
                    if (webhookSignature(secret, r.timestamp, r.body) != r.signature) ++badSignatures;
                    const auto data = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>()->getObject("data");
                    const std::int64_t id = data->getValue<std::int64_t>("id");
                    std::int64_t& last = lastOf[data->getValue<std::int64_t>("interaction_id")];
                    if (id < last) ++outOfOrder;
                    last = std::max(last, id);
                    delivered.insert(id);
                }
                const bool all = std::includes(delivered.begin(), delivered.end(), wanted.begin(), wanted.end());
                if (all || std::chrono::steady_clock::now() > deadline) break;
                std::this_thread::sleep_for(200ms);
            }
            std::size_t missing = 0;
            for (std::int64_t id : wanted) missing += delivered.count(id) == 0 ? 1 : 0;
            print("crm endpoint failing: " + std::to_string(refused) + " attempts refused with 503 during the outage, " +
                  std::to_string(wanted.size()) + " messages, " + std::to_string(missing) + " of their events not at "
                  "the CRM, " + std::to_string(badSignatures) + " bad signatures, " + std::to_string(outOfOrder) +
                  " out of order");
            EXPECT_GT(refused, 0u) << "the outage was not felt";
            EXPECT_EQ(missing, 0u) << logTail(daemon);
            EXPECT_EQ(badSignatures, 0u);
            EXPECT_EQ(outOfOrder, 0u);
        });
}

}  // namespace
}  // namespace omnigate::test
