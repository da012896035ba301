// Faults under a steady load of a few hundred signed WhatsApp webhooks per second, resent as Meta resends them
// (same wamid, body and signature) until they get a 2xx: a database outage and a daemon killed with SIGKILL.
// Afterwards every wamid is acknowledged and stored exactly once as an inbound whatsapp message, its
// message.created event reached a subscriber (de-duplicated by event id), and the daemon is ready without help.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "fault_checks.h"
#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/fake_graph_api.h"
#include "support/mqtt_probe.h"
#include "support/test_env.h"
#include "support/webhook_load.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kLoadBeforeFault = 4s;
constexpr auto kLoadAfterRecovery = 4s;
constexpr auto kOutage = 2s;
constexpr auto kDrain = 20s;
constexpr auto kEventWait = 30s;
// Webhooks must flow again after the fault, not merely the readiness probe: a quarter of the offered rate.
constexpr std::size_t kLeastAcknowledgedAfterRecovery = 400;

const std::string appSecret = "fault-wa-app-secret-0123456789";
const std::string accessToken = "fault-wa-access-token";
const std::string phoneNumberId = "106540352242922";

// A daemon with a whatsapp account of this run's own: the test database keeps earlier runs' rows, and the
// account scopes every row this test reads.
struct WhatsappDaemon {
    explicit WhatsappDaemon(const std::string& instance)
        : account("wa-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8)) {
        DaemonOptions options;
        options.instance = instance;
        options.channelsYaml += "  - type: whatsapp\n"
                                "    id: " + account + "\n"
                                "    settings:\n"
                                "      phone_number_id: '" + phoneNumberId + "'\n"
                                "      app_secret: " + appSecret + "\n"
                                "      verify_token: fault-wa-verify-token\n"
                                "      access_token: " + accessToken + "\n"
                                "      graph_url: " + graph.baseUrl() + "\n";
        daemon = std::make_unique<DaemonProcess>(options);
    }

    FakeGraphApi graph{accessToken};  // text messages need no Graph API call; none may go to the internet
    const std::string account;
    std::unique_ptr<DaemonProcess> daemon;
};

// wamid -> the message ids of its inbound rows. The unique key (channel, account, direction, external_id) allows
// one row per wamid at most, so the real risks are a missing row, a row in the wrong direction, and a row no
// webhook explains.
std::map<std::string, std::int64_t> expectStoredExactlyOnce(const WebhookLoad& load, const WebhookLoadReport& report,
                                                            const std::string& account, DaemonProcess& daemon) {
    DbProbe db;
    std::map<std::string, std::vector<std::int64_t>> stored;
    std::map<std::string, std::string> senderOf;  // wamid -> the address of the interaction it was stored in
    std::size_t outbound = 0;
    // The account is this run's own: every whatsapp row of it is ours, in either direction.
    for (const auto& row : db.rows("SELECT m.external_id, m.id, m.direction, i.address_value FROM messages m JOIN "
                                   "interactions i ON i.id = m.interaction_id WHERE m.channel = 'whatsapp' AND "
                                   "m.account = '" + account + "'")) {
        if (row[2] == "in") {
            stored[row[0]].push_back(std::stoll(row[1]));
            senderOf[row[0]] = row[3];
        } else {
            ++outbound;  // an auto-reply of the pipeline, if any: not a webhook's
        }
    }
    // Each phone number is one client with one open interaction: a resend or a restart must not start another.
    std::map<std::string, std::set<std::string>> interactionsOf;  // phone -> interaction ids
    for (const auto& row : db.rows("SELECT address_value, id FROM interactions WHERE channel = 'whatsapp' AND "
                                   "account = '" + account + "'")) {
        interactionsOf[row[0]].insert(row[1]);
    }
    std::size_t phonesWithOneInteraction = 0;
    for (const auto& [phone, interactions] : interactionsOf) {
        if (interactions.size() == 1) {
            ++phonesWithOneInteraction;
        } else {
            ADD_FAILURE() << phone << " has " << interactions.size() << " interactions on " << account;
        }
    }
    // Nor may any other channel or account have taken one of this run's wamids.
    const std::int64_t elsewhere = db.scalar("SELECT COUNT(*) FROM messages WHERE account <> '" + account +
                                             "' AND external_id LIKE '" + load.wamidPrefix() + "%'");
    std::map<std::string, std::int64_t> ids;
    std::size_t once = 0, missing = 0, duplicated = 0, unanswered = 0, notSaidStored = 0, wrongSender = 0;
    std::set<std::string> explained;
    for (const SentWebhook& w : report.webhooks) {
        explained.insert(w.wamid);
        if (w.answer == 0) ++unanswered;
        if (w.answer != 0 && w.storedCount != 1) {
            ++notSaidStored;
            ADD_FAILURE() << w.wamid << " answered " << w.answer << " saying " << w.storedCount << " messages stored";
        }
        const auto it = stored.find(w.wamid);
        if (it == stored.end()) {
            ++missing;
            if (w.answer != 0) ADD_FAILURE() << "answered " << w.answer << " but not stored: " << w.wamid;
        } else if (it->second.size() > 1) {
            ++duplicated;
            ADD_FAILURE() << w.wamid << " stored " << it->second.size() << " times";
        } else {
            ++once;
            ids[w.wamid] = it->second.front();
            if (senderOf[w.wamid] != "+" + w.phone) {
                ++wrongSender;
                ADD_FAILURE() << w.wamid << " from +" << w.phone << " stored in an interaction with "
                              << senderOf[w.wamid];
            }
        }
    }
    std::size_t strays = 0;
    for (const auto& [wamid, rows] : stored) {
        if (explained.count(wamid) == 0) {
            strays += rows.size();
            ADD_FAILURE() << "a row nobody sent: " << wamid;
        }
    }
    print("database: " + std::to_string(once) + " of " + std::to_string(report.webhooks.size()) +
          " wamids sent stored exactly once as inbound whatsapp messages (" + std::to_string(report.acknowledged()) +
          " answered 2xx); " + std::to_string(missing) + " missing, " + std::to_string(duplicated) + " duplicated, " +
          std::to_string(strays) + " rows nobody sent, " + std::to_string(elsewhere) +
          " under another account, " + std::to_string(unanswered) + " never answered 2xx, " +
          std::to_string(notSaidStored) + " answered without \"messages\":1, " + std::to_string(outbound) +
          " outbound rows, " + std::to_string(wrongSender) + " under another sender");
    print("database: " + std::to_string(phonesWithOneInteraction) + " of " + std::to_string(interactionsOf.size()) +
          " phone numbers with exactly one interaction (" + std::to_string(load.phones().size()) + " writing)");
    EXPECT_EQ(once, report.webhooks.size()) << logTail(daemon);
    EXPECT_EQ(wrongSender, 0u);
    EXPECT_EQ(interactionsOf.size(), load.phones().size());
    EXPECT_EQ(phonesWithOneInteraction, interactionsOf.size());
    EXPECT_EQ(strays, 0u);
    EXPECT_EQ(elsewhere, 0);
    return ids;
}

// Meta's webhook is never malformed or wrongly signed here, so a 4xx or a 500 is the daemon's fault: the only
// acceptable failures of a fault are "not now" (503) and, when the daemon itself dies, a lost connection.
void expectOnlyTransientFailures(const WebhookLoadReport& report) {
    EXPECT_EQ(report.failuresMatching("HTTP 4"), 0u) << report.summary();
    EXPECT_EQ(report.failuresMatching("HTTP 5"), report.failuresMatching("HTTP 503")) << report.summary();
}

void runFaultUnderLoad(WhatsappDaemon& wa, const std::string& name, const std::function<void()>& fault,
                       const std::function<void(const WebhookLoadReport&)>& onReport) {
    DaemonProcess& daemon = *wa.daemon;
    ASSERT_TRUE(daemon.waitHealthy()) << "the daemon did not start\n" << logTail(daemon);
    ASSERT_TRUE(daemon.waitReady()) << logTail(daemon);
    // A persistent session, as the existing fault tests use: the broker queues for it across reconnects.
    auto probe = std::make_unique<MqttProbe>(
        "omnigate/v1/interactions/+/events",
        "fault-wa-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8));
    WebhookLoadOptions options;
    options.account = wa.account;
    options.appSecret = appSecret;
    options.phoneNumberId = phoneNumberId;
    WebhookLoad load(daemon.port(), options);

    std::this_thread::sleep_for(kLoadBeforeFault);
    const std::size_t beforeFault = load.acknowledged();
    const auto faultStarted = std::chrono::steady_clock::now();
    fault();
    const bool ready = daemon.waitReady(60s);
    const double recovery = std::chrono::duration<double>(std::chrono::steady_clock::now() - faultStarted).count();
    const std::size_t atRecovery = load.acknowledged();
    std::this_thread::sleep_for(kLoadAfterRecovery);
    const std::size_t afterRecovery = load.acknowledged() - atRecovery;
    const WebhookLoadReport report = load.stop(kDrain);

    print(name + ": account " + wa.account + ", " + std::to_string(load.phones().size()) + " phone numbers; " +
          report.summary());
    print(name + ": " + std::to_string(beforeFault) + " answered 2xx before the fault, ready again " +
          std::to_string(static_cast<int>(recovery * 1000)) + " ms after the fault began, then " +
          std::to_string(afterRecovery) + " answered 2xx in " +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kLoadAfterRecovery).count()) + " s");
    EXPECT_TRUE(ready) << "the daemon did not become ready again by itself\n" << logTail(daemon);
    EXPECT_GT(beforeFault, kLeastAcknowledgedAfterRecovery) << "the load never got going\n" << logTail(daemon);
    EXPECT_GE(afterRecovery, kLeastAcknowledgedAfterRecovery) << "webhooks did not flow again\n" << logTail(daemon);
    // Meta resends until it gets a 2xx: after the drain, every webhook is acknowledged.
    EXPECT_EQ(report.acknowledged(), report.webhooks.size()) << report.summary() << "\n" << logTail(daemon);
    expectOnlyTransientFailures(report);
    onReport(report);

    const auto stored = expectStoredExactlyOnce(load, report, wa.account, daemon);
    std::map<std::int64_t, std::string> expected;  // message id -> wamid
    for (const auto& [wamid, id] : stored) expected[id] = wamid;
    expectEventsArrived(*probe, expected, daemon, kEventWait);
    expectOutboxDrained(load.runId());
    EXPECT_TRUE(daemon.waitReady(10s)) << logTail(daemon);
}

TEST(WhatsappFaults, MariaDbStoppedUnderWebhookLoad) {
    WhatsappDaemon wa("fault-wa-db");
    runFaultUnderLoad(
        wa, "whatsapp, mariadb stopped",
        [] {
            // Stopped for a while rather than restarted at once, so the resends and the daemon's reconnects meet
            // the outage, not one request each.
            services("stop", "mariadb");
            std::this_thread::sleep_for(kOutage);
            services("start", "mariadb");
        },
        [&](const WebhookLoadReport& report) {
            // While the database is away the daemon answers 503 (and stays up); Meta resends.
            EXPECT_GT(report.failuresMatching("HTTP 503"), 0u) << "the outage was not felt: " << report.summary();
            EXPECT_EQ(report.failuresMatching("connection"), 0u) << report.summary() << "\n" << logTail(*wa.daemon);
            EXPECT_TRUE(wa.daemon->waitHealthy(1s)) << "the daemon exited\n" << logTail(*wa.daemon);
        });
}

TEST(WhatsappFaults, DaemonKilledUnderWebhookLoad) {
    WhatsappDaemon wa("fault-wa-kill");
    runFaultUnderLoad(
        wa, "whatsapp, daemon kill -9",
        [&] {
            wa.daemon->kill9();
            // Committed, maybe answered, not yet published: the next run's relay must publish these.
            print("whatsapp, daemon kill -9: " + std::to_string(DbProbe().scalar("SELECT COUNT(*) FROM outbox")) +
                  " events in the outbox when the daemon died");
            std::this_thread::sleep_for(1s);  // Meta keeps resending meanwhile: refused connections
            wa.daemon->restart();
        },
        [&](const WebhookLoadReport& report) {
            EXPECT_GT(report.failuresMatching("connection"), 0u) << "the kill was not felt: " << report.summary();
        });
}

}  // namespace
}  // namespace omnigate::test
