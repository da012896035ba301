// Outbound campaigns against the real daemon and database, the fake Graph API, the test SMTP receiver and a fake
// CRM (docs/campaigns.md): a bad campaign is a 400 naming what is wrong and creates nothing; a WhatsApp campaign
// sends its approved template once to each client of its segment (never to one who opted out) and counts what Meta
// reports; on VK only clients who allowed the community's messages count; a provider's rate limit slows it without
// failing anyone; replies are linked and a STOP word opts out (on MQTT and in a signed webhook to the CRM); an email
// carries a one-click unsubscribe (RFC 8058); pause, resume and cancel; the schedule holds it back; a daemon killed
// mid-campaign never sends anyone a second message.
// The test database is shared and never wiped: everything made here carries a unique tag.
#include <gtest/gtest.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>
#include <Poco/UUIDGenerator.h>

#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/fake_crm.h"
#include "support/fake_graph_api.h"
#include "support/mailbox.h"
#include "support/mqtt_probe.h"
#include "support/test_env.h"
#include "support/wait_until.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;
using Poco::JSON::Object;

const std::string kAppSecret = "campaigns-e2e-wa-app-secret";
const std::string kAccessToken = "campaigns-e2e-wa-access-token";
const std::string kPhoneNumberId = "406540352242922";
const std::string kPublicUrl = "https://cc.example.test";
const std::string kCrmSecret = "campaigns-e2e-crm-secret-0123456789";

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

std::string uniquePhone() {
    static std::mt19937_64 random{std::random_device{}()};
    std::string phone = "7";
    for (int i = 0; i < 10; ++i) phone += static_cast<char>('0' + random() % 10);
    return phone;
}

std::string isoIn(const Poco::Timespan& offset) {
    Poco::DateTime t;
    t += offset;
    return Poco::DateTimeFormatter::format(t, "%Y-%m-%dT%H:%M:%SZ");
}

std::string envelope(const std::string& valueFields) {
    return R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{)"
           R"("messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":")" +
           kPhoneNumberId + R"("},)" + valueFields + R"(},"field":"messages"}]}]})";
}

std::string inboundText(const std::string& phone, const std::string& text) {
    return envelope(R"("contacts":[{"profile":{"name":"Client"},"wa_id":")" + phone + R"("}],"messages":[{"from":")" +
                    phone + R"(","id":"wamid.in-)" + unique() + unique() + R"(","timestamp":"1749416383","type":"text",)"
                    R"("text":{"body":")" + text + R"("}}])");
}

class Campaigns : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        graph_ = new FakeGraphApi(kAccessToken);
        crm_ = new FakeCrm;
        DaemonOptions options;
        options.instance = "campaigns-" + unique();
        options.channelsYaml += "  - type: whatsapp\n"
                                "    id: wa\n"
                                "    settings:\n"
                                "      phone_number_id: '" + kPhoneNumberId + "'\n"
                                "      app_secret: " + kAppSecret + "\n"
                                "      verify_token: campaigns-verify\n"
                                "      access_token: " + kAccessToken + "\n"
                                "      graph_url: " + graph_->baseUrl() + "\n"
                                "      retry_backoff_ms: 20\n"
                                "  - type: email\n"
                                "    id: mail\n"
                                "    settings:\n"
                                "      address: campaigns@omnigate.test\n"
                                "      imap_url: imap://127.0.0.1:" + std::to_string(requireEnvInt("OMNIGATE_IMAP_PORT")) +
                                "/INBOX\n"
                                "      imap_user: \"campaigns@omnigate.test*relay\"\n"
                                "      imap_password: \"" + mailMasterPassword() + "\"\n"
                                "      smtp_url: smtp://127.0.0.1:" + std::to_string(requireEnvInt("OMNIGATE_SMTP_PORT")) +
                                "\n"
                                "      smtp_user: demo@omnigate.test\n"
                                "      smtp_password: demo-password\n"
                                "      allow_plaintext: true\n"
                                // The CRM keeps the same consent as we do: it subscribes to the opt-outs.
                                "integrations:\n  - type: crm\n    id: crm\n    settings:\n"
                                "      poll_interval_ms: 50\n      subscriptions:\n"
                                "      - id: consent\n        url: " + crm_->url("/consent") +
                                "\n        secret: " + kCrmSecret + "\n        events: [client.opted_out]\n";
        options.extraYaml = "campaigns:\n"
                            "  public_url: " + kPublicUrl + "\n"
                            "  unsubscribe_secret: campaigns-e2e-unsubscribe-secret-0123456789\n"
                            "  max_rate_per_minute: 60000\n"
                            "auth:\n  token_secret: campaigns-test-token-secret-0123456789abcdef\n";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
        marketer_ = new std::string(signIn("marketer"));
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
        delete graph_;
        graph_ = nullptr;
        delete crm_;
        crm_ = nullptr;
        delete marketer_;
        marketer_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }
    static HttpResult as(const std::string& token, const std::string& method, const std::string& path,
                         const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + token}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }
    static HttpResult marketer(const std::string& method, const std::string& path, const std::string& body = "") {
        return as(*marketer_, method, path, body);
    }

    static std::string signIn(const std::string& role) {
        const std::string login = "campaigns-" + role + "-" + unique();
        const HttpResult user = admin("POST", "/api/v1/users",
                                      R"({"login":")" + login + R"(","roles":[")" + role +
                                          R"("],"password":"campaigns-password"})");
        EXPECT_EQ(user.status, 201) << user.body;
        const HttpResult in = daemon_->http().postJson(
            "/api/v1/auth/login", R"({"login":")" + login + R"(","password":"campaigns-password"})");
        EXPECT_EQ(in.status, 200) << in.body;
        return in.status == 200 ? in.json()->getValue<std::string>("access_token") : "";
    }

    // A client with one address of `kind` and a card.
    static std::int64_t client(const std::string& name, const std::string& kind, const std::string& value,
                               const std::string& card) {
        const HttpResult r = admin("POST", "/api/v1/clients",
                                   R"({"name":")" + name + R"(","addresses":[{"kind":")" + kind + R"(","value":")" +
                                       value + R"("}],"card":)" + card + "}");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::int64_t>("id") : 0;
    }

    static std::string registerTemplate(const std::string& tag) {
        const std::string name = "promo_" + tag;
        const HttpResult r = admin("POST", "/api/v1/whatsapp/templates",
                                   R"({"name":")" + name + R"(","language":"ru","category":"MARKETING",)"
                                   R"("body":"Здравствуйте, {{1}}! Ваш тариф {{2}} стал дешевле.","status":"APPROVED"})");
        EXPECT_EQ(r.status, 201) << r.body;
        return name;
    }

    static std::string whatsappCampaign(const std::string& tag, const std::string& templateName, int rate,
                                        const std::string& extra = "") {
        return R"({"name":"Tariff )" + tag + R"(","channel":"whatsapp","account":"wa",)"
               R"("segment":{"client":{"card.city":")" + tag + R"("}},)"
               R"("message":{"whatsapp_template":{"name":")" + templateName + R"(","language":"ru",)"
               R"("parameters":["{client.name}","{client.card.tariff}"]}},"rate_per_minute":)" + std::to_string(rate) +
               extra + "}";
    }

    static std::int64_t create(const std::string& body) {
        const HttpResult r = marketer("POST", "/api/v1/campaigns", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::int64_t>("id") : 0;
    }
    static HttpResult act(std::int64_t id, const std::string& action) {
        return marketer("POST", "/api/v1/campaigns/" + std::to_string(id) + "/" + action);
    }
    static Object::Ptr results(std::int64_t id) {
        const HttpResult r = marketer("GET", "/api/v1/campaigns/" + std::to_string(id) + "/results");
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json();
    }
    static std::int64_t total(std::int64_t id, const std::string& name) {
        const Object::Ptr r = results(id);
        return r ? r->getValue<std::int64_t>(name) : -1;
    }
    static std::string stateOf(std::int64_t id) {
        const HttpResult r = marketer("GET", "/api/v1/campaigns/" + std::to_string(id));
        return r.status == 200 ? r.json()->getValue<std::string>("state") : "";
    }
    static bool finished(std::int64_t id, std::chrono::milliseconds timeout = 30s) {
        return waitUntil([&] { return stateOf(id) == "finished"; }, timeout);
    }

    // The template messages the fake Graph API accepted for `phones`, by phone.
    static std::map<std::string, std::vector<Object::Ptr>> sentTo(const std::set<std::string>& phones) {
        std::map<std::string, std::vector<Object::Ptr>> out;
        for (const Object::Ptr& m : graph_->sentMessages()) {
            const std::string to = m->optValue<std::string>("to", "");
            if (phones.count(to)) out[to].push_back(m);
        }
        return out;
    }

    static HttpResult deliverWebhook(const std::string& body) {
        return daemon_->http().request("POST", "/webhooks/whatsapp/wa", body,
                                       {{"Content-Type", "application/json"},
                                        {"X-Hub-Signature-256", signWhatsappWebhook(kAppSecret, body)}});
    }

    static DaemonProcess* daemon_;
    static FakeGraphApi* graph_;
    static FakeCrm* crm_;
    static std::string* marketer_;
    DbProbe db_;
};

DaemonProcess* Campaigns::daemon_ = nullptr;
FakeGraphApi* Campaigns::graph_ = nullptr;
FakeCrm* Campaigns::crm_ = nullptr;
std::string* Campaigns::marketer_ = nullptr;

TEST_F(Campaigns, ABadCampaignIsRefusedNamingTheFieldAndNothingIsCreated) {
    const std::string tag = unique();
    const std::string approved = registerTemplate(tag);
    const std::int64_t before = db_.scalar("SELECT COUNT(*) FROM campaigns");
    const auto refused = [&](const std::string& body, const std::string& named) {
        const HttpResult r = marketer("POST", "/api/v1/campaigns", body);
        EXPECT_EQ(r.status, 400) << body << "\n" << r.body;
        EXPECT_NE(r.body.find(named), std::string::npos) << "expected " << named << " in " << r.body;
    };
    refused(R"({"name":"x","channel":"whatsapp","account":"wa","segment":{"client":{"shoe_size":"42"}},)"
            R"("message":{"whatsapp_template":{"name":")" + approved + R"(","language":"ru","parameters":["a","b"]}}})",
            "'segment.client.shoe_size'");
    refused(R"({"name":"x","channel":"whatsapp","account":"wa","message":{"text":"Hello"}})",
            "'message.whatsapp_template'");
    refused(R"({"name":"x","channel":"whatsapp","account":"wa","message":{"whatsapp_template":)"
            R"({"name":"never_registered","language":"ru","parameters":[]}}})",
            "'message.whatsapp_template.name'");
    admin("POST", "/api/v1/whatsapp/templates",
          R"({"name":"pending_)" + tag + R"(","language":"ru","category":"MARKETING","body":"Hi","status":"PENDING"})");
    refused(R"({"name":"x","channel":"whatsapp","account":"wa","message":{"whatsapp_template":)"
            R"({"name":"pending_)" + tag + R"(","language":"ru","parameters":[]}}})",
            "APPROVED");
    refused(whatsappCampaign(tag, approved, 60, R"(,"schedule":{"starts_at":")" + isoIn(Poco::Timespan(2, 0, 0, 0, 0)) +
                                                    R"(","ends_at":")" + isoIn(Poco::Timespan(1, 0, 0, 0, 0)) + "\"}"),
            "'schedule.ends_at'");
    refused(whatsappCampaign(tag, approved, 0), "'rate_per_minute'");
    refused(R"({"name":"x","channel":"whatsapp","account":"nowhere","message":{"whatsapp_template":)"
            R"({"name":")" + approved + R"(","language":"ru","parameters":["a","b"]}}})",
            "'account'");
    refused(R"({"name":"x","channel":"email","account":"mail","message":{"text":"Hi"}})", "'message.subject'");
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM campaigns"), before);

    // Campaigns are the marketers' (not a supervisor's), the audience anyone's who reads segments.
    const std::string supervisor = signIn("supervisor");
    EXPECT_EQ(as(supervisor, "GET", "/api/v1/campaigns").status, 403);
    EXPECT_EQ(as(supervisor, "POST", "/api/v1/campaigns/audience", R"({"channel":"email"})").status, 403);
}

TEST_F(Campaigns, AWhatsappCampaignReachesItsSegmentOnceAndCountsWhatMetaReports) {
    const std::string tag = unique();
    const std::string templateName = registerTemplate(tag);
    std::set<std::string> phones;
    std::map<std::string, std::string> nameOf;
    for (int i = 0; i < 5; ++i) {
        const std::string phone = uniquePhone();
        const std::string name = "Клиент " + std::to_string(i);
        client(name, "whatsapp", phone, R"({"city":")" + tag + R"(","tariff":"T)" + std::to_string(i) + R"("})");
        phones.insert(phone);
        nameOf[phone] = name;
    }
    const std::string outsider = uniquePhone();
    client("Elsewhere", "whatsapp", outsider, R"({"city":"other-)" + tag + R"("})");
    const std::string declined = uniquePhone();
    const std::int64_t declinedId = client("Declined", "whatsapp", declined, R"({"city":")" + tag + R"("})");
    ASSERT_EQ(marketer("PUT", "/api/v1/clients/" + std::to_string(declinedId) + "/opt-out").status, 200);

    const HttpResult audience = marketer("POST", "/api/v1/campaigns/audience",
                                         R"({"channel":"whatsapp","account":"wa","segment":{"client":{"card.city":")" +
                                             tag + R"("}}})");
    ASSERT_EQ(audience.status, 200) << audience.body;
    EXPECT_EQ(audience.json()->getValue<int>("count"), 5) << "the opted-out client is not counted";

    MqttProbe events("omnigate/v1/campaigns/#");
    const std::int64_t id = create(whatsappCampaign(tag, templateName, 6000));
    const HttpResult launched = act(id, "launch");
    ASSERT_EQ(launched.status, 200) << launched.body;
    EXPECT_EQ(launched.json()->getValue<std::string>("state"), "running");
    EXPECT_EQ(act(id, "launch").status, 409) << "launched once";
    ASSERT_TRUE(finished(id)) << marketer("GET", "/api/v1/campaigns/" + std::to_string(id)).body;

    const auto sent = sentTo(phones);
    ASSERT_EQ(sent.size(), 5u);
    for (const auto& [phone, messages] : sent) {
        ASSERT_EQ(messages.size(), 1u) << phone << " got more than one message";
        const Object::Ptr t = messages[0]->getObject("template");
        EXPECT_EQ(t->getValue<std::string>("name"), templateName);
        const auto parameters = t->getArray("components")->getObject(0)->getArray("parameters");
        EXPECT_EQ(parameters->getObject(0)->getValue<std::string>("text"), nameOf[phone]);
    }
    EXPECT_TRUE(sentTo({outsider, declined}).empty()) << "outside the segment, or opted out";
    EXPECT_EQ(total(id, "targeted"), 5);
    EXPECT_EQ(total(id, "sent"), 5);

    // Meta's reports move recipients on, never back.
    const auto wamids = db_.rows("SELECT external_id FROM campaign_recipients WHERE campaign_id = " +
                                 std::to_string(id) + " ORDER BY id");
    ASSERT_EQ(wamids.size(), 5u);
    const auto status = [&](const std::string& wamid, const std::string& s, const std::string& extra = "") {
        const HttpResult r = deliverWebhook(envelope(R"("statuses":[{"id":")" + wamid + R"(","status":")" + s +
                                                     R"(","timestamp":"1","recipient_id":"1")" + extra + "}]"));
        EXPECT_EQ(r.status, 200) << r.body;
    };
    status(wamids[0][0], "delivered");
    status(wamids[1][0], "read");
    status(wamids[1][0], "delivered");  // late, after read: ignored
    status(wamids[2][0], "failed", R"(,"errors":[{"code":131026,"title":"Message undeliverable"}])");
    const Object::Ptr r = results(id);
    EXPECT_EQ(r->getValue<int>("sent"), 4);
    EXPECT_EQ(r->getValue<int>("delivered"), 2);
    EXPECT_EQ(r->getValue<int>("read"), 1);
    EXPECT_EQ(r->getValue<int>("failed"), 1);
    ASSERT_EQ(r->getArray("failures")->size(), 1u);
    EXPECT_EQ(r->getArray("failures")->getObject(0)->getValue<std::string>("error_code"), "131026");

    // Exported one row per recipient with the totals last; the XLSX is a workbook.
    const HttpResult csv = marketer("GET", "/api/v1/campaigns/" + std::to_string(id) + "/results?format=csv");
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 7) << csv.body;
    EXPECT_NE(csv.body.find("131026"), std::string::npos);
    const HttpResult xlsx = marketer("GET", "/api/v1/campaigns/" + std::to_string(id) + "/results?format=xlsx");
    ASSERT_EQ(xlsx.status, 200);
    EXPECT_EQ(xlsx.body.substr(0, 2), "PK");

    const auto updates = events.waitFor(
        [&](const ReceivedMessage& m) {
            return m.topic == "omnigate/v1/campaigns/" + std::to_string(id) &&
                   m.payload.find("\"state\":\"finished\"") != std::string::npos;
        },
        1, 10s);
    EXPECT_EQ(updates.size(), 1u) << "campaign.updated when it finished";
}

TEST_F(Campaigns, OnVkOnlyClientsWhoAllowedTheCommunitysMessagesAreReached) {
    const std::string tag = unique();
    const auto vkId = [] { return std::to_string(100000000 + std::random_device{}() % 800000000); };
    client("Allowed", "vk", vkId(), R"({"city":")" + tag + R"(","vk_messages_allowed":"true"})");
    client("Denied", "vk", vkId(), R"({"city":")" + tag + R"(","vk_messages_allowed":"false"})");
    client("Never said", "vk", vkId(), R"({"city":")" + tag + R"("})");
    const auto count = [&](const std::string& channel) {
        const HttpResult r = marketer("POST", "/api/v1/campaigns/audience",
                                      R"({"channel":")" + channel + R"(","segment":{"client":{"card.city":")" + tag +
                                          R"("}}})");
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? r.json()->getValue<int>("count") : -1;
    };
    EXPECT_EQ(count("vk"), 1) << "VK lets a community write only to those who allowed it";
    EXPECT_EQ(count("whatsapp"), 0) << "none of them has a WhatsApp address";
}

TEST_F(Campaigns, AProvidersRateLimitSlowsTheCampaignAndNobodyIsFailedForIt) {
    const std::string tag = unique();
    const std::string templateName = registerTemplate(tag);
    std::set<std::string> phones;
    for (int i = 0; i < 3; ++i) {
        const std::string phone = uniquePhone();
        client("Rate " + std::to_string(i), "whatsapp", phone, R"({"city":")" + tag + R"(","tariff":"R"})");
        phones.insert(phone);
    }
    // All three messages, sent side by side, meet WhatsApp's throughput limit on every attempt the channel makes
    // (three each): the campaign puts them back and tries again later.
    graph_->failMessages(130429, 9);
    const std::int64_t id = create(whatsappCampaign(tag, templateName, 6000));
    ASSERT_EQ(act(id, "launch").status, 200);
    ASSERT_TRUE(finished(id, 60s)) << results(id)->get("pending").toString();
    const auto sent = sentTo(phones);
    EXPECT_EQ(sent.size(), 3u);
    for (const auto& [phone, messages] : sent) EXPECT_EQ(messages.size(), 1u) << phone;
    EXPECT_EQ(total(id, "sent"), 3);
    EXPECT_EQ(total(id, "failed"), 0);
    EXPECT_EQ(db_.scalar("SELECT MIN(attempts) FROM campaign_recipients WHERE campaign_id = " + std::to_string(id)), 2)
        << "each went at its second attempt";
    EXPECT_NE(daemon_->log().find("campaign " + std::to_string(id) + ": the provider limits the rate; slowing down"),
              std::string::npos);
}

TEST_F(Campaigns, RepliesAreLinkedToTheCampaignAndAStopWordOptsTheClientOut) {
    const std::string tag = unique();
    const std::string templateName = registerTemplate(tag);
    const std::string keen = uniquePhone();
    const std::string tired = uniquePhone();
    const std::int64_t keenId = client("Keen", "whatsapp", keen, R"({"city":")" + tag + R"(","tariff":"K"})");
    const std::int64_t tiredId = client("Tired", "whatsapp", tired, R"({"city":")" + tag + R"(","tariff":"T"})");
    const std::int64_t id = create(whatsappCampaign(tag, templateName, 6000));
    ASSERT_EQ(act(id, "launch").status, 200);
    ASSERT_TRUE(finished(id));

    MqttProbe clientEvents("omnigate/v1/clients/" + std::to_string(tiredId) + "/#");
    ASSERT_EQ(deliverWebhook(inboundText(keen, "Интересно, расскажите подробнее")).status, 200);
    ASSERT_EQ(deliverWebhook(inboundText(tired, " СТОП! ")).status, 200);
    ASSERT_TRUE(waitUntil([&] { return total(id, "replied") == 2; }, 15s)) << results(id)->get("replied").toString();
    EXPECT_EQ(total(id, "opted_out"), 1);
    // The reply is an interaction like any other, routed as usual, and says which campaign it answers.
    const std::int64_t reply = db_.scalar("SELECT MAX(id) FROM interactions WHERE client_id = " +
                                          std::to_string(keenId) + " AND campaign_id = " + std::to_string(id));
    ASSERT_NE(reply, 0);
    const HttpResult read = admin("GET", "/api/v1/interactions/" + std::to_string(reply));
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.json()->getObject("interaction")->getValue<std::int64_t>("campaign_id"), id);
    // An offer the operator activates for them in that conversation counts for the campaign.
    const HttpResult offer = admin("POST", "/api/v1/offers", R"({"title":"Cheaper tariff )" + tag + R"(","text":"Yes"})");
    ASSERT_EQ(offer.status, 201) << offer.body;
    const HttpResult activated = admin("POST", "/api/v1/interactions/" + std::to_string(reply) + "/offers/" +
                                                   std::to_string(offer.json()->getValue<std::int64_t>("id")) +
                                                   "/activate");
    ASSERT_EQ(activated.status, 201) << activated.body;
    EXPECT_EQ(total(id, "offers_activated"), 1);
    const HttpResult consent = marketer("GET", "/api/v1/clients/" + std::to_string(tiredId) + "/opt-out");
    ASSERT_EQ(consent.status, 200);
    EXPECT_TRUE(consent.json()->getValue<bool>("opted_out"));
    EXPECT_EQ(consent.json()->getValue<std::string>("source"), "reply");
    EXPECT_EQ(consent.json()->getValue<std::int64_t>("campaign_id"), id);
    EXPECT_EQ(clientEvents
                  .waitFor([](const ReceivedMessage& m) { return m.payload.find("client.opted_out") != std::string::npos; },
                           1, 10s)
                  .size(),
              1u);
    // And the CRM hears of it, signed as every webhook is.
    const auto toCrm = [&] {
        std::vector<FakeCrm::Request> found;
        for (const auto& request : crm_->requests("/consent")) {
            if (request.body.find("\"client_id\":" + std::to_string(tiredId)) != std::string::npos) {
                found.push_back(request);
            }
        }
        return found;
    };
    ASSERT_TRUE(waitUntil([&] { return !toCrm().empty(); }, 15s)) << crm_->requests().size() << " requests";
    const FakeCrm::Request webhook = toCrm().front();
    EXPECT_EQ(webhook.event, "client.opted_out");
    EXPECT_EQ(webhook.signature, webhookSignature(kCrmSecret, webhook.timestamp, webhook.body));
    EXPECT_NE(webhook.body.find("\"campaign_id\":" + std::to_string(id)), std::string::npos) << webhook.body;

    // The next campaign to the same segment leaves them out; opted back in, they count again.
    const std::int64_t next = create(whatsappCampaign(tag, templateName, 6000));
    const auto count = [&] {
        const HttpResult r = marketer("GET", "/api/v1/campaigns/" + std::to_string(next) + "/audience");
        return r.status == 200 ? r.json()->getValue<int>("count") : -1;
    };
    EXPECT_EQ(count(), 1);
    ASSERT_EQ(marketer("DELETE", "/api/v1/clients/" + std::to_string(tiredId) + "/opt-out").status, 200);
    EXPECT_EQ(count(), 2);
}

TEST_F(Campaigns, AnEmailCarriesAOneClickUnsubscribe) {
    const std::string tag = unique();
    std::vector<std::string> addresses;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 2; ++i) {
        addresses.push_back("campaign-" + tag + "-" + std::to_string(i) + "@omnigate.test");
        ids.push_back(client("Анна " + std::to_string(i), "email", addresses.back(), R"({"city":")" + tag + R"("})"));
    }
    const std::int64_t id = create(
        R"({"name":"News )" + tag + R"(","channel":"email","account":"mail","segment":{"client":{"card.city":")" + tag +
        R"("}},"message":{"subject":"Новости для {client.name}","text":"Здравствуйте, {client.name}!"},)"
        R"("rate_per_minute":600})");
    ASSERT_EQ(act(id, "launch").status, 200);
    ASSERT_TRUE(finished(id));
    EXPECT_EQ(total(id, "sent"), 2);

    std::vector<std::string> mails;
    ASSERT_TRUE(waitUntil([&] { return (mails = mailbox(addresses[0])).size() == 1; }, 15s));
    const std::string& mail = mails[0];
    EXPECT_EQ(decodeUtf8Words(mailHeader(mail, "Subject")), "Новости для Анна 0");
    EXPECT_EQ(Poco::trim(mailHeader(mail, "List-Unsubscribe-Post")), "List-Unsubscribe=One-Click");
    const std::string header = Poco::trim(mailHeader(mail, "List-Unsubscribe"));
    const std::string prefix = "<" + kPublicUrl + "/api/v1/unsubscribe/";
    ASSERT_EQ(header.rfind(prefix, 0), 0u) << header;
    const std::string path = header.substr(1 + kPublicUrl.size(), header.size() - 2 - kPublicUrl.size());
    bool linkInText = false;
    for (const MailPart& part : mailParts(mail)) {
        linkInText = linkInText || part.bytes.find(kPublicUrl + path) != std::string::npos;
    }
    EXPECT_TRUE(linkInText) << "the address is in the text too, for a client whose mail program has no button";

    // Opening the address changes nothing (mail scanners open links); the one-click POST opts the client out.
    const HttpResult page = daemon_->http().get(path);
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("<form method=\"post\""), std::string::npos);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM campaign_opt_outs WHERE client_id = " + std::to_string(ids[0])), 0);
    const HttpResult click = daemon_->http().request("POST", path, "List-Unsubscribe=One-Click",
                                                     {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(click.status, 200) << click.body;
    EXPECT_EQ(db_.text("SELECT source FROM campaign_opt_outs WHERE client_id = " + std::to_string(ids[0])),
              "unsubscribe");
    EXPECT_EQ(total(id, "opted_out"), 1);

    // Another client's address cannot be made from this one.
    std::string forged = path;
    forged.back() = forged.back() == '0' ? '1' : '0';
    EXPECT_EQ(daemon_->http().request("POST", forged, "List-Unsubscribe=One-Click",
                                      {{"Content-Type", "application/x-www-form-urlencoded"}})
                  .status,
              404);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM campaign_opt_outs WHERE client_id = " + std::to_string(ids[1])), 0);
}

TEST_F(Campaigns, PauseResumeAndCancel) {
    const std::string tag = unique();
    const std::string templateName = registerTemplate(tag);
    for (int i = 0; i < 4; ++i) {
        client("Slow " + std::to_string(i), "whatsapp", uniquePhone(), R"({"city":")" + tag + R"(","tariff":"S"})");
    }
    const std::string path = "/api/v1/campaigns/";
    // One a second: the first goes at once.
    const std::int64_t id = create(whatsappCampaign(tag, templateName, 60));
    const auto sentNow = [&] {
        return db_.scalar("SELECT COUNT(*) FROM campaign_recipients WHERE state = 'sent' AND campaign_id = " +
                          std::to_string(id));
    };
    ASSERT_EQ(act(id, "launch").status, 200);
    ASSERT_TRUE(waitUntil([&] { return sentNow() >= 1; }, 10s));
    EXPECT_EQ(marketer("DELETE", path + std::to_string(id)).status, 409) << "a running campaign is paused first";
    EXPECT_EQ(marketer("PATCH", path + std::to_string(id), R"({"rate_per_minute":30})").status, 409);

    const HttpResult paused = act(id, "pause");
    ASSERT_EQ(paused.status, 200) << paused.body;
    EXPECT_EQ(paused.json()->getValue<std::string>("state"), "paused");
    std::this_thread::sleep_for(500ms);  // a send already handed to the channel when it paused completes
    const std::int64_t atPause = sentNow();
    std::this_thread::sleep_for(2500ms);
    EXPECT_EQ(sentNow(), atPause) << "nothing goes while paused";
    // Paused, its pace and message may change; whom it reaches may not.
    EXPECT_EQ(marketer("PATCH", path + std::to_string(id), R"({"rate_per_minute":6000})").status, 200);
    const HttpResult segment = marketer("PATCH", path + std::to_string(id), R"({"segment":{}})");
    EXPECT_EQ(segment.status, 409) << segment.body;

    ASSERT_EQ(act(id, "resume").status, 200);
    ASSERT_TRUE(finished(id));
    EXPECT_EQ(total(id, "sent"), 4);

    // Cancelled halfway: the rest are skipped.
    const std::string again = unique();
    for (int i = 0; i < 3; ++i) {
        client("Cancel " + std::to_string(i), "whatsapp", uniquePhone(), R"({"city":")" + again + R"(","tariff":"C"})");
    }
    const std::int64_t cancelled = create(whatsappCampaign(again, templateName, 2));
    ASSERT_EQ(act(cancelled, "launch").status, 200);
    ASSERT_TRUE(waitUntil([&] { return total(cancelled, "sent") == 1; }, 10s));
    const HttpResult cancel = act(cancelled, "cancel");
    ASSERT_EQ(cancel.status, 200) << cancel.body;
    EXPECT_EQ(cancel.json()->getValue<std::string>("state"), "cancelled");
    EXPECT_FALSE(cancel.json()->isNull("finished_at"));
    EXPECT_EQ(total(cancelled, "skipped"), 2);
    EXPECT_EQ(act(cancelled, "resume").status, 409);
    EXPECT_EQ(marketer("DELETE", path + std::to_string(cancelled)).status, 204);
    EXPECT_EQ(marketer("GET", path + std::to_string(cancelled)).status, 404);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM campaign_recipients WHERE campaign_id = " + std::to_string(cancelled)), 0);
}

TEST_F(Campaigns, TheScheduleHoldsItBack) {
    const std::string tag = unique();
    const std::string templateName = registerTemplate(tag);
    client("Later", "whatsapp", uniquePhone(), R"({"city":")" + tag + R"(","tariff":"L"})");

    const std::int64_t later = create(whatsappCampaign(
        tag, templateName, 6000, R"(,"schedule":{"starts_at":")" + isoIn(Poco::Timespan(0, 1, 0, 0, 0)) + "\"}"));
    const HttpResult launched = act(later, "launch");
    ASSERT_EQ(launched.status, 200);
    EXPECT_EQ(launched.json()->getValue<std::string>("phase"), "scheduled");

    // Allowed hours that are closed now (an hour's window three hours away, in UTC).
    const int hour = Poco::DateTime().hour();
    const int from = hour + 4 <= 23 ? hour + 3 : hour - 4;
    char window[64];
    std::snprintf(window, sizeof window, R"({"utc_offset":"+00:00","from":"%02d:00","to":"%02d:00"})", from, from + 1);
    const std::int64_t closed =
        create(whatsappCampaign(tag, templateName, 6000, R"(,"schedule":{"allowed_hours":)" + std::string(window) + "}"));
    ASSERT_EQ(act(closed, "launch").status, 200);
    ASSERT_TRUE(waitUntil([&] { return total(closed, "targeted") == 1; }, 10s)) << "it chooses its recipients at once";
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(total(closed, "sent"), 0);
    EXPECT_EQ(total(later, "sent"), 0);
    EXPECT_EQ(total(later, "targeted"), 0) << "not even chosen before its start";
    const HttpResult waiting = marketer("GET", "/api/v1/campaigns/" + std::to_string(closed));
    EXPECT_EQ(waiting.json()->getValue<std::string>("phase"), "waiting");
}

TEST_F(Campaigns, ADaemonKilledMidCampaignNeverSendsAnyoneASecondMessage) {
    const std::string tag = unique();
    const std::string templateName = registerTemplate(tag);
    std::set<std::string> phones;
    for (int i = 0; i < 60; ++i) {
        const std::string phone = uniquePhone();
        client("Kill " + std::to_string(i), "whatsapp", phone, R"({"city":")" + tag + R"(","tariff":"K"})");
        phones.insert(phone);
    }
    const std::int64_t id = create(whatsappCampaign(tag, templateName, 1200));  // 20 a second
    const std::string where = " FROM campaign_recipients WHERE campaign_id = " + std::to_string(id);
    ASSERT_EQ(act(id, "launch").status, 200);
    ASSERT_TRUE(waitUntil([&] { return db_.scalar("SELECT COUNT(*)" + where + " AND state = 'sent'") >= 10; }, 20s));
    daemon_->kill9();
    const std::int64_t sentBefore = db_.scalar("SELECT COUNT(*)" + where + " AND state = 'sent'");
    ASSERT_LT(sentBefore, 60) << "killed mid-campaign";
    daemon_->restart();
    ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    ASSERT_TRUE(finished(id, 60s));

    const std::int64_t sent = db_.scalar("SELECT COUNT(*)" + where + " AND state = 'sent'");
    const std::int64_t interrupted = db_.scalar("SELECT COUNT(*)" + where + " AND error_code = 'interrupted'");
    EXPECT_EQ(sent + interrupted, 60) << "every recipient tried, none left sending";
    EXPECT_LE(interrupted, 4) << "at most campaigns.workers were in flight";
    const auto messages = sentTo(phones);
    for (const auto& [phone, got] : messages) EXPECT_EQ(got.size(), 1u) << phone << " got a second message";
    EXPECT_GE(static_cast<std::int64_t>(messages.size()), sent);
    EXPECT_LE(static_cast<std::int64_t>(messages.size()), sent + interrupted);
}

}  // namespace
}  // namespace omnigate::test
