// Prioritisation rules: parsing that names the bad field (and refuses unknown ones at every level), and the pure
// evaluator, table by table: each condition alone holding and failing, combinations, inactive rules, order, and
// whole-word matching in Russian and English text with punctuation. The dry run and the distributor both rely on
// this one function, so what it says here is what an administrator sees.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <string>
#include <vector>

#include "model/routing_rule.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

Poco::JSON::Object::Ptr object(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// A rule with the given conditions (JSON object text) sending to queue "q".
RoutingRule rule(const std::string& conditions, std::int64_t id = 1, bool active = true) {
    RoutingRule r = RoutingRule::parse(object(R"({"name":"rule )" + std::to_string(id) + R"(","conditions":)" +
                                              conditions + R"(,"actions":{"queue":"q"}})"));
    r.id = id;
    r.active = active;
    return r;
}

RoutingFacts sampleFacts() {
    RoutingFacts f;
    f.channel = "webchat";
    f.account = "demo";
    f.clientFlags = {"vip", "debtor"};
    f.card = {{"tier", "gold"}, {"city", "Казань"}};
    f.topics = {5, 9};
    f.text = "Здравствуйте! Хочу ВЕРНУТЬ деньги, заказ №123. Refund, please.";
    f.waitedSeconds = 90;
    return f;
}

std::string parseError(const std::string& text) {
    try {
        RoutingRule::parse(object(text));
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 400) << text;
        return e.what();
    }
    ADD_FAILURE() << "accepted " << text;
    return "";
}

std::string joined(const std::vector<std::string>& reasons) {
    std::string out;
    for (const std::string& r : reasons) out += (out.empty() ? "" : " | ") + r;
    return out;
}

struct ConditionCase {
    const char* what;
    const char* conditions;
    bool holds;
    const char* reason;  // a part of the reason the trace must give
};

TEST(RoutingRuleEvaluation, EachConditionAloneHoldsOrFails) {
    const std::vector<ConditionCase> cases = {
        {"channel listed", R"({"channels":["email","webchat"]})", true, "channel 'webchat' is one of [email, webchat]"},
        {"channel not listed", R"({"channels":["email"]})", false, "channel 'webchat' is not one of [email]"},
        {"account listed", R"({"accounts":["demo"]})", true, "account 'demo' is one of [demo]"},
        {"account not listed", R"({"accounts":["sales","support"]})", false,
         "account 'demo' is not one of [sales, support]"},
        {"all flags present", R"({"client_flags":["vip","debtor"]})", true, "has the flags [vip, debtor]"},
        {"one flag missing", R"({"client_flags":["vip","blocked"]})", false,
         "lacks the flags [blocked] (it has [vip, debtor])"},
        {"flags are case-sensitive", R"({"client_flags":["VIP"]})", false, "lacks the flags [VIP]"},
        {"card field equal", R"({"card_fields":{"tier":"gold"}})", true, "card's 'tier' is 'gold'"},
        {"card field Cyrillic value", R"({"card_fields":{"city":"Казань"}})", true, "card's 'city' is 'Казань'"},
        {"card field differs", R"({"card_fields":{"tier":"silver"}})", false, "'tier' is 'gold', not 'silver'"},
        {"card field missing", R"({"card_fields":{"segment":"b2b"}})", false, "has no field 'segment' (wanted 'b2b')"},
        {"one topic matches", R"({"topics":[1,9]})", true, "has topic 9, one of [1, 9]"},
        {"no topic matches", R"({"topics":[1,2]})", false, "none of the topics [1, 2] (it has [5, 9])"},
        {"Cyrillic word, other case", R"({"words":["вернуть"]})", true, "contains the word 'вернуть'"},
        {"upper-case rule word", R"({"words":["ДЕНЬГИ"]})", true, "contains the word 'ДЕНЬГИ'"},
        {"English word before a comma", R"({"words":["refund"]})", true, "contains the word 'refund'"},
        {"word after an exclamation mark", R"({"words":["здравствуйте"]})", true, "contains the word"},
        {"digits are words", R"({"words":["123"]})", true, "contains the word '123'"},
        {"phrase of two words", R"({"words":["вернуть деньги"]})", true, "contains the word 'вернуть деньги'"},
        {"phrase in the wrong order", R"({"words":["деньги вернуть"]})", false, "contains none of the words"},
        {"part of a word is not a word", R"({"words":["день"]})", false,
         "the text contains none of the words [день]"},
        {"longer than the word", R"({"words":["refunds"]})", false, "contains none of the words [refunds]"},
        {"any of several words", R"({"words":["жалоба","please"]})", true, "contains the word 'please'"},
        {"waited long enough", R"({"waited_seconds_at_least":90})", true, "waited 90 s, at least 90 s"},
        {"not waited long enough", R"({"waited_seconds_at_least":91})", false, "waited 90 s, less than 91 s"},
        {"no conditions", R"({})", true, "no conditions: it matches every interaction"},
    };
    const RoutingFacts facts = sampleFacts();
    for (const ConditionCase& c : cases) {
        const RuleEvaluation e = evaluateRules({rule(c.conditions)}, facts);
        ASSERT_EQ(e.trace.size(), 1u) << c.what;
        EXPECT_EQ(e.trace[0].matched, c.holds) << c.what;
        EXPECT_EQ(e.matched.has_value(), c.holds) << c.what;
        EXPECT_NE(joined(e.trace[0].reasons).find(c.reason), std::string::npos)
            << c.what << ": " << joined(e.trace[0].reasons);
    }
}

struct TextCase {
    const char* text;
    const char* word;
    bool holds;
};

TEST(RoutingRuleEvaluation, WordsAreWholeWordsInAnyCaseAndScript) {
    const std::vector<TextCase> cases = {
        {"СРОЧНО!!!", "срочно", true},
        {"(срочно)", "Срочно", true},
        {"не-срочно", "срочно", true},           // a hyphen separates words
        {"несрочно", "срочно", false},           // inside a longer word
        {"Ёлка", "ёлка", true},
        {"ПРИВЕТ,мир", "мир", true},
        {"email:test@example.com", "example", true},
        {"order123", "order", false},            // letters and digits are one word
        {"order 123", "order", true},
        {"«Жалоба» на оператора", "жалоба", true},
        {"Straße", "STRASSE", false},            // lower-casing, not folding
        {"", "anything", false},
    };
    for (const TextCase& c : cases) {
        RoutingFacts facts;
        facts.text = c.text;
        const std::string conditions = std::string(R"({"words":[")") + c.word + R"("]})";
        EXPECT_EQ(evaluateRules({rule(conditions)}, facts).matched.has_value(), c.holds)
            << "'" << c.word << "' in '" << c.text << "'";
    }
}

TEST(RoutingRuleEvaluation, EveryConditionMustHoldAndEachIsExplained) {
    const RoutingFacts facts = sampleFacts();
    const std::string all =
        R"({"channels":["webchat"],"accounts":["demo"],"client_flags":["vip"],"card_fields":{"tier":"gold"},)"
        R"("topics":[5],"words":["refund"],"waited_seconds_at_least":60})";
    const RuleEvaluation yes = evaluateRules({rule(all)}, facts);
    ASSERT_TRUE(yes.matched);
    EXPECT_EQ(yes.trace[0].reasons.size(), 7u) << joined(yes.trace[0].reasons);

    // One failing condition among holding ones is enough to fail, and the others are still reported.
    const std::string oneFails =
        R"({"channels":["webchat"],"client_flags":["vip"],"words":["refund"],"waited_seconds_at_least":600})";
    const RuleEvaluation no = evaluateRules({rule(oneFails)}, facts);
    EXPECT_FALSE(no.matched);
    ASSERT_EQ(no.trace[0].reasons.size(), 4u);
    EXPECT_NE(no.trace[0].reasons[0].find("is one of"), std::string::npos);
    EXPECT_NE(no.trace[0].reasons[3].find("less than 600 s"), std::string::npos);

    // Two failing conditions: both named.
    const RuleEvaluation two = evaluateRules({rule(R"({"channels":["email"],"topics":[77]})")}, facts);
    EXPECT_FALSE(two.matched);
    const std::string reasons = joined(two.trace[0].reasons);
    EXPECT_NE(reasons.find("not one of [email]"), std::string::npos) << reasons;
    EXPECT_NE(reasons.find("none of the topics [77]"), std::string::npos) << reasons;
}

TEST(RoutingRuleEvaluation, TheFirstMatchingActiveRuleInOrderDecides) {
    const RoutingFacts facts = sampleFacts();
    RoutingRule email = rule(R"({"channels":["email"]})", 1);
    RoutingRule inactive = rule(R"({"words":["refund"]})", 2, false);
    RoutingRule words = rule(R"({"words":["refund"]})", 3);
    words.actions.queue = "refunds";
    words.actions.priority = 40;
    words.actions.priorityPerMinute = 1.5;
    RoutingRule catchAll = rule("{}", 4);
    catchAll.actions.queue = "general";

    const RuleEvaluation e = evaluateRules({email, inactive, words, catchAll}, facts);
    ASSERT_TRUE(e.matched);
    EXPECT_EQ(e.matched->id, 3);
    EXPECT_EQ(e.matched->actions.queue, "refunds");
    EXPECT_EQ(e.matched->actions.priority, 40);
    EXPECT_DOUBLE_EQ(e.matched->actions.priorityPerMinute, 1.5);
    // The trace runs up to and including the match, the inactive rule shown as skipped.
    ASSERT_EQ(e.trace.size(), 3u);
    EXPECT_EQ(e.trace[0].ruleId, 1);
    EXPECT_FALSE(e.trace[0].matched);
    EXPECT_EQ(e.trace[1].ruleId, 2);
    EXPECT_FALSE(e.trace[1].matched);
    EXPECT_EQ(joined(e.trace[1].reasons), "the rule is inactive: skipped");
    EXPECT_TRUE(e.trace[2].matched);
    EXPECT_EQ(e.trace[2].name, "rule 3");

    // Another order, another answer: the catch-all first takes everything.
    const RuleEvaluation reordered = evaluateRules({catchAll, words}, facts);
    ASSERT_TRUE(reordered.matched);
    EXPECT_EQ(reordered.matched->actions.queue, "general");
    EXPECT_EQ(reordered.trace.size(), 1u);

    // An inactive rule never matches, even one without conditions.
    const RuleEvaluation none = evaluateRules({rule("{}", 5, false), email}, facts);
    EXPECT_FALSE(none.matched);
    EXPECT_EQ(none.trace.size(), 2u);
    EXPECT_TRUE(evaluateRules({}, facts).trace.empty());
}

TEST(RoutingRuleParse, ReadsEveryFieldAndWritesItBack) {
    const RoutingRule r = RoutingRule::parse(object(
        R"({"name":"  VIP refunds ","active":false,"conditions":{"channels":["webchat"],"accounts":["demo"],)"
        R"("client_flags":["vip"],"card_fields":{"tier":"gold"},"topics":[3,4],"words":["возврат"],)"
        R"("waited_seconds_at_least":30},"actions":{"queue":"vip","priority":70,"priority_per_minute":0.5}})"));
    EXPECT_EQ(r.name, "VIP refunds");
    EXPECT_FALSE(r.active);
    EXPECT_EQ(r.conditions.channels, std::vector<std::string>{"webchat"});
    EXPECT_EQ(r.conditions.accounts, std::vector<std::string>{"demo"});
    EXPECT_EQ(r.conditions.clientFlags, std::vector<std::string>{"vip"});
    EXPECT_EQ(r.conditions.cardFields.at("tier"), "gold");
    EXPECT_EQ(r.conditions.topics, (std::vector<std::int64_t>{3, 4}));
    EXPECT_EQ(r.conditions.words, std::vector<std::string>{"возврат"});
    EXPECT_EQ(r.conditions.waitedSecondsAtLeast, 30);
    EXPECT_EQ(r.actions.queue, "vip");
    EXPECT_EQ(r.actions.priority, 70);
    EXPECT_DOUBLE_EQ(r.actions.priorityPerMinute, 0.5);

    // toJson feeds parse again unchanged (the store keeps conditions and actions this way).
    const auto json = r.toJson();
    Poco::JSON::Object::Ptr again = new Poco::JSON::Object;
    for (const char* key : {"name", "active", "conditions", "actions"}) again->set(key, json->get(key));
    const RoutingRule back = RoutingRule::parse(again);
    EXPECT_EQ(back.conditions.topics, r.conditions.topics);
    EXPECT_EQ(back.conditions.cardFields, r.conditions.cardFields);
    EXPECT_EQ(back.conditions.waitedSecondsAtLeast, 30);
    EXPECT_DOUBLE_EQ(back.actions.priorityPerMinute, 0.5);
    EXPECT_FALSE(back.active);

    // The minimum: a name and a queue. Active by default, no conditions, priority 0.
    const RoutingRule minimal = RoutingRule::parse(object(R"({"name":"all","actions":{"queue":"general"}})"));
    EXPECT_TRUE(minimal.active);
    EXPECT_FALSE(minimal.actions.priority);
    EXPECT_EQ(minimal.toJson()->getObject("conditions")->size(), 0u);
    EXPECT_EQ(minimal.toJson()->getObject("actions")->getValue<int>("priority"), 0);
}

struct ErrorCase {
    const char* body;
    const char* message;  // a part of the 400's message
};

TEST(RoutingRuleParse, BadValuesAreRefusedNamingTheField) {
    const std::string name = std::string(256, 'x');
    const std::string longName = R"({"name":")" + name + R"(","actions":{"queue":"q"}})";
    std::string manyWords = R"({"name":"n","conditions":{"words":[)";
    for (int i = 0; i < 101; ++i) manyWords += (i ? ",\"w" : "\"w") + std::to_string(i) + "\"";
    manyWords += R"(]},"actions":{"queue":"q"}})";

    const std::vector<ErrorCase> cases = {
        {R"({"actions":{"queue":"q"}})", "'name' is required"},
        {R"({"name":"  ","actions":{"queue":"q"}})", "'name' is empty"},
        {R"({"name":5,"actions":{"queue":"q"}})", "'name' must be a string"},
        {longName.c_str(), "'name' is longer than 255 bytes"},
        {R"({"name":"n","active":"yes","actions":{"queue":"q"}})", "'active' must be true or false"},
        {R"({"name":"n"})", "'actions' is required"},
        {R"({"name":"n","actions":[]})", "'actions' must be an object"},
        {R"({"name":"n","actions":{}})", "'actions.queue' is required"},
        {R"({"name":"n","actions":{"queue":""}})", "'actions.queue' is empty"},
        {R"({"name":"n","actions":{"queue":"q","priority":101}})", "'actions.priority' must be a whole number from 0 to 100"},
        {R"({"name":"n","actions":{"queue":"q","priority":-1}})", "'actions.priority'"},
        {R"({"name":"n","actions":{"queue":"q","priority":2.5}})", "'actions.priority'"},
        {R"({"name":"n","actions":{"queue":"q","priority":true}})", "'actions.priority'"},
        {R"({"name":"n","actions":{"queue":"q","priority_per_minute":-0.1}})", "'actions.priority_per_minute'"},
        {R"({"name":"n","actions":{"queue":"q","priority_per_minute":100.5}})", "'actions.priority_per_minute'"},
        {R"({"name":"n","actions":{"queue":"q","priority_per_minute":"1"}})", "'actions.priority_per_minute'"},
        {R"({"name":"n","actions":{"queue":"q","target":"x"}})",
         "'actions.target' is not an action (known: queue, priority, priority_per_minute)"},
        {R"({"name":"n","conditions":{"channel":["webchat"]},"actions":{"queue":"q"}})",
         "'conditions.channel' is not a condition (known: channels, accounts, client_flags, card_fields, topics, "
         "words, waited_seconds_at_least)"},
        {R"({"name":"n","queue":"q","actions":{"queue":"q"}})",
         "'queue' is not a field of a routing rule (known: name, active, conditions, actions)"},
        {R"({"name":"n","conditions":[],"actions":{"queue":"q"}})", "'conditions' must be an object"},
        {R"({"name":"n","conditions":{"channels":"webchat"},"actions":{"queue":"q"}})",
         "'conditions.channels' must be a list of strings"},
        {R"({"name":"n","conditions":{"channels":["webchat",7]},"actions":{"queue":"q"}})",
         "'conditions.channels[1]' must be a string"},
        {R"({"name":"n","conditions":{"accounts":[""]},"actions":{"queue":"q"}})", "'conditions.accounts[0]' is empty"},
        {R"({"name":"n","conditions":{"client_flags":["a,b"]},"actions":{"queue":"q"}})",
         "'conditions.client_flags[0]' contains a comma"},
        {R"({"name":"n","conditions":{"card_fields":["tier"]},"actions":{"queue":"q"}})", "'conditions.card_fields' must be an object"},
        {R"({"name":"n","conditions":{"card_fields":{"tier":1}},"actions":{"queue":"q"}})",
         "'conditions.card_fields.tier' must be a string"},
        {R"({"name":"n","conditions":{"topics":[1,0]},"actions":{"queue":"q"}})",
         "'conditions.topics[1]' must be a topic id"},
        {R"({"name":"n","conditions":{"topics":["5"]},"actions":{"queue":"q"}})", "'conditions.topics[0]'"},
        {R"({"name":"n","conditions":{"words":["ok",""]},"actions":{"queue":"q"}})", "'conditions.words[1]' is empty"},
        {R"({"name":"n","conditions":{"words":["?!"]},"actions":{"queue":"q"}})",
         "'conditions.words[0]' has no letters or digits"},
        {manyWords.c_str(), "'conditions.words' has 101 entries; at most 100"},
        {R"({"name":"n","conditions":{"waited_seconds_at_least":-1},"actions":{"queue":"q"}})",
         "'conditions.waited_seconds_at_least' must be a whole number"},
        {R"({"name":"n","conditions":{"waited_seconds_at_least":1.5},"actions":{"queue":"q"}})",
         "'conditions.waited_seconds_at_least'"},
        {R"({"name":"n","conditions":{"waited_seconds_at_least":99999999999},"actions":{"queue":"q"}})",
         "'conditions.waited_seconds_at_least'"},
    };
    for (const ErrorCase& c : cases) {
        const std::string message = parseError(c.body);
        EXPECT_NE(message.find(c.message), std::string::npos) << c.body << "\n  said: " << message;
    }
}

TEST(RoutingRuleParse, ListsMayHoldUpToOneHundredEntries) {
    std::string topics;
    for (int i = 1; i <= 100; ++i) topics += (i > 1 ? "," : "") + std::to_string(i);
    const RoutingRule r = RoutingRule::parse(
        object(R"({"name":"n","conditions":{"topics":[)" + topics + R"(]},"actions":{"queue":"q"}})"));
    EXPECT_EQ(r.conditions.topics.size(), 100u);
    // 255 bytes of Cyrillic (two bytes a letter) fit; one letter more does not.
    std::string name;
    for (int i = 0; i < 127; ++i) name += "я";
    EXPECT_EQ(RoutingRule::parse(object(R"({"name":")" + name + R"(","actions":{"queue":"q"}})")).name, name);
    EXPECT_NE(parseError(R"({"name":")" + name + R"(я","actions":{"queue":"q"}})").find("'name'"), std::string::npos);
}

}  // namespace
}  // namespace omnigate
