// The inbound stages against the real MariaDB, each on its own and in order. Every test runs the stages inside a
// transaction it rolls back, so nothing it writes outlives it; catalog rows (black list, spam words, templates)
// must be committed for the cache to see them and are removed again afterwards.
#include <gtest/gtest.h>

#include <Poco/UUIDGenerator.h>
#include <cppconn/resultset.h>

#include "db/connection_pool.h"
#include "db/migrator.h"
#include "pipeline/auto_reply_stage.h"
#include "pipeline/inbound_batch_lookup.h"
#include "pipeline/inbound_pipeline.h"
#include "pipeline/spam_filter_stage.h"
#include "pipeline/threading_stage.h"
#include "store/inbound_reader.h"
#include "store/interaction_store.h"
#include "support/test_env.h"

namespace omnigate {
namespace {

using namespace std::chrono_literals;

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 13); }

DatabaseConfig testDatabase() {
    DatabaseConfig db;
    db.port = test::requireEnvInt("OMNIGATE_DB_PORT");
    db.name = test::requireEnv("OMNIGATE_DB_NAME");
    db.user = test::requireEnv("OMNIGATE_DB_USER");
    db.password = test::requireEnv("OMNIGATE_DB_PASSWORD");
    return db;
}

class InboundPipelineTest : public ::testing::Test {
protected:
    InboundPipelineTest() : pool_(testDatabase()), catalogs_(pool_, 1h), pipeline_(catalogs_, 72h, {"STOP", "СТОП"}, 72) {}

    void SetUp() override {
        committed_ = pool_.connect();
        Migrator(*committed_, [](const std::string&) {}).apply(builtInMigrations());
        session_ = pool_.connect();
        session_->execute("START TRANSACTION");
        account_ = "acc-" + unique();
    }

    void TearDown() override {
        session_->execute("ROLLBACK");
        for (const std::string& sql : cleanup_) committed_->execute(sql);
    }

    // Committed catalog rows, deleted after the test.
    void blacklist(const std::string& kind, const std::string& value) {
        committed_->execute("INSERT INTO blacklist (kind, value, created_at) VALUES ('" + kind + "', '" + value +
                            "', NOW(3))");
        cleanup_.push_back("DELETE FROM blacklist WHERE kind = '" + kind + "' AND value = '" + value + "'");
        catalogs_.invalidate();
    }
    void spamWord(const std::string& word) {
        committed_->execute("INSERT INTO spam_words (word, created_at) VALUES ('" + word + "', NOW(3))");
        cleanup_.push_back("DELETE FROM spam_words WHERE word = '" + word + "'");
        catalogs_.invalidate();
    }
    void autoReply(const std::string& trigger, const std::string& body, const std::string& hours = "") {
        committed_->execute(
            "INSERT INTO auto_reply_templates (name, channel, account, trigger_kind, body, working_hours, created_at, "
            "updated_at) VALUES ('t', 'webchat', '" + account_ + "', '" + trigger + "', '" + body + "', " +
            (hours.empty() ? "NULL" : "'" + hours + "'") + ", NOW(3), NOW(3))");
        cleanup_.push_back("DELETE FROM auto_reply_templates WHERE account = '" + account_ + "'");
        catalogs_.invalidate();
    }

    InboundMessage message(const std::string& visitor, const std::string& text, const std::string& externalId = "") {
        InboundMessage m;
        m.account = account_;
        m.externalId = externalId.empty() ? unique() : externalId;
        m.from = {"webchat", visitor};
        m.clientName = "Anna";
        m.text = text;
        return m;
    }

    InboundContext submit(const InboundMessage& m) {
        InboundContext context("webchat", m);
        pipeline_.prepare(context);
        pipeline_.run(context, *session_);
        return context;
    }

    std::int64_t count(const std::string& sql) {
        std::unique_ptr<sql::ResultSet> rs(session_->prepare(sql).executeQuery());
        rs->next();
        return rs->getInt64(1);
    }

    ConnectionPool pool_;
    CatalogCache catalogs_;
    InboundPipeline pipeline_;
    std::unique_ptr<DbSession> committed_;
    std::unique_ptr<DbSession> session_;
    std::vector<std::string> cleanup_;
    std::string account_;
};

TEST_F(InboundPipelineTest, ANewAddressMakesAClientAnInteractionAndTheMessageWithTheirEvents) {
    const std::int64_t outboxBefore = count("SELECT COUNT(*) FROM outbox");
    const InboundContext c = submit(message("v-" + unique(), "hello"));
    ASSERT_TRUE(c.interaction);
    EXPECT_TRUE(c.newInteraction);
    EXPECT_EQ(c.interaction->status, InteractionStatus::New);
    EXPECT_GT(c.stored.id, 0);
    EXPECT_EQ(c.stored.interactionId, c.interaction->id);
    EXPECT_EQ(c.stored.clientId, c.clientId);
    // client.created, interaction.created, message.created
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), outboxBefore + 3);
    EXPECT_EQ(count("SELECT COUNT(*) FROM interaction_status_history WHERE interaction_id = " +
                    std::to_string(c.interaction->id) + " AND to_status = 'new'"),
              1);
}

TEST_F(InboundPipelineTest, DeduplicationStopsARetryWithTheSameExternalId) {
    const std::string visitor = "v-" + unique();
    const InboundContext first = submit(message(visitor, "once", "ext-" + visitor));
    const InboundContext retry = submit(message(visitor, "once", "ext-" + visitor));
    ASSERT_TRUE(retry.duplicateOf);
    EXPECT_EQ(retry.duplicateOf->id, first.stored.id);
    EXPECT_FALSE(retry.interaction) << "a duplicate must not reach the later stages";
    EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE external_id = 'ext-" + visitor + "'"), 1);
}

TEST_F(InboundPipelineTest, ExternalIdsThatDifferOnlyInCaseAreTwoMessages) {
    // WhatsApp's ids are base64: "wamid.HBgLAbC" and "wamid.HBgLaBc" are two messages, and neither is a retry.
    const std::string visitor = "v-" + unique();
    const InboundContext upper = submit(message(visitor, "one", "wamid.HBgL-" + visitor + "-AbC"));
    const InboundContext lower = submit(message(visitor, "two", "wamid.HBgL-" + visitor + "-aBc"));
    EXPECT_FALSE(lower.duplicateOf) << "an id differing only in case was taken for a retry";
    EXPECT_NE(lower.stored.id, upper.stored.id);
    EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE external_id LIKE 'wamid.HBgL-" + visitor + "-%'"), 2);
    const InboundContext retry = submit(message(visitor, "two", "wamid.HBgL-" + visitor + "-aBc"));
    ASSERT_TRUE(retry.duplicateOf);
    EXPECT_EQ(retry.duplicateOf->id, lower.stored.id);
}

TEST_F(InboundPipelineTest, OneLookupFindsTheStoredIdTheClientAndOnlyTheirOpenInteractionOfThatThread) {
    const std::string visitor = "v-" + unique();
    const Address from{"webchat", visitor};
    InboundReader reader(*session_);
    auto nothing = reader.lookup("webchat", account_, "ext-" + visitor, from, "");
    EXPECT_EQ(nothing.duplicateId, 0);
    EXPECT_EQ(nothing.clientId, 0);
    EXPECT_FALSE(nothing.open);

    const InboundContext first = submit(message(visitor, "hello", "ext-" + visitor));
    auto found = reader.lookup("webchat", account_, "ext-" + visitor, from, "");
    EXPECT_EQ(found.duplicateId, first.stored.id);
    EXPECT_EQ(found.clientId, first.clientId);
    ASSERT_TRUE(found.open);
    EXPECT_EQ(found.open->id, first.interaction->id);
    EXPECT_EQ(found.open->status, InteractionStatus::New);

    // Another external id, another thread, another account: the client is known, nothing else matches.
    auto other = reader.lookup("webchat", account_, "ext2-" + visitor, from, "another-thread");
    EXPECT_EQ(other.duplicateId, 0);
    EXPECT_EQ(other.clientId, first.clientId);
    EXPECT_FALSE(other.open);
    EXPECT_FALSE(reader.lookup("webchat", "other-" + account_, "x", from, "").open);

    InteractionStore(*session_).changeStatus(first.interaction->id, InteractionStatus::Closed, Actor{"system", ""}, "",
                                             "done", "", std::nullopt);
    EXPECT_FALSE(reader.lookup("webchat", account_, "ext3-" + visitor, from, "").open)
        << "a closed interaction is never joined";
}

TEST_F(InboundPipelineTest, TheBatchLookupAnswersWhatEachSingleLookupAnswers) {
    // Known with an open interaction and a stored message; known with a second thread open; known with only a
    // closed interaction; unknown; and the stored id under another account.
    const std::string a = "v-" + unique(), b = "v-" + unique(), c = "v-" + unique(), d = "v-" + unique();
    const InboundContext first = submit(message(a, "hello", "ext-" + a));
    submit(message(b, "hello"));
    InboundMessage threaded = message(b, "about my order");
    threaded.threadKey = "order-7";
    submit(threaded);
    const InboundContext closing = submit(message(c, "bye"));
    InteractionStore store(*session_);
    store.changeStatus(closing.interaction->id, InteractionStatus::Closed, Actor{"system", ""}, "", "done", "",
                       std::nullopt);

    std::vector<InboundKey> keys{
        {"webchat", account_, "ext-" + a, {"webchat", a}, ""},          // a retry
        {"webchat", account_, "new-" + a, {"webchat", b}, "order-7"},   // b's second thread
        {"webchat", account_, "new-" + b, {"webchat", c}, ""},          // c: nothing open
        {"webchat", account_, "new-" + c, {"webchat", d}, ""},          // d: a stranger
        {"webchat", "other-" + account_, "ext-" + a, {"email", "x-" + a + "@example.org"}, ""}};
    InboundReader reader(*session_);
    const auto many = reader.lookupMany(keys);
    ASSERT_TRUE(many);
    ASSERT_EQ(many->size(), keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto& k = keys[i];
        const auto one = reader.lookup(k.channel, k.account, k.externalId, k.from, k.threadKey);
        EXPECT_EQ((*many)[i].duplicateId, one.duplicateId) << "key " << i;
        EXPECT_EQ((*many)[i].clientId, one.clientId) << "key " << i;
        EXPECT_EQ((*many)[i].open.has_value(), one.open.has_value()) << "key " << i;
        if ((*many)[i].open && one.open) {
            EXPECT_EQ((*many)[i].open->id, one.open->id) << "key " << i;
        }
    }
    // Not vacuous: the answers differ from key to key.
    EXPECT_EQ((*many)[0].duplicateId, first.stored.id);
    ASSERT_TRUE((*many)[1].open);
    EXPECT_EQ((*many)[1].open->threadKey, "order-7");
    EXPECT_NE((*many)[2].clientId, 0);
    EXPECT_FALSE((*many)[2].open);
    EXPECT_EQ((*many)[3].clientId, 0);
    EXPECT_EQ((*many)[4].duplicateId, 0) << "another account's message with that id is not a duplicate";
}

TEST_F(InboundPipelineTest, ABatchLeavesAMessageThatDependsOnAnEarlierOneToLookForItself) {
    // One batch: a stranger's first two messages, a retry of the first, and someone else's message. Read before
    // the batch, the stranger's second message would not see the client the first one creates, nor the retry
    // its original.
    const std::string x = "v-" + unique(), y = "v-" + unique();
    const InboundMessage m1 = message(x, "first", "ext-" + x);
    const InboundMessage m2 = message(x, "second");
    const InboundMessage m3 = message(x, "first", "ext-" + x);
    const InboundMessage m4 = message(y, "hi");
    std::vector<std::unique_ptr<InboundContext>> contexts;
    std::vector<WriteBatcher::PreludeItem*> items;
    for (const InboundMessage* m : {&m1, &m2, &m3, &m4}) {
        contexts.push_back(std::make_unique<InboundContext>("webchat", *m));
        pipeline_.prepare(*contexts.back());
        items.push_back(contexts.back().get());
    }
    InboundBatchLookup().runBefore(*session_, items);
    EXPECT_TRUE(contexts[0]->lookup);
    EXPECT_FALSE(contexts[1]->lookup) << "same sender as an earlier message of the batch";
    EXPECT_FALSE(contexts[2]->lookup) << "same external id as an earlier message of the batch";
    EXPECT_TRUE(contexts[3]->lookup);
    for (auto& context : contexts) pipeline_.run(*context, *session_);

    EXPECT_EQ(contexts[1]->clientId, contexts[0]->clientId) << "one client, not two";
    ASSERT_TRUE(contexts[1]->interaction);
    EXPECT_EQ(contexts[1]->interaction->id, contexts[0]->interaction->id);
    ASSERT_TRUE(contexts[2]->duplicateOf);
    EXPECT_EQ(contexts[2]->duplicateOf->id, contexts[0]->stored.id);
    EXPECT_NE(contexts[3]->clientId, contexts[0]->clientId);
    EXPECT_EQ(count("SELECT COUNT(*) FROM client_addresses WHERE value = '" + x + "'"), 1);
}

TEST_F(InboundPipelineTest, BlackListedSenderIsStoredButBlocked) {
    const std::string visitor = "v-" + unique();
    blacklist("webchat", visitor);
    const InboundContext c = submit(message(visitor, "let me in"));
    EXPECT_TRUE(c.blocked);
    EXPECT_EQ(c.interaction->status, InteractionStatus::Blocked);
    EXPECT_GT(c.stored.id, 0) << "nothing a client sends is lost";
    // Further messages collect in the same blocked interaction.
    EXPECT_EQ(submit(message(visitor, "again")).interaction->id, c.interaction->id);
}

TEST_F(InboundPipelineTest, BlackListedContactBlocksToo) {
    const std::string email = unique() + "@spammer.example";
    blacklist("email", email);
    InboundMessage m = message("v-" + unique(), "hi");
    m.contacts.push_back({"email", email});
    EXPECT_TRUE(submit(m).blocked);
}

TEST_F(InboundPipelineTest, AStopWordOptsTheClientOutOfCampaignsWithTheMessage) {
    const std::string visitor = "v-" + unique();
    const InboundContext first = submit(message(visitor, "Добрый день, стоп-кран сломан"));
    const std::string optedOut = "SELECT COUNT(*) FROM campaign_opt_outs WHERE client_id = " +
                                 std::to_string(first.clientId);
    EXPECT_EQ(count(optedOut), 0) << "a sentence holding the word is no request to stop";
    const InboundContext stop = submit(message(visitor, "  Стоп!"));
    EXPECT_EQ(count(optedOut), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE payload LIKE '%\"client.opted_out\"%' AND topic = "
                    "'omnigate/v1/clients/" + std::to_string(first.clientId) + "/events'"),
              1);
    EXPECT_EQ(stop.stored.text, "  Стоп!") << "the message itself is kept and goes on like any other";
    submit(message(visitor, "STOP"));
    EXPECT_EQ(count(optedOut), 1) << "opted out once";
}

TEST_F(InboundPipelineTest, SpamWordMarksANewInteractionSpamAndFlagsTheMessage) {
    const std::string word = "casino" + unique().substr(0, 4);
    spamWord(word);
    const InboundContext c = submit(message("v-" + unique(), "Best " + word + " bonus!"));
    EXPECT_TRUE(c.spam);
    EXPECT_EQ(c.interaction->status, InteractionStatus::Spam);
    EXPECT_EQ(count("SELECT spam FROM messages WHERE id = " + std::to_string(c.stored.id)), 1);
}

TEST(SpamFilter, MatchesWholeWordsAndPhrasesCaseInsensitivelyInAnyScript) {
    const std::vector<std::string> words{"sale", "купить дешево", "казино"};
    EXPECT_TRUE(SpamFilterStage::matches("Big SALE today", words));
    EXPECT_FALSE(SpamFilterStage::matches("we sell wholesale only", words)) << "not inside another word";
    EXPECT_TRUE(SpamFilterStage::matches("Хотите КУПИТЬ ДЕШЕВО?", words));
    EXPECT_TRUE(SpamFilterStage::matches("Лучшее Казино", words));
    EXPECT_FALSE(SpamFilterStage::matches("казиноман", words));
    EXPECT_FALSE(SpamFilterStage::matches("anything", {}));
}

TEST_F(InboundPipelineTest, FollowUpJoinsTheOpenInteractionAndAThreadKeySeparates) {
    const std::string visitor = "v-" + unique();
    const InboundContext first = submit(message(visitor, "one"));
    const InboundContext second = submit(message(visitor, "two"));
    EXPECT_EQ(second.interaction->id, first.interaction->id);
    EXPECT_FALSE(second.newInteraction);
    InboundMessage threaded = message(visitor, "about another order");
    threaded.threadKey = "order-42";
    EXPECT_NE(submit(threaded).interaction->id, first.interaction->id);
}

TEST_F(InboundPipelineTest, AfterAMergeEachAddressKeepsItsOwnConversation) {
    // Two web chat visitors turn out to be one person; the operator merges them. Each tab must still get the
    // answers to what it wrote, so each address keeps its own open interaction.
    const std::string first = "v-" + unique();
    const std::string second = "v-" + unique();
    const InboundContext a = submit(message(first, "from the phone"));
    const InboundContext b = submit(message(second, "from the laptop"));
    session_->execute("UPDATE client_addresses SET client_id = " + std::to_string(a.clientId) +
                      " WHERE kind = 'webchat' AND value = '" + second + "'");
    const InboundContext again = submit(message(second, "laptop again"));
    EXPECT_EQ(again.clientId, a.clientId);
    EXPECT_NE(again.interaction->id, a.interaction->id);
    EXPECT_EQ(again.interaction->address.value, second);
    EXPECT_EQ(submit(message(first, "phone again")).interaction->id, a.interaction->id);
}

TEST_F(InboundPipelineTest, AReplyGoesBackToAReadyOperatorOrElseToTheQueue) {
    const std::string op = "op-" + unique();
    session_->execute("INSERT INTO operators (id, name, capacities, status, status_since, created_at, updated_at) "
                      "VALUES ('" + op + "', 'Op', '{\"webchat\":2}', 'ready', NOW(3), NOW(3), NOW(3))");
    InteractionStore store(*session_);
    const auto waitingWith = [&](const std::string& visitor, const std::string& holder) {
        const InboundContext first = submit(message(visitor, "question"));
        session_->execute("UPDATE interactions SET operator = '" + holder + "', queue = 'support' WHERE id = " +
                          std::to_string(first.interaction->id));
        store.changeStatus(first.interaction->id, InteractionStatus::Assigned, Actor{"operator", holder}, "");
        store.changeStatus(first.interaction->id, InteractionStatus::Waiting, Actor{"operator", holder}, "asked");
        return first.interaction->id;
    };

    const std::string visitor = "v-" + unique();
    const std::int64_t id = waitingWith(visitor, op);
    const InboundContext reply = submit(message(visitor, "here are the details"));
    EXPECT_EQ(reply.interaction->id, id);
    EXPECT_EQ(reply.interaction->status, InteractionStatus::Assigned);
    EXPECT_EQ(reply.interaction->operatorId, op);
    const auto history = store.statusHistory(id);
    ASSERT_FALSE(history.empty());
    EXPECT_EQ(history.back().actorKind, "client");

    // On a break, the operator does not get it back: the queue does, and it no longer names them.
    session_->execute("UPDATE operators SET status = 'break' WHERE id = '" + op + "'");
    const std::string other = "v-" + unique();
    const std::int64_t second = waitingWith(other, op);
    const InboundContext queued = submit(message(other, "hello?"));
    EXPECT_EQ(queued.interaction->id, second);
    EXPECT_EQ(queued.interaction->status, InteractionStatus::Queued);
    EXPECT_EQ(queued.interaction->operatorId, "");
    EXPECT_EQ(queued.interaction->queue, "support");
}

TEST_F(InboundPipelineTest, AClosedInteractionIsNotReopenedButLinked) {
    const std::string visitor = "v-" + unique();
    const InboundContext first = submit(message(visitor, "question"));
    InteractionStore(*session_).changeStatus(first.interaction->id, InteractionStatus::Closed, Actor{"operator", "7"},
                                             "", "answered");
    const InboundContext again = submit(message(visitor, "another question"));
    EXPECT_TRUE(again.newInteraction);
    EXPECT_NE(again.interaction->id, first.interaction->id);
    EXPECT_EQ(again.interaction->previousInteractionId, first.interaction->id);
    EXPECT_EQ(InteractionStore(*session_).load(first.interaction->id)->status, InteractionStatus::Closed);
}

TEST_F(InboundPipelineTest, ADigitAfterARatingRequestRatesTheClosedInteraction) {
    const std::string visitor = "v-" + unique();
    const InboundContext first = submit(message(visitor, "question"));
    InteractionStore(*session_).changeStatus(first.interaction->id, InteractionStatus::Closed, Actor{"operator", "7"},
                                             "", "answered");
    session_->execute("UPDATE interactions SET rating_requested_at = NOW(3) WHERE id = " +
                      std::to_string(first.interaction->id));
    const InboundContext rating = submit(message(visitor, " 4 "));
    EXPECT_EQ(rating.ratingReply, 4);
    EXPECT_FALSE(rating.newInteraction);
    EXPECT_EQ(rating.interaction->id, first.interaction->id);
    EXPECT_EQ(rating.interaction->rating, 4);
    EXPECT_EQ(rating.stored.interactionId, first.interaction->id) << "the digit is kept with what it rates";
    // A second digit is a new conversation, not a second rating.
    EXPECT_TRUE(submit(message(visitor, "5")).newInteraction);
}

TEST_F(InboundPipelineTest, ADigitWithoutARatingRequestIsAMessage) {
    const std::string visitor = "v-" + unique();
    const InboundContext first = submit(message(visitor, "question"));
    InteractionStore(*session_).changeStatus(first.interaction->id, InteractionStatus::Closed, Actor{"operator", "7"}, "");
    const InboundContext c = submit(message(visitor, "5"));
    EXPECT_FALSE(c.ratingReply);
    EXPECT_TRUE(c.newInteraction);
}

TEST(RatingDigit, OnlyALoneDigitFromOneToFive) {
    EXPECT_EQ(ThreadingStage::ratingDigit("5"), 5);
    EXPECT_EQ(ThreadingStage::ratingDigit(" 3.\n"), 3);
    EXPECT_EQ(ThreadingStage::ratingDigit("1!"), 1);
    EXPECT_FALSE(ThreadingStage::ratingDigit("0"));
    EXPECT_FALSE(ThreadingStage::ratingDigit("6"));
    EXPECT_FALSE(ThreadingStage::ratingDigit("5 stars"));
    EXPECT_FALSE(ThreadingStage::ratingDigit(""));
}

TEST_F(InboundPipelineTest, ANewInteractionIsGreetedWithTheTemplatesVariablesFilledIn) {
    autoReply("new_interaction", "Hello {client.name}, your request {interaction.id} is registered.");
    const std::string visitor = "v-" + unique();
    const InboundContext c = submit(message(visitor, "hi"));
    ASSERT_EQ(c.autoReplies.size(), 1u);
    EXPECT_EQ(c.autoReplies[0].text,
              "Hello Anna, your request " + std::to_string(c.interaction->id) + " is registered.");
    EXPECT_EQ(c.autoReplies[0].author, AuthorKind::System);
    EXPECT_TRUE(c.autoReplies[0].autoGenerated);
    EXPECT_GT(c.autoReplies[0].id, c.stored.id) << "the answer follows the message";
    EXPECT_TRUE(submit(message(visitor, "follow-up")).autoReplies.empty()) << "greets new interactions only";
}

TEST_F(InboundPipelineTest, AnAutoReplyIsNeverAnsweredAutomatically) {
    autoReply("new_interaction", "Hello!");
    InboundMessage m = message("v-" + unique(), "I am out of office until Monday");
    m.autoSubmitted = true;
    const InboundContext c = submit(m);
    EXPECT_TRUE(c.autoReplies.empty());
    EXPECT_EQ(count("SELECT auto_generated FROM messages WHERE id = " + std::to_string(c.stored.id)), 1);
}

TEST_F(InboundPipelineTest, OutOfHoursAnswersOncePerInteraction) {
    // Open one minute a week, on a holiday: always out of hours.
    autoReply("out_of_hours", "We are closed, {client.name}.",
              R"({"utc_offset":"+00:00","days":[1],"from":"00:00","to":"00:01","holidays":["2000-01-03"]})");
    const std::string visitor = "v-" + unique();
    EXPECT_EQ(submit(message(visitor, "anyone?")).autoReplies.size(), 1u);
    EXPECT_TRUE(submit(message(visitor, "hello??")).autoReplies.empty());
}

TEST_F(InboundPipelineTest, InsideWorkingHoursNoOutOfHoursAnswer) {
    autoReply("out_of_hours", "We are closed.",
              R"({"utc_offset":"+00:00","days":[1,2,3,4,5,6,7],"from":"00:00","to":"24:00"})");
    EXPECT_TRUE(submit(message("v-" + unique(), "hi")).autoReplies.empty());
}

TEST_F(InboundPipelineTest, BlockedAndSpamAreNotAutoAnswered) {
    autoReply("new_interaction", "Hello!");
    const std::string visitor = "v-" + unique();
    blacklist("webchat", visitor);
    EXPECT_TRUE(submit(message(visitor, "hi")).autoReplies.empty());
}

}  // namespace
}  // namespace omnigate
