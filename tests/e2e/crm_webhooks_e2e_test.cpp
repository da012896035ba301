// The CRM integration end to end: the real daemon with the crm plugin, a real local HTTP server in this process
// playing the CRM. A CRM that is down for a while gets every event afterwards, in order per interaction, signed,
// under the same delivery id on every attempt; a refusal is dead-lettered and redelivered on request; hanging,
// redirecting and flooding endpoints cost one bounded failed attempt each; an endpoint that keeps failing is paused
// visibly; the client lookup fills the card and its failure changes nothing; the admin API checks who asks and
// what. Every subscription id carries a fresh suffix: the test database (and its delivery queue) is shared.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/fake_crm.h"
#include "support/wait_until.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

const std::string kSecret = "crm-e2e-secret-0123456789";

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string suffix() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

std::string expectedSignature(const std::string& timestamp, const std::string& body) {
    return webhookSignature(kSecret, timestamp, body);
}

std::string subscriptionYaml(const std::string& id, const std::string& url, const std::string& events) {
    return "      - id: " + id + "\n        url: " + url + "\n        secret: " + kSecret + "\n        events: [" +
           events + "]\n";
}

// The web chat account `demo`, then the crm integration with `settings` (indented by four spaces).
DaemonOptions withCrm(const std::string& settings) {
    DaemonOptions options;
    options.instance = "crm-e2e";
    options.channelsYaml += "integrations:\n  - type: crm\n    id: crm\n    settings:\n" + settings;
    return options;
}

class CrmWebhooks : public ::testing::Test {
protected:
    void TearDown() override {
        if (HasFailure() && daemon_) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
        daemon_.reset();
    }

    void startDaemon(const std::string& settings) {
        daemon_ = std::make_unique<DaemonProcess>(withCrm(settings));
        ASSERT_TRUE(daemon_->waitHealthy()) << daemon_->log();
    }

    HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    // A new web chat visitor's message: returns the stored message.
    Poco::JSON::Object::Ptr visitorSays(const std::string& token, const std::string& text) {
        const HttpResult r =
            daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":")" + text + "\"}", token);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json();
    }
    std::string newVisitor(const std::string& name) {
        const HttpResult r = daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":")" + name + R"("})");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()->getValue<std::string>("token");
    }

    std::unique_ptr<DaemonProcess> daemon_;
    FakeCrm crm_;
    DbProbe db_;
};

TEST_F(CrmWebhooks, ACrmThatIsDownForAWhileGetsEveryEventInOrderSignedUnderOneDeliveryId) {
    const std::string id = "flaky-" + suffix();
    crm_.setStatus("/flaky", 503);
    const std::string settings =
        "      backoff_base_ms: 50\n      backoff_max_ms: 300\n      poll_interval_ms: 50\n"
        "      pause_after_failures: 100000\n      subscriptions:\n" +
        subscriptionYaml(id, crm_.url("/flaky"), "interaction.created, message.created, interaction.closed");
    ASSERT_NO_FATAL_FAILURE(startDaemon(settings));

    // Three clients, three messages each, then each interaction is closed.
    std::map<std::int64_t, std::vector<std::int64_t>> messagesOf;  // interaction -> its message ids, in order
    for (int client = 0; client < 3; ++client) {
        const std::string token = newVisitor("Client " + std::to_string(client));
        for (int m = 0; m < 3; ++m) {
            const auto message = visitorSays(token, "message " + std::to_string(m));
            const std::int64_t interaction = message->getValue<std::int64_t>("interaction_id");
            messagesOf[interaction].push_back(message->getValue<std::int64_t>("id"));
        }
    }
    ASSERT_EQ(messagesOf.size(), 3u);
    for (const auto& [interaction, messages] : messagesOf) {
        const HttpResult closed = admin("POST", "/api/v1/interactions/" + std::to_string(interaction) + "/status",
                                        R"({"status":"closed","resolution":"answered"})");
        ASSERT_EQ(closed.status, 200) << closed.body;
    }

    // Down for a while: several refused attempts, some of them retries of the same delivery.
    ASSERT_TRUE(waitUntil([&] { return crm_.requests("/flaky").size() >= 12; }, 15s)) << crm_.requests().size();
    crm_.setStatus("/flaky", 200);

    // Per interaction: interaction.created, its three messages, interaction.closed.
    auto interactionOf = [](const FakeCrm::Request& r) {
        const auto data = parse(r.body)->getObject("data");
        return r.event == "message.created" ? data->getValue<std::int64_t>("interaction_id")
                                            : data->getValue<std::int64_t>("id");
    };
    auto delivered = [&] {
        std::map<std::int64_t, std::vector<FakeCrm::Request>> byInteraction;
        std::set<std::string> seen;
        for (const auto& r : crm_.requests("/flaky")) {
            if (r.status == 200 && seen.insert(r.delivery).second) byInteraction[interactionOf(r)].push_back(r);
        }
        return byInteraction;
    };
    ASSERT_TRUE(waitUntil(
        [&] {
            const auto got = delivered();
            for (const auto& [interaction, messages] : messagesOf) {
                const auto it = got.find(interaction);
                if (it == got.end() || it->second.size() < 5) return false;
            }
            return true;
        },
        30s));

    const auto requests = crm_.requests("/flaky");
    std::set<std::string> refused;
    for (const auto& r : requests) {
        // Signed, with the event's own id as the delivery id, and a fresh timestamp.
        EXPECT_EQ(r.signature, expectedSignature(r.timestamp, r.body)) << r.body;
        EXPECT_EQ(r.delivery, parse(r.body)->getValue<std::string>("id"));
        EXPECT_LE(std::abs(std::stoll(r.timestamp) - static_cast<long long>(std::time(nullptr))), 120);
        if (r.status == 503) refused.insert(r.delivery);
    }
    ASSERT_FALSE(refused.empty());
    // Every refused delivery arrived later under the same id.
    std::set<std::string> accepted;
    for (const auto& r : requests) {
        if (r.status == 200) accepted.insert(r.delivery);
    }
    for (const std::string& delivery : refused) EXPECT_EQ(accepted.count(delivery), 1u) << delivery;

    const auto got = delivered();
    for (const auto& [interaction, messages] : messagesOf) {
        const auto& list = got.at(interaction);
        ASSERT_EQ(list.size(), 5u) << interaction;
        EXPECT_EQ(list[0].event, "interaction.created");
        for (int m = 0; m < 3; ++m) {
            EXPECT_EQ(list[1 + m].event, "message.created");
            EXPECT_EQ(parse(list[1 + m].body)->getObject("data")->getValue<std::int64_t>("id"), messages[m]);
        }
        // The closing update, under the name the subscription asked for; the body is the event as on MQTT.
        EXPECT_EQ(list[4].event, "interaction.closed");
        EXPECT_EQ(parse(list[4].body)->getValue<std::string>("type"), "interaction.updated");
        EXPECT_EQ(parse(list[4].body)->getObject("data")->getValue<std::string>("status"), "closed");
    }
    // In order also while failing: no event of an interaction was tried before the one before it was accepted.
    std::map<std::int64_t, std::set<std::string>> acceptedSoFar;
    std::map<std::int64_t, std::vector<std::string>> order;
    for (const auto& [interaction, list] : got) {
        for (const auto& r : list) order[interaction].push_back(r.delivery);
    }
    for (const auto& r : requests) {
        const std::int64_t interaction = interactionOf(r);
        const auto& sequence = order[interaction];
        const auto position = std::find(sequence.begin(), sequence.end(), r.delivery) - sequence.begin();
        for (long earlier = 0; earlier < position; ++earlier) {
            EXPECT_EQ(acceptedSoFar[interaction].count(sequence[static_cast<std::size_t>(earlier)]), 1u)
                << r.event << " of interaction " << interaction << " was tried before an earlier event was accepted";
        }
        if (r.status == 200) acceptedSoFar[interaction].insert(r.delivery);
    }
    // Nothing is left queued.
    EXPECT_TRUE(waitUntil(
        [&] {
            return db_.scalar("SELECT COUNT(*) FROM integration_deliveries WHERE sink = 'crm:sub:" + id + "'") == 0;
        },
        5s));
}

TEST_F(CrmWebhooks, ARefusalIsDeadLetteredListedAndRedeliveredOnRequest) {
    const std::string id = "refusing-" + suffix();
    crm_.setStatus("/refusing", 400);
    const std::string settings = "      poll_interval_ms: 50\n      subscriptions:\n" +
                                 subscriptionYaml(id, crm_.url("/refusing"), "client.created");
    ASSERT_NO_FATAL_FAILURE(startDaemon(settings));

    const auto first = visitorSays(newVisitor("Refused"), "hello");
    const std::int64_t clientId = first->getValue<std::int64_t>("client_id");

    Poco::JSON::Array::Ptr failed;
    ASSERT_TRUE(waitUntil(
        [&] {
            const HttpResult r = admin("GET", "/api/v1/integrations/crm/deliveries/failed?subscription=" + id);
            failed = r.status == 200 ? r.json()->getArray("deliveries") : nullptr;
            return failed && failed->size() == 1;
        },
        10s));
    const auto dead = failed->getObject(0);
    EXPECT_EQ(dead->getValue<std::string>("subscription_id"), id);
    EXPECT_EQ(dead->getValue<std::string>("event_type"), "client.created");
    EXPECT_EQ(dead->getValue<int>("attempts"), 1);  // a refusal is not retried
    EXPECT_NE(dead->getValue<std::string>("error").find("HTTP 400"), std::string::npos);
    EXPECT_EQ(dead->getObject("event")->getObject("data")->getValue<std::int64_t>("id"), clientId);
    EXPECT_EQ(crm_.requests("/refusing").size(), 1u);

    // The receiver is fixed; the administrator redelivers that one.
    crm_.setStatus("/refusing", 200);
    EXPECT_EQ(admin("POST", "/api/v1/integrations/crm/deliveries/999999999999/redeliver").status, 404);
    EXPECT_EQ(admin("POST", "/api/v1/integrations/crm/deliveries/abc/redeliver").status, 400);
    const std::int64_t deliveryId = dead->getValue<std::int64_t>("id");
    const HttpResult redelivered =
        admin("POST", "/api/v1/integrations/crm/deliveries/" + std::to_string(deliveryId) + "/redeliver");
    ASSERT_EQ(redelivered.status, 200) << redelivered.body;
    const std::string eventId = dead->getValue<std::string>("event_id");
    ASSERT_TRUE(waitUntil(
        [&] {
            for (const auto& r : crm_.requests("/refusing")) {
                if (r.status == 200 && r.delivery == eventId) return true;
            }
            return false;
        },
        10s));
    EXPECT_TRUE(waitUntil(
        [&] {
            return admin("GET", "/api/v1/integrations/crm/deliveries/failed?subscription=" + id)
                       .json()
                       ->getArray("deliveries")
                       ->size() == 0;
        },
        5s));

    // Two more refusals, then all of the subscription's at once.
    crm_.setStatus("/refusing", 400);
    visitorSays(newVisitor("Refused 2"), "hello");
    visitorSays(newVisitor("Refused 3"), "hello");
    ASSERT_TRUE(waitUntil(
        [&] {
            return admin("GET", "/api/v1/integrations/crm/deliveries/failed?subscription=" + id)
                       .json()
                       ->getArray("deliveries")
                       ->size() == 2;
        },
        10s));
    crm_.setStatus("/refusing", 200);
    const HttpResult all = admin("POST", "/api/v1/integrations/crm/subscriptions/" + id + "/redeliver");
    ASSERT_EQ(all.status, 200) << all.body;
    EXPECT_EQ(all.json()->getValue<int>("redelivered"), 2);
    EXPECT_TRUE(waitUntil(
        [&] {
            int ok = 0;
            for (const auto& r : crm_.requests("/refusing")) ok += r.status == 200 ? 1 : 0;
            return ok == 3;
        },
        10s));
    EXPECT_EQ(admin("POST", "/api/v1/integrations/crm/subscriptions/no-such-" + id + "/redeliver").status, 404);
}

TEST_F(CrmWebhooks, HangingRedirectingAndFloodingEndpointsCostOneBoundedFailedAttempt) {
    const std::string hang = "hang-" + suffix();
    const std::string redirect = "redirect-" + suffix();
    const std::string huge = "huge-" + suffix();
    const std::string settings =
        "      connect_timeout_ms: 300\n      timeout_ms: 600\n      max_response_bytes: 1024\n"
        "      backoff_base_ms: 60000\n      backoff_max_ms: 60000\n      poll_interval_ms: 50\n"
        "      subscriptions:\n" +
        subscriptionYaml(hang, crm_.url("/hang"), "client.created") +
        subscriptionYaml(redirect, crm_.url("/redirect"), "client.created") +
        subscriptionYaml(huge, crm_.url("/huge"), "client.created");
    ASSERT_NO_FATAL_FAILURE(startDaemon(settings));

    const auto sent = std::chrono::steady_clock::now();
    visitorSays(newVisitor("Bad endpoints"), "hello");
    auto lastError = [&](const std::string& id) {
        return db_.text("SELECT last_error FROM integration_deliveries WHERE sink = 'crm:sub:" + id +
                        "' AND attempts >= 1");
    };
    ASSERT_TRUE(waitUntil([&] { return !lastError(hang).empty(); }, 5s));
    // Within the timeout (plus the poll and the store's round trips), not after the CRM finally gave up.
    EXPECT_LT(std::chrono::steady_clock::now() - sent, 3s);
    EXPECT_NE(lastError(hang).find("timed out"), std::string::npos) << lastError(hang);
    ASSERT_TRUE(waitUntil([&] { return !lastError(redirect).empty() && !lastError(huge).empty(); }, 5s));
    EXPECT_NE(lastError(redirect).find("redirect"), std::string::npos) << lastError(redirect);
    EXPECT_NE(lastError(huge).find("larger than 1024 bytes"), std::string::npos) << lastError(huge);
    // The redirect was not followed, and each failure is retried later, not given up.
    EXPECT_TRUE(crm_.requests("/target").empty());
    for (const std::string& id : {hang, redirect, huge}) {
        EXPECT_EQ(db_.text("SELECT status FROM integration_deliveries WHERE sink = 'crm:sub:" + id + "'"), "pending");
    }
}

TEST_F(CrmWebhooks, AnEndpointThatKeepsFailingIsPausedVisiblyAndResumesAfterRecovery) {
    const std::string id = "down-" + suffix();
    crm_.setStatus("/down", 503);
    const std::string settings =
        "      backoff_base_ms: 20\n      backoff_max_ms: 50\n      poll_interval_ms: 50\n"
        "      pause_after_failures: 3\n      pause_seconds: 3\n      subscriptions:\n" +
        subscriptionYaml(id, crm_.url("/down"), "message.created");
    ASSERT_NO_FATAL_FAILURE(startDaemon(settings));
    ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();

    visitorSays(newVisitor("Paused"), "hello");
    const std::string component = "crm/subscription " + id;
    ASSERT_TRUE(waitUntil(
        [&] {
            const HttpResult ready = daemon_->http().get("/readyz");
            // Degraded, not unready: the daemon still takes every message while one CRM is down.
            return ready.status == 200 && ready.body.find("\"degraded\"") != std::string::npos &&
                   ready.body.find(component) != std::string::npos;
        },
        10s))
        << daemon_->http().get("/readyz").body;
    EXPECT_NE(daemon_->http().get("/metrics").body.find("omnigate_crm_paused_endpoints 1"), std::string::npos);
    // Paused means left alone: no attempts while the pause runs.
    const std::size_t attempts = crm_.requests("/down").size();
    EXPECT_GE(attempts, 3u);
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(crm_.requests("/down").size(), attempts);

    crm_.setStatus("/down", 200);
    ASSERT_TRUE(waitUntil(
        [&] {
            const HttpResult ready = daemon_->http().get("/readyz");
            return ready.status == 200 && ready.body.find("\"status\":\"ready\"") != std::string::npos;
        },
        10s))
        << daemon_->http().get("/readyz").body;
    EXPECT_NE(daemon_->http().get("/metrics").body.find("omnigate_crm_paused_endpoints 0"), std::string::npos);
    const auto requests = crm_.requests("/down");
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(requests.back().status, 200);
}

TEST_F(CrmWebhooks, TheClientLookupFillsTheCardAndItsFailureChangesNothing) {
    const std::string crmId = "C-" + suffix();
    crm_.setLookup(200, R"({"card":{"crm_id":")" + crmId + R"(","tier":"gold"}})");
    const std::string settings =
        "      poll_interval_ms: 50\n      client_lookup:\n        url: " + crm_.url("/lookup") +
        "\n        secret: " + kSecret + "\n        timeout_ms: 500\n        cache_seconds: 60\n";
    ASSERT_NO_FATAL_FAILURE(startDaemon(settings));

    const auto message = visitorSays(newVisitor("Looked up"), "hello");
    const std::int64_t clientId = message->getValue<std::int64_t>("client_id");
    const std::string clientPath = "/api/v1/clients/" + std::to_string(clientId);
    ASSERT_TRUE(waitUntil(
        [&] {
            const HttpResult r = admin("GET", clientPath);
            return r.status == 200 && r.json()->getObject("card")->optValue<std::string>("crm_id", "") == crmId;
        },
        10s))
        << admin("GET", clientPath).body;
    EXPECT_EQ(admin("GET", clientPath).json()->getObject("card")->getValue<std::string>("tier"), "gold");
    // The CRM was asked with the client as the REST API shows it, signed like a webhook.
    bool asked = false;
    for (const auto& r : crm_.requests("/lookup")) {
        if (parse(r.body)->getValue<std::int64_t>("id") != clientId) continue;
        asked = true;
        EXPECT_EQ(r.signature, expectedSignature(r.timestamp, r.body));
        EXPECT_EQ(r.event, "client.lookup");
    }
    EXPECT_TRUE(asked);

    // A failing lookup (an error, then no answer at all): the messages are answered at once, the cards stay empty.
    for (const bool hangs : {false, true}) {
        crm_.setLookup(500, R"({"card":{"crm_id":"must-not-appear"}})", hangs);
        const auto started = std::chrono::steady_clock::now();
        const auto failed = visitorSays(newVisitor(hangs ? "Hanging lookup" : "Failed lookup"), "hello");
        EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
        const std::int64_t failedClient = failed->getValue<std::int64_t>("client_id");
        ASSERT_TRUE(waitUntil(
            [&] {
                for (const auto& r : crm_.requests("/lookup")) {
                    if (parse(r.body)->getValue<std::int64_t>("id") == failedClient) return true;
                }
                return false;
            },
            10s));
        std::this_thread::sleep_for(1s);  // past the lookup's timeout
        const HttpResult r = admin("GET", "/api/v1/clients/" + std::to_string(failedClient));
        ASSERT_EQ(r.status, 200);
        EXPECT_EQ(r.json()->getObject("card")->size(), 0u) << r.body;
    }
}

TEST_F(CrmWebhooks, TheAdminApiChecksTheTokenAndNamesTheFieldItRefuses) {
    const std::string fromFile = "file-" + suffix();
    const std::string settings =
        "      subscriptions:\n" + subscriptionYaml(fromFile, crm_.url("/file"), "rating.created");
    ASSERT_NO_FATAL_FAILURE(startDaemon(settings));
    const std::string base = "/api/v1/integrations/crm";

    for (const auto& [method, path] :
         std::vector<std::pair<std::string, std::string>>{{"GET", base + "/subscriptions"},
                                                          {"POST", base + "/subscriptions"},
                                                          {"GET", base + "/subscriptions/" + fromFile},
                                                          {"PATCH", base + "/subscriptions/" + fromFile},
                                                          {"DELETE", base + "/subscriptions/" + fromFile},
                                                          {"POST", base + "/subscriptions/" + fromFile + "/redeliver"},
                                                          {"GET", base + "/deliveries/failed"},
                                                          {"POST", base + "/deliveries/1/redeliver"}}) {
        const HttpResult none = daemon_->http().request(method, path, "{}");
        EXPECT_EQ(none.status, 401) << method << " " << path;
        EXPECT_NE(none.body.find("\"unauthorized\""), std::string::npos) << none.body;
        const HttpResult wrong =
            daemon_->http().request(method, path, "{}", {{"Authorization", "Bearer not-the-admin-token"}});
        EXPECT_EQ(wrong.status, 401) << method << " " << path;
    }

    const std::string id = "rest-" + suffix();
    const std::string good = R"("url":")" + crm_.url("/rest") + R"(","secret":")" + kSecret + "\"";
    auto refused = [&](const std::string& body, const std::string& field) {
        const HttpResult r = admin("POST", base + "/subscriptions", body);
        EXPECT_EQ(r.status, 400) << body;
        EXPECT_NE(r.json()->getObject("error")->getValue<std::string>("message").find("'" + field + "'"),
                  std::string::npos)
            << r.body;
    };
    refused(R"({"id":")" + id + "\"," + good + R"(,"events":["client.created","client.exploded"]})", "events[1]");
    refused(R"({"id":")" + id + R"(","secret":")" + kSecret + R"(","events":["client.created"]})", "url");
    refused(R"({"id":")" + id + R"(","url":"ftp://x","secret":")" + kSecret + R"(","events":["client.created"]})",
            "url");
    refused(R"({"id":")" + id + R"(","url":"http://x/y","secret":"short","events":["client.created"]})", "secret");
    refused(R"({"id":"not valid!",)" + good + R"(,"events":["client.created"]})", "id");
    refused("{" + good + R"(,"events":["client.created"],"colour":"red"})", "colour");
    EXPECT_EQ(admin("POST", base + "/subscriptions", "not json").status, 400);

    // Made inactive, so that it never sends anything to other tests' daemons on this database meanwhile.
    const std::string inactive = R"({"id":")" + id + "\"," + good + R"(,"events":["client.created"],"active":false})";
    const HttpResult created = admin("POST", base + "/subscriptions", inactive);
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.body.find(kSecret), std::string::npos);
    EXPECT_TRUE(created.json()->getValue<bool>("secret_set"));
    const std::string stored =
        "SELECT COUNT(*) FROM plugin_state WHERE plugin = 'crm' AND state_key = 'subscription/" + id + "'";
    EXPECT_EQ(db_.scalar(stored), 1);
    EXPECT_EQ(admin("POST", base + "/subscriptions", inactive).status, 409);

    const HttpResult list = admin("GET", base + "/subscriptions");
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.body.find(kSecret), std::string::npos);
    std::map<std::string, std::string> sources;
    const auto subscriptions = list.json()->getArray("subscriptions");
    for (std::size_t i = 0; i < subscriptions->size(); ++i) {
        sources[subscriptions->getObject(i)->getValue<std::string>("id")] =
            subscriptions->getObject(i)->getValue<std::string>("source");
    }
    EXPECT_EQ(sources[fromFile], "config");
    EXPECT_EQ(sources[id], "api");

    // The file's subscription is changed in the file; a REST one over REST, every field checked.
    EXPECT_EQ(admin("PATCH", base + "/subscriptions/" + fromFile, R"({"active":false})").status, 409);
    EXPECT_EQ(admin("DELETE", base + "/subscriptions/" + fromFile).status, 409);
    const HttpResult badPatch = admin("PATCH", base + "/subscriptions/" + id, R"({"url":"nowhere"})");
    EXPECT_EQ(badPatch.status, 400);
    EXPECT_NE(badPatch.body.find("'url'"), std::string::npos) << badPatch.body;
    const std::string path = base + "/subscriptions/" + id;
    EXPECT_EQ(admin("PATCH", path, R"({"events":["rating.created"],"version":99})").status, 409);
    const HttpResult patched = admin("PATCH", path, R"({"events":["rating.created"],"version":1})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(patched.json()->getArray("events")->getElement<std::string>(0), "rating.created");
    EXPECT_EQ(admin("GET", base + "/deliveries/failed?limit=0").status, 400);
    EXPECT_EQ(admin("GET", base + "/deliveries/failed?subscription=no-such-" + id).status, 404);

    EXPECT_EQ(admin("DELETE", base + "/subscriptions/" + id).status, 204);
    EXPECT_EQ(admin("GET", base + "/subscriptions/" + id).status, 404);
    EXPECT_EQ(db_.scalar(stored), 0);
}

}  // namespace
}  // namespace omnigate::test
