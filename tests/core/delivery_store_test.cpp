// Integration deliveries against the real MariaDB: an event written through the outbox is queued, in the same
// transaction, for every sink that wants its type (and for no other); leases hand out only the oldest pending
// delivery of each topic, so a receiver sees each topic in order; completing, retrying, dead-lettering and
// redelivering move that head as a CRM integration relies on. Each test rolls its transaction back.
#include <gtest/gtest.h>

#include <Poco/UUIDGenerator.h>

#include "db/connection_pool.h"
#include "db/event_sinks.h"
#include "db/migrator.h"
#include "db/outbox.h"
#include "store/delivery_store.h"
#include "support/test_env.h"

namespace omnigate {
namespace {

using namespace std::chrono_literals;

class DeliveryStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        DatabaseConfig db;
        db.port = test::requireEnvInt("OMNIGATE_DB_PORT");
        db.name = test::requireEnv("OMNIGATE_DB_NAME");
        db.user = test::requireEnv("OMNIGATE_DB_USER");
        db.password = test::requireEnv("OMNIGATE_DB_PASSWORD");
        pool_ = std::make_unique<ConnectionPool>(db);
        session_ = pool_->connect();
        Migrator(*session_, [](const std::string&) {}).apply(builtInMigrations());
        tag_ = Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
        sink_ = "test:" + tag_;
        session_->execute("START TRANSACTION");
    }
    void TearDown() override {
        session_->execute("ROLLBACK");
        EventSinks::global().set(sink_, {});
        EventSinks::global().set(sink_ + "-other", {});
    }

    // One event on topic `topic` (suffixed with the test's tag) through the outbox.
    void event(const std::string& topic, const std::string& type, int n) {
        Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
        data->set("n", n);
        appendEvent(*session_, "omnigate/v1/test/" + tag_ + "/" + topic, type, data);
    }
    std::vector<int> leased(std::size_t limit = 10) {
        std::vector<int> ns;
        for (const EventDelivery& d : DeliveryStore(*session_).lease(sink_, limit, 30s)) {
            ns.push_back(std::stoi(d.payload.substr(d.payload.find("\"n\":") + 4)));
            ids_[ns.back()] = d.id;
        }
        return ns;
    }

    std::unique_ptr<ConnectionPool> pool_;
    std::unique_ptr<DbSession> session_;
    std::string tag_;
    std::string sink_;
    std::map<int, std::int64_t> ids_;
};

TEST_F(DeliveryStoreTest, OnlyTheTypesASinkWantsAreQueuedForIt) {
    EventSinks::global().set(sink_, {"interaction.updated"});
    EventSinks::global().set(sink_ + "-other", {"client.created"});
    event("a", "interaction.updated", 1);
    event("a", "message.created", 2);
    event("b", "client.created", 3);
    EXPECT_EQ(leased(), (std::vector<int>{1}));
    EXPECT_EQ(DeliveryStore(*session_).lease(sink_ + "-other", 10, 30s).size(), 1u);
}

TEST_F(DeliveryStoreTest, EachTopicIsHandedOutInOrderOneAtATime) {
    EventSinks::global().set(sink_, {"x"});
    for (int n = 1; n <= 3; ++n) event("a", "x", n);
    for (int n = 4; n <= 5; ++n) event("b", "x", n);
    EXPECT_EQ(leased(), (std::vector<int>{1, 4})) << "the head of each topic";
    EXPECT_TRUE(leased().empty()) << "leased ones are not handed out again, nor what waits behind them";
    DeliveryStore store(*session_);
    store.complete("test:", ids_[1]);
    EXPECT_EQ(leased(), (std::vector<int>{2}));
    // A retry keeps its place at the head: what follows waits.
    store.retry("test:", ids_[2], std::chrono::system_clock::now() + 1h, "503");
    store.complete("test:", ids_[4]);
    EXPECT_EQ(leased(), (std::vector<int>{5}));
    // Dead-lettered, it stops holding up its topic; redelivered, it is the head again.
    store.deadLetter("test:", ids_[2], "400 Bad Request");
    EXPECT_EQ(leased(), (std::vector<int>{3}));
    const auto dead = store.deadLetters(sink_, 10);
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_EQ(dead[0].lastError, "400 Bad Request");
    EXPECT_EQ(dead[0].attempts, 2);
    EXPECT_EQ(store.redeliver(sink_, 0), 1u);
    store.complete("test:", ids_[3]);
    EXPECT_EQ(leased(), (std::vector<int>{2}));
    EXPECT_EQ(store.backlog(sink_), 2u) << "2, and 5 (leased, never completed)";
}

TEST_F(DeliveryStoreTest, APluginCompletesOnlyItsOwnDeliveries) {
    EventSinks::global().set(sink_, {"x"});
    event("a", "x", 1);
    ASSERT_EQ(leased(), (std::vector<int>{1}));
    DeliveryStore(*session_).complete("crm:", ids_[1]);
    EXPECT_EQ(DeliveryStore(*session_).backlog(sink_), 1u) << "another plugin's sink prefix must not touch it";
}

}  // namespace
}  // namespace omnigate
