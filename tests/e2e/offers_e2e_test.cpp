// Marketing offers against the real daemon, database and a local CRM (docs/offers.md): a bad offer is a 400
// naming what is wrong and stores nothing; an operator sees only the offers that fit the interaction's client
// (card fields, flags, channel, topics of earlier interactions, last contact, the validity period), best first,
// each counted as shown once per interaction; sending one posts its rendered text in the interaction; activating
// it is recorded, reaches the CRM as a signed offer.activated webhook, and stops at the per-client limit; the
// results count it all by operator and queue, as JSON, CSV and XLSX.
// The test database is shared and never wiped: everything made here carries a unique suffix.
#include <gtest/gtest.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timespan.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <functional>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/fake_crm.h"
#include "support/wait_until.h"
#include "support/xlsx_reader.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

const std::string kSecret = "offers-e2e-crm-secret-0123456789";

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

std::string isoIn(const Poco::Timespan& offset) {
    Poco::DateTime t;
    t += offset;
    return Poco::DateTimeFormatter::format(t, "%Y-%m-%dT%H:%M:%SZ");
}

std::string expectedSignature(const std::string& timestamp, const std::string& body) {
    return webhookSignature(kSecret, timestamp, body);
}

class Offers : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        crm_ = new FakeCrm;
        DaemonOptions options;
        options.instance = "offers-" + unique();
        options.channelsYaml += "integrations:\n  - type: crm\n    id: crm\n    settings:\n"
                                "      poll_interval_ms: 50\n      subscriptions:\n"
                                "      - id: offers-" + unique() + "\n        url: " + crm_->url("/offers") +
                                "\n        secret: " + kSecret + "\n        events: [offer.activated]\n";
        options.extraYaml = "auth:\n  token_secret: offers-test-token-secret-0123456789abcdef\n";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
        delete crm_;
        crm_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    // As the admin token, or as operator `as` (the admin token naming the operator who acts).
    static HttpResult call(const std::string& method, const std::string& path, const std::string& body = "",
                           const std::string& as = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!as.empty()) headers["X-Omnigate-Actor"] = "operator:" + as;
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }
    static HttpResult withToken(const std::string& token, const std::string& method, const std::string& path,
                                const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + token}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    // A user of `role`, signed in: their access token.
    static std::string signIn(const std::string& role) {
        const std::string login = "offers-" + role + "-" + unique();
        const HttpResult user = call("POST", "/api/v1/users",
                                     R"({"login":")" + login + R"(","roles":[")" + role +
                                         R"("],"password":"offers-password"})");
        EXPECT_EQ(user.status, 201) << user.body;
        const HttpResult in =
            daemon_->http().postJson("/api/v1/auth/login", R"({"login":")" + login + R"(","password":"offers-password"})");
        EXPECT_EQ(in.status, 200) << in.body;
        return in.status == 200 ? in.json()->getValue<std::string>("access_token") : "";
    }

    // A web chat visitor who has written once.
    struct Visitor {
        std::string token;
        std::int64_t clientId = 0;
        std::int64_t interactionId = 0;
    };
    static Visitor newVisitor(const std::string& name) {
        Visitor v;
        const HttpResult session = daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":")" + name + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        v.token = session.json()->getValue<std::string>("token");
        v.interactionId = says(v, "Hello");
        const HttpResult read = call("GET", "/api/v1/interactions/" + std::to_string(v.interactionId));
        EXPECT_EQ(read.status, 200) << read.body;
        v.clientId = read.json()->getObject("interaction")->getValue<std::int64_t>("client_id");
        return v;
    }
    // Returns the interaction the message went to.
    static std::int64_t says(const Visitor& v, const std::string& text) {
        const HttpResult r = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":")" + text + "\"}", v.token);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::int64_t>("interaction_id") : 0;
    }
    static void setCard(const Visitor& v, const std::string& card, const std::string& flags) {
        const HttpResult read = call("GET", "/api/v1/clients/" + std::to_string(v.clientId));
        ASSERT_EQ(read.status, 200) << read.body;
        const int version = read.json()->getValue<int>("version");
        const HttpResult r = call("PATCH", "/api/v1/clients/" + std::to_string(v.clientId),
                                  R"({"version":)" + std::to_string(version) + R"(,"card":)" + card + R"(,"flags":)" +
                                      flags + "}");
        ASSERT_EQ(r.status, 200) << r.body;
    }

    static std::int64_t offer(const std::string& token, const std::string& body) {
        const HttpResult r = withToken(token, "POST", "/api/v1/offers", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? r.json()->getValue<std::int64_t>("id") : 0;
    }
    static std::vector<std::int64_t> fitting(std::int64_t interaction, const std::string& as) {
        const HttpResult r = call("GET", "/api/v1/interactions/" + std::to_string(interaction) + "/offers", "", as);
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::int64_t> ids;
        if (r.status != 200) return ids;
        const auto list = r.json()->getArray("offers");
        for (std::size_t i = 0; i < list->size(); ++i) {
            ids.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
        }
        return ids;
    }
    static std::string path(std::int64_t interaction, std::int64_t offer, const std::string& action) {
        return "/api/v1/interactions/" + std::to_string(interaction) + "/offers/" + std::to_string(offer) + "/" + action;
    }
    static bool has(const std::vector<std::int64_t>& list, std::int64_t id) {
        return std::find(list.begin(), list.end(), id) != list.end();
    }
    static std::size_t position(const std::vector<std::int64_t>& list, std::int64_t id) {
        return static_cast<std::size_t>(std::find(list.begin(), list.end(), id) - list.begin());
    }

    static DaemonProcess* daemon_;
    static FakeCrm* crm_;
    DbProbe db_;
};

DaemonProcess* Offers::daemon_ = nullptr;
FakeCrm* Offers::crm_ = nullptr;

TEST_F(Offers, ABadOfferIsRefusedNamingWhatIsWrongAndNothingIsWritten) {
    const std::string u = unique();
    const std::string marketer = signIn("marketer");
    const std::string title = R"("title":"Bad )" + u + "\"";
    const std::vector<std::pair<std::string, std::string>> refused{
        {R"({)" + title + R"(,"text":"Hi","conditions":{"client":{"shoe_size":"42"}}})", "conditions.client.shoe_size"},
        {R"({)" + title + R"(,"text":"Hi {client.nmae}"})", "{client.nmae}"},
        {R"({)" + title + R"(,"text":"Hi","valid_from":"2026-12-10T00:00:00Z","valid_to":"2026-12-01T00:00:00Z"})",
         "valid_to"},
        {R"({)" + title + R"(,"text":"Hi","client_limit":-1})", "client_limit"},
        {R"({)" + title + R"(,"text":"Hi","conditions":{"past_topics":[999999999]}})", "conditions.past_topics[0]"},
        {R"({)" + title + R"(,"template_id":999999999})", "template_id"},
        {R"({)" + title + R"(,"text":"Hi","conditions":{"colour":"red"}})", "conditions.colour"},
        {R"({)" + title + R"(,"text":"Hi","valid_from":"2026-12-10 10:00"})", "valid_from"},
        {R"({)" + title + "}", "text"},
    };
    for (const auto& [body, named] : refused) {
        const HttpResult r = withToken(marketer, "POST", "/api/v1/offers", body);
        EXPECT_EQ(r.status, 400) << body << " answered " << r.body;
        EXPECT_NE(r.body.find(named), std::string::npos) << body << " did not name " << named << ": " << r.body;
    }
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM offers WHERE title = 'Bad " + u + "'"), 0);

    // A bad change leaves the offer as it was.
    const std::int64_t id = offer(marketer, R"({"title":"Good )" + u + R"(","text":"Hi","client_limit":2})");
    ASSERT_GT(id, 0);
    const HttpResult r = withToken(marketer, "PATCH", "/api/v1/offers/" + std::to_string(id), R"({"client_limit":-5})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(db_.scalar("SELECT client_limit FROM offers WHERE id = " + std::to_string(id)), 2);
    EXPECT_EQ(db_.scalar("SELECT version FROM offers WHERE id = " + std::to_string(id)), 1);
    // Retired, so that it fits nobody in the other tests (the database outlives this run).
    EXPECT_EQ(withToken(marketer, "PATCH", "/api/v1/offers/" + std::to_string(id), R"({"retired":true})").status, 200);

    // Offers are the marketer's: a supervisor may not create one.
    const std::string supervisor = signIn("supervisor");
    const HttpResult denied =
        withToken(supervisor, "POST", "/api/v1/offers", R"({"title":"Supervisor )" + u + R"(","text":"Hi"})");
    EXPECT_EQ(denied.status, 403) << denied.body;
    EXPECT_NE(denied.body.find("offers:manage"), std::string::npos) << denied.body;
}

TEST_F(Offers, AnOperatorSeesTheOffersThatFitTheClientBestFirstEachShownOnce) {
    const std::string u = unique();
    const std::string op = "offers-op-" + u;
    const std::string marketer = signIn("marketer");
    const HttpResult topic = call("POST", "/api/v1/topics", R"({"name":"Offers topic )" + u + R"("})");
    ASSERT_EQ(topic.status, 201) << topic.body;
    const std::string topicId = std::to_string(topic.json()->getValue<std::int64_t>("id"));

    // The client's first interaction, on the topic, closed; the second is the one the operator works in.
    Visitor v = newVisitor("Anna " + u);
    ASSERT_NO_FATAL_FAILURE(setCard(v, R"({"city":"Omsk-)" + u + R"("})", R"(["vip-)" + u + R"("])"));
    ASSERT_EQ(call("PUT", "/api/v1/interactions/" + std::to_string(v.interactionId) + "/topics",
                   R"({"topic_ids":[)" + topicId + "]}")
                  .status,
              200);
    ASSERT_EQ(call("POST", "/api/v1/interactions/" + std::to_string(v.interactionId) + "/status",
                   R"({"status":"closed","resolution":"answered"})")
                  .status,
              200);
    std::this_thread::sleep_for(20ms);  // created_at has milliseconds: keep the two interactions apart
    const std::int64_t second = says(v, "Me again");
    ASSERT_NE(second, v.interactionId);

    const std::string city = R"("client":{"card.city":"Omsk-)" + u + R"("})";
    const std::int64_t low = offer(marketer, R"({"title":"Low )" + u + R"(","text":"Hi","priority":10,"conditions":{)" +
                                                 city + "}}");
    const std::int64_t high = offer(marketer, R"({"title":"High )" + u + R"(","text":"Hi","priority":50,"conditions":{)" +
                                                  city + R"(,"client_flags":["vip-)" + u + R"("]}})");
    const std::int64_t topical = offer(marketer, R"({"title":"Topic )" + u + R"(","text":"Hi","priority":30,)"
                                                 R"("conditions":{"past_topics":[)" + topicId + "]," + city + "}}");
    const std::int64_t recent = offer(marketer, R"({"title":"Recent )" + u + R"(","text":"Hi","conditions":{)" + city +
                                                    R"(,"last_contact_days_max":1}})");
    const std::int64_t lapsed = offer(marketer, R"({"title":"Lapsed )" + u + R"(","text":"Hi","conditions":{)" + city +
                                                    R"(,"last_contact_days_min":30}})");
    const std::int64_t email = offer(marketer, R"({"title":"Email )" + u + R"(","text":"Hi","conditions":{)" + city +
                                                   R"(,"channels":["email"]}})");
    const std::int64_t otherCity = offer(marketer, R"({"title":"Other )" + u + R"(","text":"Hi","conditions":{"client":)"
                                                       R"({"card.city":"Tomsk-)" + u + R"("}}})");
    const std::int64_t notYet = offer(marketer, R"({"title":"Later )" + u + R"(","text":"Hi","valid_from":")" +
                                                    isoIn(Poco::Timespan(1, 0, 0, 0, 0)) + R"(","conditions":{)" + city +
                                                    "}}");
    const std::int64_t over = offer(marketer, R"({"title":"Over )" + u + R"(","text":"Hi","valid_to":")" +
                                                  isoIn(Poco::Timespan(-1, 0, 0, 0, 0)) + R"(","conditions":{)" + city +
                                                  "}}");
    const std::int64_t retired = offer(marketer, R"({"title":"Retired )" + u + R"(","text":"Hi","conditions":{)" + city +
                                                     "}}");
    ASSERT_EQ(withToken(marketer, "PATCH", "/api/v1/offers/" + std::to_string(retired), R"({"retired":true})").status, 200);

    const std::vector<std::int64_t> seen = fitting(second, op);
    for (const std::int64_t id : {low, high, topical, recent}) EXPECT_TRUE(has(seen, id)) << id << " fits";
    for (const std::int64_t id : {lapsed, email, otherCity, notYet, over, retired}) {
        EXPECT_FALSE(has(seen, id)) << id << " does not fit";
    }
    EXPECT_LT(position(seen, high), position(seen, topical));
    EXPECT_LT(position(seen, topical), position(seen, low));

    // The marketer's list says why the others are not shown.
    const HttpResult scheduled = withToken(marketer, "GET", "/api/v1/offers/" + std::to_string(notYet));
    ASSERT_EQ(scheduled.status, 200) << scheduled.body;
    EXPECT_EQ(scheduled.json()->getValue<std::string>("state"), "scheduled");

    // Served twice for the interaction, shown once.
    EXPECT_EQ(fitting(second, op), seen);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM offer_shows WHERE offer_id = " + std::to_string(high)), 1);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM offer_shows WHERE offer_id = " + std::to_string(email)), 0);
    EXPECT_EQ(db_.text("SELECT operator_id FROM offer_shows WHERE offer_id = " + std::to_string(high)), op);

    // An offer that does not fit cannot be sent or activated there either.
    EXPECT_EQ(call("POST", path(second, email, "send"), "", op).status, 409);
    EXPECT_EQ(call("POST", path(second, notYet, "activate"), "", op).status, 409);
}

TEST_F(Offers, ASentOfferIsTheRenderedTextAndItsActivationReachesTheCrmUpToTheClientLimit) {
    const std::string u = unique();
    const std::string op = "offers-op-" + u;
    const std::string marketer = signIn("marketer");
    Visitor v = newVisitor("Boris " + u);
    ASSERT_NO_FATAL_FAILURE(setCard(v, R"({"city":"Kazan-)" + u + R"("})", "[]"));
    const std::string city = R"("conditions":{"client":{"card.city":"Kazan-)" + u + R"("}})";
    const std::int64_t id = offer(marketer, R"({"title":"Cashback )" + u +
                                                R"(","description":"5% back","text":"{client.name}, cashback in {client.card.city} for you",)"
                                                R"("client_limit":1,)" + city + "}");
    ASSERT_GT(id, 0);
    // The template's picture goes with its text.
    const HttpResult picture = daemon_->http().request(
        "POST", "/api/v1/template-files?name=offer-" + u + ".png", std::string("\x89PNG\r\n\x1a\n", 8) + u,
        {{"Authorization", "Bearer " + daemon_->adminToken()}, {"Content-Type", "image/png"}});
    ASSERT_EQ(picture.status, 201) << picture.body;
    const HttpResult templ = call("POST", "/api/v1/templates",
                                  R"({"title":"Offer template )" + u + R"(","text":"Dear {client.name}, see {channel}",)"
                                  R"("files":[")" + picture.json()->getValue<std::string>("id") + R"("]})");
    ASSERT_EQ(templ.status, 201) << templ.body;
    const std::int64_t byTemplate = offer(marketer, R"({"title":"By template )" + u + R"(","template_id":)" +
                                                        std::to_string(templ.json()->getValue<std::int64_t>("id")) +
                                                        "," + city + "}");

    ASSERT_TRUE(has(fitting(v.interactionId, op), id));
    HttpResult r = call("POST", path(v.interactionId, id, "send"), "", op);
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string expected = "Boris " + u + ", cashback in Kazan-" + u + " for you";
    EXPECT_EQ(r.json()->getObject("message")->getValue<std::string>("text"), expected);
    EXPECT_EQ(r.json()->getObject("message")->getValue<std::string>("direction"), "out");
    r = call("POST", path(v.interactionId, byTemplate, "send"), "", op);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getObject("message")->getValue<std::string>("text"), "Dear Boris " + u + ", see webchat");
    const auto attached = r.json()->getObject("message")->getArray("attachments");
    ASSERT_TRUE(attached && attached->size() == 1) << r.body;
    EXPECT_EQ(attached->getObject(0)->getValue<std::string>("name"), "offer-" + u + ".png");
    // The visitor reads it like any reply.
    const HttpResult history = daemon_->http().get("/api/v1/webchat/demo/messages", v.token);
    ASSERT_EQ(history.status, 200) << history.body;
    EXPECT_NE(history.body.find(expected), std::string::npos) << history.body;

    r = call("POST", path(v.interactionId, id, "activate"), "", op);
    ASSERT_EQ(r.status, 201) << r.body;
    const std::int64_t activation = r.json()->getValue<std::int64_t>("activation_id");
    r = call("POST", path(v.interactionId, id, "activate"), "", op);
    EXPECT_EQ(r.status, 409) << r.body;

    // The CRM hears of it, signed, once.
    const auto ours = [&] {
        std::vector<FakeCrm::Request> found;
        for (const auto& request : crm_->requests("/offers")) {
            if (request.body.find("\"activation_id\":" + std::to_string(activation)) != std::string::npos &&
                request.status == 200) {
                found.push_back(request);
            }
        }
        return found;
    };
    ASSERT_TRUE(waitUntil([&] { return !ours().empty(); }, 15s)) << crm_->requests().size() << " requests";
    const FakeCrm::Request delivered = ours().front();
    EXPECT_EQ(delivered.event, "offer.activated");
    EXPECT_EQ(delivered.signature, expectedSignature(delivered.timestamp, delivered.body));
    const auto event = Poco::JSON::Parser().parse(delivered.body).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(event->getValue<std::string>("type"), "offer.activated");
    const auto data = event->getObject("data");
    EXPECT_EQ(data->getValue<std::int64_t>("offer_id"), id);
    EXPECT_EQ(data->getValue<std::int64_t>("client_id"), v.clientId);
    EXPECT_EQ(data->getValue<std::string>("operator_id"), op);

    // Limit one per client: in the client's next interaction it is neither offered nor activated.
    ASSERT_EQ(call("POST", "/api/v1/interactions/" + std::to_string(v.interactionId) + "/status",
                   R"({"status":"closed","resolution":"answered"})")
                  .status,
              200);
    const std::int64_t next = says(v, "One more thing");
    ASSERT_NE(next, v.interactionId);
    const std::vector<std::int64_t> later = fitting(next, op);
    EXPECT_FALSE(has(later, id));
    EXPECT_TRUE(has(later, byTemplate));
    r = call("POST", path(next, id, "activate"), "", op);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.body.find("limit"), std::string::npos) << r.body;
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM offer_actions WHERE kind = 'activated' AND offer_id = " +
                         std::to_string(id)),
              1);

    // The results: shown once, sent once, activated once, for the operator and the interaction's queue.
    r = withToken(marketer, "GET", "/api/v1/offers/" + std::to_string(id) + "/results");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto totals = r.json()->getObject("totals");
    EXPECT_EQ(totals->getValue<int>("shown"), 1);
    EXPECT_EQ(totals->getValue<int>("sent"), 1);
    EXPECT_EQ(totals->getValue<int>("activated"), 1);
    const auto rows = r.json()->getArray("rows");
    ASSERT_EQ(rows->size(), 1u) << r.body;
    EXPECT_EQ(rows->getObject(0)->getValue<std::string>("operator_id"), op);
    const std::string queue = rows->getObject(0)->getValue<std::string>("queue");
    // A period: what happened in it only.
    r = withToken(marketer, "GET", "/api/v1/offers/" + std::to_string(id) + "/results?to=2000-01-01");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getObject("totals")->getValue<int>("activated"), 0);
    EXPECT_EQ(r.json()->getArray("rows")->size(), 0u) << r.body;
    r = withToken(marketer, "GET", "/api/v1/offers/" + std::to_string(id) + "/results?from=2000-01-01&to=2999-12-31");
    EXPECT_EQ(r.json()->getObject("totals")->getValue<int>("shown"), 1) << r.body;
    EXPECT_EQ(withToken(marketer, "GET", "/api/v1/offers/" + std::to_string(id) + "/results?from=yesterday").status,
              400);
    r = withToken(marketer, "GET", "/api/v1/offers/" + std::to_string(id) + "/results?format=csv");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find(op + "," + queue + ",1,1,1"), std::string::npos) << r.body;
    r = withToken(marketer, "GET", "/api/v1/offers/" + std::to_string(id) + "/results?format=xlsx");
    ASSERT_EQ(r.status, 200);
    const XlsxContent sheet = readXlsx(r.body);
    ASSERT_GE(sheet.rows.size(), 3u);
    EXPECT_EQ(sheet.rows[1][0], op);
}

}  // namespace
}  // namespace omnigate::test
