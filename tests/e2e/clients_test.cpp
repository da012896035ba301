// The clients API against the real daemon: clients made by the web chat flow and by hand, search by name, email
// and phone, card edits under optimistic versions, addresses, merges that keep every message, interaction and
// address, alias resolution, moving an interaction to another client, and the events operators' screens rely on.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <random>
#include <set>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

// Events cross the shared outbox and broker, which other suites load at the same time.
constexpr auto kEventWait = 30s;

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string uniqueId() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

// Ten random digits: a phone number no other test run uses.
std::string randomDigits() {
    static std::mt19937_64 random{std::random_device{}()};
    std::string digits;
    for (int i = 0; i < 10; ++i) digits += static_cast<char>('0' + random() % 10);
    return digits;
}

std::string encode(const std::string& text) {
    std::string out;
    Poco::URI::encode(text, "+@&=?#/ ", out);
    return out;
}

std::string str(std::int64_t id) { return std::to_string(id); }

// Several daemons relay the shared outbox at once (delivery is at least once), so a test counts events by their id.
std::size_t distinctEvents(const std::vector<ReceivedMessage>& messages) {
    std::set<std::string> ids;
    for (const ReceivedMessage& m : messages) ids.insert(parse(m.payload)->getValue<std::string>("id"));
    return ids.size();
}

struct WebchatVisitor {
    std::string token;
    std::int64_t clientId = 0;
    std::int64_t interactionId = 0;
};

class ClientsApi : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "clients-" + uniqueId().substr(0, 8);
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static HttpResult call(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    // A visitor opens a web chat session and writes `messages` messages: the way most clients come to exist.
    static WebchatVisitor visitor(const std::string& name, const std::string& email, int messages = 1) {
        WebchatVisitor v;
        const HttpResult session = daemon_->http().postJson(
            "/api/v1/webchat/demo/sessions", R"({"name":")" + name + R"(","email":")" + email + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        v.token = session.json()->getValue<std::string>("token");
        for (int i = 0; i < messages; ++i) {
            const HttpResult m = daemon_->http().postJson("/api/v1/webchat/demo/messages",
                                                          R"({"text":"message )" + std::to_string(i) + R"("})", v.token);
            EXPECT_EQ(m.status, 201) << m.body;
            v.clientId = m.json()->getValue<std::int64_t>("client_id");
            v.interactionId = m.json()->getValue<std::int64_t>("interaction_id");
        }
        return v;
    }

    static Poco::JSON::Object::Ptr createClient(const std::string& name, const std::string& addresses,
                                                const std::string& extra = "") {
        const HttpResult r = call("POST", "/api/v1/clients",
                                  R"({"name":")" + name + R"(","addresses":)" + addresses + extra + "}");
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json();
    }

    static Poco::JSON::Object::Ptr client(std::int64_t id) {
        const HttpResult r = call("GET", "/api/v1/clients/" + str(id));
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json();
    }

    static std::vector<std::int64_t> search(const std::string& q, std::string* next = nullptr,
                                            const std::string& extra = "") {
        const HttpResult r = call("GET", "/api/v1/clients?q=" + encode(q) + extra);
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::int64_t> ids;
        const auto body = r.json();
        const auto list = body->getArray("clients");
        for (std::size_t i = 0; i < list->size(); ++i) ids.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
        if (next) *next = body->isNull("next_cursor") ? "" : body->getValue<std::string>("next_cursor");
        return ids;
    }

    static std::string errorCode(const HttpResult& r) {
        return r.json()->getObject("error")->getValue<std::string>("code");
    }
    static std::string errorMessage(const HttpResult& r) {
        return r.json()->getObject("error")->getValue<std::string>("message");
    }

    static bool contains(const std::vector<std::int64_t>& ids, std::int64_t id) {
        return std::find(ids.begin(), ids.end(), id) != ids.end();
    }

    // Events of one type on one client's topic.
    static std::function<bool(const ReceivedMessage&)> clientEvent(std::int64_t clientId, const std::string& type) {
        return [clientId, type](const ReceivedMessage& m) {
            return m.topic == "omnigate/v1/clients/" + str(clientId) + "/events" &&
                   parse(m.payload)->getValue<std::string>("type") == type;
        };
    }

    static DaemonProcess* daemon_;
    DbProbe db_;
};

DaemonProcess* ClientsApi::daemon_ = nullptr;

TEST_F(ClientsApi, EveryEndpointNeedsTheAdminToken) {
    EXPECT_EQ(daemon_->http().get("/api/v1/clients").status, 401);
    EXPECT_EQ(daemon_->http().get("/api/v1/clients/1", "wrong-token-0123456789").status, 401);
    EXPECT_EQ(daemon_->http().postJson("/api/v1/clients", R"({"name":"x","addresses":[]})").status, 401);
    EXPECT_EQ(daemon_->http().postJson("/api/v1/clients/1/merge", R"({"from_client_id":2})").status, 401);
    EXPECT_EQ(daemon_->http().postJson("/api/v1/interactions/1/client", R"({"client_id":2})").status, 401);
    EXPECT_EQ(daemon_->http().request("DELETE", "/api/v1/clients/1/addresses/1").status, 401);
}

TEST_F(ClientsApi, CreatedByHandWithNormalisedAddressesAndAnnounced) {
    MqttProbe probe("omnigate/v1/clients/+/events");
    const std::string tag = uniqueId();
    const std::string digits = randomDigits();
    const auto created = createClient("Hand Made " + tag,
                                      R"([{"kind":"email","value":"  Hand.)" + tag + R"(@Example.COM "},)"
                                      R"({"kind":"phone","value":"+7 ()" + digits.substr(0, 3) + ") " +
                                          digits.substr(3) + R"("}])",
                                      R"(,"card":{"city":"Kazan"},"flags":["vip","vip","b2b"])");
    const std::int64_t id = created->getValue<std::int64_t>("id");
    EXPECT_EQ(created->getValue<std::string>("name"), "Hand Made " + tag);
    EXPECT_EQ(created->getObject("card")->getValue<std::string>("city"), "Kazan");
    ASSERT_EQ(created->getArray("flags")->size(), 2u);
    EXPECT_EQ(created->getArray("flags")->getElement<std::string>(0), "vip");
    EXPECT_EQ(created->getArray("flags")->getElement<std::string>(1), "b2b");
    EXPECT_TRUE(created->isNull("alias_of"));
    EXPECT_EQ(created->getValue<int>("version"), 1);
    const auto addresses = created->getArray("addresses");
    ASSERT_EQ(addresses->size(), 2u);
    EXPECT_EQ(addresses->getObject(0)->getValue<std::string>("value"), "hand." + tag + "@example.com");
    EXPECT_EQ(addresses->getObject(1)->getValue<std::string>("value"), "+7" + digits);

    // Durable, normalised, and the same card on a second read.
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM client_addresses WHERE client_id = " + str(id)), 2);
    EXPECT_EQ(db_.scalar("SELECT client_id FROM client_addresses WHERE kind = 'phone' AND value = '+7" + digits + "'"), id);
    EXPECT_EQ(db_.text("SELECT flags FROM clients WHERE id = " + str(id)), "vip,b2b");
    EXPECT_EQ(client(id)->getObject("card")->getValue<std::string>("city"), "Kazan");
    EXPECT_EQ(distinctEvents(probe.waitFor(clientEvent(id, "client.created"), 1, kEventWait)), 1u);

    // The same email spelled differently belongs to that client already: 409 naming it, nothing written.
    const std::string otherName = "Other " + tag;
    const HttpResult taken = call("POST", "/api/v1/clients",
                                  R"({"name":")" + otherName + R"(","addresses":[{"kind":"webchat","value":")" + uniqueId() +
                                      R"("},{"kind":"email","value":"HAND.)" + tag + R"(@example.com"}]})");
    ASSERT_EQ(taken.status, 409) << taken.body;
    EXPECT_EQ(errorCode(taken), "address_taken");
    EXPECT_NE(errorMessage(taken).find("client " + str(id)), std::string::npos) << taken.body;
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM clients WHERE name = '" + otherName + "'"), 0);
}

TEST_F(ClientsApi, BadInputIsRefusedNamingTheField) {
    const std::string email = R"([{"kind":"email","value":")" + uniqueId() + R"(@example.com"}])";
    struct Case {
        std::string body;
        std::string field;
    };
    std::string manyFlags;
    for (char c = 'a'; c < 'j'; ++c) manyFlags += std::string(manyFlags.empty() ? "" : ",") + "\"" + std::string(32, c) + "\"";
    const std::vector<Case> cases{
        {R"({"addresses":)" + email + "}", "'name'"},
        {R"({"name":"  ","addresses":)" + email + "}", "'name'"},
        {R"({"name":"x"})", "'addresses'"},
        {R"({"name":"x","addresses":[]})", "'addresses'"},
        {R"({"name":"x","addresses":[{"kind":"E-Mail","value":"a@b"}]})", "'addresses[0].kind'"},
        {R"({"name":"x","addresses":[{"kind":"email","value":"no-at-sign"}]})", "'addresses[0].value'"},
        {R"({"name":"x","addresses":[{"kind":"phone","value":"call me"}]})", "'addresses[0].value'"},
        {R"({"name":"x","addresses":[{"kind":"email"}]})", "addresses[0]"},
        {R"({"name":"x","addresses":)" + email + R"(,"flags":["VIP"]})", "'flags[0]'"},
        {R"({"name":"x","addresses":)" + email + R"(,"flags":"vip"})", "'flags'"},
        {R"({"name":"x","addresses":)" + email + R"(,"flags":[)" + manyFlags + "]}", "'flags'"},
        {R"({"name":"x","addresses":)" + email + R"(,"card":{"city":7}})", "'card.city'"},
        {R"({"name":"x","addresses":)" + email + R"(,"card":{")" + std::string(65, 'k') + R"(":"v"}})", "'card' keys"},
        {R"({"name":"x","addresses":)" + email + R"(,"card":{"note":")" + std::string(1025, 'v') + R"("}})", "'card.note'"},
        {R"({"name":"x","addresses":)" + email + R"(,"nmae":"y"})", "'nmae'"},
    };
    for (const Case& c : cases) {
        const HttpResult r = call("POST", "/api/v1/clients", c.body);
        ASSERT_EQ(r.status, 400) << c.body << " -> " << r.body;
        EXPECT_NE(errorMessage(r).find(c.field), std::string::npos) << c.body << " -> " << r.body;
    }
    EXPECT_EQ(call("GET", "/api/v1/clients/abc").status, 400);
    EXPECT_EQ(call("GET", "/api/v1/clients?limit=0").status, 400);
    EXPECT_EQ(call("GET", "/api/v1/clients?cursor=garbage!").status, 400);
    const HttpResult unknown = call("GET", "/api/v1/clients/999999999");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(errorCode(unknown), "not_found");
}

TEST_F(ClientsApi, SearchFindsClientsByNameEmailAndPhone) {
    const std::string tag = uniqueId();
    const WebchatVisitor web = visitor("Yevgenia Searchable-" + tag, "Yevgenia." + tag + "@Example.org");
    const std::string digits = randomDigits();
    const std::int64_t byHand =
        createClient("Phone Only " + tag, R"([{"kind":"phone","value":"+1 )" + digits + R"("}])")->getValue<std::int64_t>("id");

    // Name: a substring, in another case.
    EXPECT_TRUE(contains(search("searchable-" + tag.substr(0, 8)), web.clientId));
    const auto byName = search("SEARCHABLE-" + tag);
    ASSERT_EQ(byName.size(), 1u);
    EXPECT_EQ(byName[0], web.clientId);
    // Email: exact after normalising, whatever the case on either side.
    EXPECT_EQ(search("YEVGENIA." + tag + "@EXAMPLE.ORG"), std::vector<std::int64_t>{web.clientId});
    EXPECT_EQ(search("yevgenia." + tag + "@example.org"), std::vector<std::int64_t>{web.clientId});
    // Phone: any spelling of the same digits; '+' in a query string arrives as a space and still matches.
    EXPECT_EQ(search("+1 (" + digits.substr(0, 3) + ") " + digits.substr(3, 3) + "-" + digits.substr(6)),
              std::vector<std::int64_t>{byHand});
    EXPECT_EQ(search("1" + digits), std::vector<std::int64_t>{byHand});
    const HttpResult plusAsSpace = call("GET", "/api/v1/clients?q=+1" + digits);
    ASSERT_EQ(plusAsSpace.status, 200);
    EXPECT_EQ(plusAsSpace.json()->getArray("clients")->size(), 1u) << plusAsSpace.body;
    // A part of an address is not a match (only names match by substring).
    EXPECT_TRUE(search(digits.substr(0, 7)).empty());
    // The web chat visitor id is an address too.
    const std::string visitorId =
        db_.text("SELECT value FROM client_addresses WHERE kind = 'webchat' AND client_id = " + str(web.clientId));
    ASSERT_FALSE(visitorId.empty());
    EXPECT_EQ(search(visitorId), std::vector<std::int64_t>{web.clientId});
    EXPECT_TRUE(search("nobody-" + uniqueId()).empty());
    // Wildcards in the query are literal characters.
    EXPECT_TRUE(search("%" + tag.substr(0, 4) + "_%zz").empty());
}

TEST_F(ClientsApi, SearchPagesNewestFirstWithoutGapsOrRepeats) {
    const std::string tag = uniqueId();
    std::vector<std::int64_t> created;
    for (int i = 0; i < 5; ++i) {
        created.push_back(createClient("Paged " + tag + " " + std::to_string(i),
                                       R"([{"kind":"webchat","value":")" + uniqueId() + R"("}])")
                              ->getValue<std::int64_t>("id"));
    }
    std::vector<std::int64_t> seen;
    std::string cursor;
    int pages = 0;
    do {
        const auto page = search("paged " + tag, &cursor, "&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
        EXPECT_LE(page.size(), 2u);
        seen.insert(seen.end(), page.begin(), page.end());
        ASSERT_LT(++pages, 10);
    } while (!cursor.empty());
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen, std::vector<std::int64_t>(created.rbegin(), created.rend()));
}

TEST_F(ClientsApi, PatchEditsTheCardUnderItsVersion) {
    MqttProbe probe("omnigate/v1/clients/+/events");
    const std::string tag = uniqueId();
    const auto created = createClient("Patch " + tag, R"([{"kind":"webchat","value":")" + tag + R"("}])",
                                      R"(,"card":{"city":"Omsk","tier":"silver"})");
    const std::int64_t id = created->getValue<std::int64_t>("id");
    const std::string path = "/api/v1/clients/" + str(id);

    const HttpResult first = call("PATCH", path,
                                  R"({"version":1,"name":"Patched )" + tag +
                                      R"(","card":{"tier":"gold","phone_note":"after 6pm","city":null},"flags":["vip"]})");
    ASSERT_EQ(first.status, 200) << first.body;
    const auto card = first.json()->getObject("card");
    EXPECT_EQ(first.json()->getValue<int>("version"), 2);
    EXPECT_EQ(first.json()->getValue<std::string>("name"), "Patched " + tag);
    EXPECT_FALSE(card->has("city"));
    EXPECT_EQ(card->getValue<std::string>("tier"), "gold");
    EXPECT_EQ(card->getValue<std::string>("phone_note"), "after 6pm");
    EXPECT_EQ(db_.scalar("SELECT version FROM clients WHERE id = " + str(id)), 2);
    EXPECT_EQ(db_.text("SELECT flags FROM clients WHERE id = " + str(id)), "vip");
    const auto stored = parse(db_.text("SELECT card FROM clients WHERE id = " + str(id)));
    EXPECT_FALSE(stored->has("city"));
    EXPECT_EQ(stored->getValue<std::string>("tier"), "gold");

    const auto updated = probe.waitFor(clientEvent(id, "client.updated"), 1, kEventWait);
    ASSERT_FALSE(updated.empty());
    EXPECT_EQ(distinctEvents(updated), 1u);
    const auto data = parse(updated[0].payload)->getObject("data");
    EXPECT_EQ(data->getObject("client")->getValue<int>("version"), 2);
    std::set<std::string> changes;
    for (std::size_t i = 0; i < data->getArray("changes")->size(); ++i) {
        changes.insert(data->getArray("changes")->getElement<std::string>(static_cast<unsigned>(i)));
    }
    EXPECT_EQ(changes, (std::set<std::string>{"name", "card", "flags"}));

    // Someone who read version 1 is told to reload; nothing of theirs is written.
    const HttpResult stale = call("PATCH", path, R"({"version":1,"name":"Lost update"})");
    ASSERT_EQ(stale.status, 409) << stale.body;
    EXPECT_EQ(errorCode(stale), "version_conflict");
    EXPECT_EQ(db_.text("SELECT name FROM clients WHERE id = " + str(id)), "Patched " + tag);

    const HttpResult noVersion = call("PATCH", path, R"({"name":"x"})");
    ASSERT_EQ(noVersion.status, 400);
    EXPECT_NE(errorMessage(noVersion).find("'version'"), std::string::npos);
    EXPECT_EQ(call("PATCH", path, R"({"version":2,"flags":["Not OK"]})").status, 400);
    EXPECT_EQ(call("PATCH", "/api/v1/clients/999999999", R"({"version":1,"name":"x"})").status, 404);
}

TEST_F(ClientsApi, ConcurrentPatchesWithTheSameVersionExactlyOneWins) {
    const std::string tag = uniqueId();
    const std::int64_t id =
        createClient("Race " + tag, R"([{"kind":"webchat","value":")" + tag + R"("}])")->getValue<std::int64_t>("id");
    constexpr int kWriters = 8;
    std::vector<HttpResult> results(kWriters);
    std::vector<std::thread> threads;
    for (int i = 0; i < kWriters; ++i) {
        threads.emplace_back([&, i] {
            results[i] = call("PATCH", "/api/v1/clients/" + str(id),
                              R"({"version":1,"name":"Writer )" + std::to_string(i) + R"("})");
        });
    }
    for (auto& t : threads) t.join();
    int winners = 0;
    std::string winnerName;
    for (const HttpResult& r : results) {
        ASSERT_TRUE(r.status == 200 || r.status == 409) << r.status << " " << r.body;
        if (r.status == 200) {
            ++winners;
            winnerName = r.json()->getValue<std::string>("name");
        } else {
            EXPECT_EQ(errorCode(r), "version_conflict");
        }
    }
    EXPECT_EQ(winners, 1);
    EXPECT_EQ(db_.text("SELECT name FROM clients WHERE id = " + str(id)), winnerName);
    EXPECT_EQ(db_.scalar("SELECT version FROM clients WHERE id = " + str(id)), 2);
}

TEST_F(ClientsApi, AddressesAreAddedAndRemovedButNeverTheLast) {
    const std::string tag = uniqueId();
    const std::int64_t id =
        createClient("Addr " + tag, R"([{"kind":"webchat","value":")" + tag + R"("}])")->getValue<std::int64_t>("id");
    const std::int64_t other = createClient("Other " + tag, R"([{"kind":"email","value":"other.)" + tag +
                                                                R"(@example.com"}])")
                                   ->getValue<std::int64_t>("id");
    const std::string path = "/api/v1/clients/" + str(id) + "/addresses";

    const HttpResult added = call("POST", path, R"({"kind":"email","value":"Addr.)" + tag + R"(@Example.com"})");
    ASSERT_EQ(added.status, 201) << added.body;
    EXPECT_EQ(added.json()->getArray("addresses")->size(), 2u);
    EXPECT_EQ(added.json()->getValue<int>("version"), 2);
    EXPECT_EQ(db_.scalar("SELECT client_id FROM client_addresses WHERE kind = 'email' AND value = 'addr." + tag +
                         "@example.com'"),
              id);
    // Adding it again changes nothing.
    const HttpResult again = call("POST", path, R"({"kind":"email","value":"addr.)" + tag + R"(@example.com"})");
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()->getValue<int>("version"), 2);
    // Another client's address: 409 naming the owner.
    const HttpResult taken = call("POST", path, R"({"kind":"email","value":"other.)" + tag + R"(@example.com"})");
    ASSERT_EQ(taken.status, 409) << taken.body;
    EXPECT_EQ(errorCode(taken), "address_taken");
    EXPECT_NE(errorMessage(taken).find("client " + str(other)), std::string::npos);
    EXPECT_EQ(call("POST", "/api/v1/clients/999999999/addresses", R"({"kind":"webchat","value":"x"})").status, 404);
    EXPECT_EQ(call("POST", path, R"({"kind":"email"})").status, 400);

    const auto addresses = added.json()->getArray("addresses");
    const std::int64_t first = addresses->getObject(0)->getValue<std::int64_t>("id");
    const std::int64_t second = addresses->getObject(1)->getValue<std::int64_t>("id");
    EXPECT_EQ(call("DELETE", path + "/" + str(second + 1000000)).status, 404);
    // Somebody else's address cannot be removed through this client.
    const std::int64_t othersAddress = db_.scalar("SELECT id FROM client_addresses WHERE client_id = " + str(other));
    EXPECT_EQ(call("DELETE", path + "/" + str(othersAddress)).status, 404);
    const HttpResult removed = call("DELETE", path + "/" + str(first));
    ASSERT_EQ(removed.status, 200) << removed.body;
    EXPECT_EQ(removed.json()->getArray("addresses")->size(), 1u);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM client_addresses WHERE id = " + str(first)), 0);
    const HttpResult last = call("DELETE", path + "/" + str(second));
    ASSERT_EQ(last.status, 409) << last.body;
    EXPECT_EQ(errorCode(last), "last_address");
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM client_addresses WHERE client_id = " + str(id)), 1);
}

TEST_F(ClientsApi, MergeKeepsAllHistoryAndAddressesAndLeavesAnAlias) {
    MqttProbe probe("omnigate/v1/#");
    const std::string tag = uniqueId();
    const WebchatVisitor anna = visitor("Anna " + tag, "anna." + tag + "@example.com", 2);
    const WebchatVisitor annaAgain = visitor("Anna Again " + tag, "anna.work." + tag + "@example.com", 3);
    ASSERT_NE(anna.clientId, annaAgain.clientId);
    const std::int64_t into = anna.clientId;
    const std::int64_t from = annaAgain.clientId;
    const std::string digits = randomDigits();
    ASSERT_EQ(call("POST", "/api/v1/clients/" + str(from) + "/addresses",
                   R"({"kind":"phone","value":"+44)" + digits + R"("})").status, 201);
    ASSERT_EQ(call("PATCH", "/api/v1/clients/" + str(into), R"({"version":1,"card":{"city":"Perm"},"flags":["vip"]})").status, 200);
    ASSERT_EQ(call("PATCH", "/api/v1/clients/" + str(from),
                   R"({"version":2,"card":{"city":"Tver","company":"Acme"},"flags":["b2b","vip"]})").status, 200);

    const auto count = [&](const std::string& table, std::int64_t client) {
        return db_.scalar("SELECT COUNT(*) FROM " + table + " WHERE client_id = " + str(client));
    };
    const std::int64_t messages = count("messages", into) + count("messages", from);
    const std::int64_t interactions = count("interactions", into) + count("interactions", from);
    const std::int64_t addresses = count("client_addresses", into) + count("client_addresses", from);
    EXPECT_EQ(messages, 5);
    EXPECT_EQ(interactions, 2);
    EXPECT_EQ(addresses, 5);  // two visitor ids, two emails, a phone

    const HttpResult merged = call("POST", "/api/v1/clients/" + str(into) + "/merge", R"({"from_client_id":)" + str(from) + "}");
    ASSERT_EQ(merged.status, 200) << merged.body;
    EXPECT_EQ(merged.json()->getValue<std::int64_t>("moved_interactions"), 1);
    EXPECT_EQ(merged.json()->getValue<std::int64_t>("moved_addresses"), 3);
    EXPECT_EQ(merged.json()->getValue<std::int64_t>("moved_messages"), 3);

    // Everything now belongs to the survivor; nothing was lost or left behind.
    EXPECT_EQ(count("messages", into), messages);
    EXPECT_EQ(count("interactions", into), interactions);
    EXPECT_EQ(count("client_addresses", into), addresses);
    EXPECT_EQ(count("messages", from), 0);
    EXPECT_EQ(count("interactions", from), 0);
    EXPECT_EQ(count("client_addresses", from), 0);
    EXPECT_EQ(db_.scalar("SELECT alias_of FROM clients WHERE id = " + str(from)), into);

    const auto survivor = client(into);
    EXPECT_EQ(survivor->getValue<std::string>("name"), "Anna " + tag);
    EXPECT_EQ(survivor->getObject("card")->getValue<std::string>("city"), "Perm");  // the survivor's own value stays
    EXPECT_EQ(survivor->getObject("card")->getValue<std::string>("company"), "Acme");  // a missing key is filled
    const auto flags = survivor->getArray("flags");
    ASSERT_EQ(flags->size(), 2u);
    EXPECT_EQ(flags->getElement<std::string>(0), "vip");
    EXPECT_EQ(flags->getElement<std::string>(1), "b2b");
    EXPECT_EQ(survivor->getArray("addresses")->size(), static_cast<std::size_t>(addresses));

    // Old links still resolve, and say where the client went; searches list only the survivor.
    const auto alias = client(from);
    EXPECT_EQ(alias->getValue<std::int64_t>("alias_of"), into);
    EXPECT_EQ(alias->getArray("addresses")->size(), 0u);
    EXPECT_TRUE(search("Anna Again " + tag).empty());
    EXPECT_EQ(search("anna.work." + tag + "@example.com"), std::vector<std::int64_t>{into});
    EXPECT_EQ(search("+44" + digits), std::vector<std::int64_t>{into});
    const auto listed = search(tag);
    EXPECT_TRUE(contains(listed, into));
    EXPECT_FALSE(contains(listed, from));
    const HttpResult history = call("GET", "/api/v1/clients/" + str(into) + "/interactions");
    ASSERT_EQ(history.status, 200) << history.body;
    EXPECT_EQ(history.json()->getArray("interactions")->size(), 2u);

    // The merged visitor writes again: the address now leads to the survivor.
    const HttpResult later = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"me again"})", annaAgain.token);
    ASSERT_EQ(later.status, 201) << later.body;
    EXPECT_EQ(later.json()->getValue<std::int64_t>("client_id"), into);

    const auto mergedEvents = [&](std::int64_t topicClient) {
        return probe.waitFor(
            [&](const ReceivedMessage& m) {
                if (!clientEvent(topicClient, "client.merged")(m)) return false;
                const auto data = parse(m.payload)->getObject("data");
                return data->getValue<std::int64_t>("client_id") == into &&
                       data->getValue<std::int64_t>("merged_client_id") == from &&
                       data->getValue<std::int64_t>("moved_interactions") == 1 &&
                       data->getValue<std::int64_t>("moved_addresses") == 3;
            },
            1, kEventWait);
    };
    EXPECT_EQ(distinctEvents(mergedEvents(into)), 1u);
    EXPECT_EQ(distinctEvents(mergedEvents(from)), 1u);
    EXPECT_EQ(distinctEvents(probe.waitFor(
                  [&](const ReceivedMessage& m) {
                      return clientEvent(into, "client.updated")(m) &&
                             parse(m.payload)->getObject("data")->getObject("client")->getArray("addresses")->size() ==
                                 static_cast<std::size_t>(addresses);
                  },
                  1, kEventWait)),
              1u);
    // The moved interaction announces its new client.
    EXPECT_EQ(distinctEvents(probe.waitFor(
                  [&](const ReceivedMessage& m) {
                      if (m.topic != "omnigate/v1/interactions/" + str(annaAgain.interactionId) + "/events") return false;
                      const auto event = parse(m.payload);
                      return event->getValue<std::string>("type") == "interaction.updated" &&
                             event->getObject("data")->getValue<std::int64_t>("client_id") == into;
                  },
                  1, kEventWait)),
              1u);
}

TEST_F(ClientsApi, MergeRefusesSelfAliasesAndUnknownClients) {
    const std::string tag = uniqueId();
    const auto make = [&](const std::string& name) {
        return createClient(name + " " + tag, R"([{"kind":"webchat","value":")" + uniqueId() + R"("}])")
            ->getValue<std::int64_t>("id");
    };
    const std::int64_t a = make("A");
    const std::int64_t b = make("B");
    const std::int64_t c = make("C");
    const auto merge = [&](std::int64_t into, std::int64_t from) {
        return call("POST", "/api/v1/clients/" + str(into) + "/merge", R"({"from_client_id":)" + str(from) + "}");
    };
    const HttpResult self = merge(a, a);
    EXPECT_EQ(self.status, 409) << self.body;
    EXPECT_EQ(errorCode(self), "self_merge");
    EXPECT_EQ(merge(a, 999999999).status, 404);
    EXPECT_EQ(merge(999999999, a).status, 404);
    EXPECT_EQ(call("POST", "/api/v1/clients/" + str(a) + "/merge", "{}").status, 400);

    ASSERT_EQ(merge(a, b).status, 200);
    const HttpResult ofAlias = merge(c, b);  // b is already part of a
    EXPECT_EQ(ofAlias.status, 409) << ofAlias.body;
    EXPECT_EQ(errorCode(ofAlias), "client_merged");
    const HttpResult intoAlias = merge(b, c);
    EXPECT_EQ(intoAlias.status, 409) << intoAlias.body;
    EXPECT_NE(errorMessage(intoAlias).find("client " + str(a)), std::string::npos) << "names where b went";
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM clients WHERE alias_of IS NOT NULL AND id = " + str(c)), 0);
    // An alias cannot be edited either: the edit belongs on the survivor.
    EXPECT_EQ(call("PATCH", "/api/v1/clients/" + str(b), R"({"version":2,"name":"x"})").status, 409);

    // Merging the survivor on re-points its aliases, so every alias names a real client.
    ASSERT_EQ(merge(c, a).status, 200);
    EXPECT_EQ(db_.scalar("SELECT alias_of FROM clients WHERE id = " + str(a)), c);
    EXPECT_EQ(db_.scalar("SELECT alias_of FROM clients WHERE id = " + str(b)), c);
    EXPECT_EQ(client(b)->getValue<std::int64_t>("alias_of"), c);
    EXPECT_EQ(client(c)->getArray("addresses")->size(), 3u);
}

TEST_F(ClientsApi, InteractionsOfAClientAreListedNewestFirstAcrossPages) {
    const std::string tag = uniqueId();
    const WebchatVisitor one = visitor("Pages One " + tag, "pages.one." + tag + "@example.com");
    const WebchatVisitor two = visitor("Pages Two " + tag, "pages.two." + tag + "@example.com");
    const WebchatVisitor three = visitor("Pages Three " + tag, "pages.three." + tag + "@example.com");
    ASSERT_EQ(call("POST", "/api/v1/clients/" + str(one.clientId) + "/merge", R"({"from_client_id":)" + str(two.clientId) + "}").status, 200);
    ASSERT_EQ(call("POST", "/api/v1/clients/" + str(one.clientId) + "/merge", R"({"from_client_id":)" + str(three.clientId) + "}").status, 200);

    std::vector<std::int64_t> seen;
    std::string cursor;
    for (int page = 0; page < 5; ++page) {
        const HttpResult r = call("GET", "/api/v1/clients/" + str(one.clientId) + "/interactions?limit=2" +
                                             (cursor.empty() ? "" : "&cursor=" + cursor));
        ASSERT_EQ(r.status, 200) << r.body;
        const auto list = r.json()->getArray("interactions");
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto interaction = list->getObject(static_cast<unsigned>(i));
            EXPECT_EQ(interaction->getValue<std::int64_t>("client_id"), one.clientId);
            seen.push_back(interaction->getValue<std::int64_t>("id"));
        }
        if (r.json()->isNull("next_cursor")) break;
        cursor = r.json()->getValue<std::string>("next_cursor");
    }
    EXPECT_EQ(seen, (std::vector<std::int64_t>{three.interactionId, two.interactionId, one.interactionId}));
    EXPECT_EQ(call("GET", "/api/v1/clients/999999999/interactions").status, 404);
    // The alias keeps no interactions of its own: they moved with the merge.
    const HttpResult ofAlias = call("GET", "/api/v1/clients/" + str(two.clientId) + "/interactions");
    ASSERT_EQ(ofAlias.status, 200);
    EXPECT_EQ(ofAlias.json()->getArray("interactions")->size(), 0u);
}

TEST_F(ClientsApi, AnInteractionIsLinkedToTheClientWhoReallyWrote) {
    MqttProbe probe("omnigate/v1/interactions/+/events");
    const std::string tag = uniqueId();
    const WebchatVisitor visitorOnSharedLaptop = visitor("Shared " + tag, "shared." + tag + "@example.com", 2);
    const std::int64_t interaction = visitorOnSharedLaptop.interactionId;
    const std::int64_t realWriter =
        createClient("Real Writer " + tag, R"([{"kind":"email","value":"real.)" + tag + R"(@example.com"}])")
            ->getValue<std::int64_t>("id");
    const std::string path = "/api/v1/interactions/" + str(interaction) + "/client";
    const std::int64_t version = db_.scalar("SELECT version FROM interactions WHERE id = " + str(interaction));

    const HttpResult stale = call("POST", path, R"({"client_id":)" + str(realWriter) + R"(,"version":)" + str(version + 5) + "}");
    EXPECT_EQ(stale.status, 409) << stale.body;
    EXPECT_EQ(errorCode(stale), "version_conflict");
    EXPECT_EQ(call("POST", path, R"({"client_id":999999999})").status, 404);
    EXPECT_EQ(call("POST", "/api/v1/interactions/999999999/client", R"({"client_id":)" + str(realWriter) + "}").status, 404);
    EXPECT_EQ(call("POST", path, R"({"client_id":"x"})").status, 400);

    const HttpResult linked = call("POST", path, R"({"client_id":)" + str(realWriter) + R"(,"version":)" + str(version) + "}");
    ASSERT_EQ(linked.status, 200) << linked.body;
    EXPECT_EQ(linked.json()->getValue<std::int64_t>("client_id"), realWriter);
    EXPECT_EQ(linked.json()->getValue<std::int64_t>("version"), version + 1);
    EXPECT_EQ(db_.scalar("SELECT client_id FROM interactions WHERE id = " + str(interaction)), realWriter);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE interaction_id = " + str(interaction) +
                         " AND client_id = " + str(realWriter)),
              2);
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE interaction_id = " + str(interaction) +
                         " AND client_id <> " + str(realWriter)),
              0);
    const auto events = probe.waitFor(
        [&](const ReceivedMessage& m) {
            if (m.topic != "omnigate/v1/interactions/" + str(interaction) + "/events") return false;
            const auto event = parse(m.payload);
            if (event->getValue<std::string>("type") != "interaction.updated") return false;
            const auto changes = event->getObject("data")->getArray("changes");
            return changes->size() == 1 && changes->getElement<std::string>(0) == "client_id" &&
                   event->getObject("data")->getValue<std::int64_t>("client_id") == realWriter;
        },
        1, kEventWait);
    EXPECT_EQ(distinctEvents(events), 1u);

    // A merged-away client is no target: the interaction belongs with the survivor.
    const std::int64_t absorbed =
        createClient("Absorbed " + tag, R"([{"kind":"webchat","value":")" + uniqueId() + R"("}])")->getValue<std::int64_t>("id");
    ASSERT_EQ(call("POST", "/api/v1/clients/" + str(realWriter) + "/merge", R"({"from_client_id":)" + str(absorbed) + "}").status, 200);
    const HttpResult toAlias = call("POST", path, R"({"client_id":)" + str(absorbed) + "}");
    EXPECT_EQ(toAlias.status, 409) << toAlias.body;
    EXPECT_EQ(errorCode(toAlias), "client_merged");
    EXPECT_EQ(db_.scalar("SELECT client_id FROM interactions WHERE id = " + str(interaction)), realWriter);
}

}  // namespace
}  // namespace omnigate::test
