#include "model/routing_rule.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>
#include <Poco/TextIterator.h>
#include <Poco/UTF8Encoding.h>
#include <Poco/Unicode.h>

#include <algorithm>
#include <limits>
#include <set>
#include <type_traits>

#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

constexpr std::size_t kMaxNameBytes = 255;
constexpr std::size_t kMaxEntries = 100;
// The widths of the columns the facts come from: a longer value could never match, so it is a mistake.
constexpr std::size_t kMaxChannelBytes = 32;   // interactions.channel
constexpr std::size_t kMaxAccountBytes = 64;   // interactions.account
constexpr std::size_t kMaxFlagBytes = 255;     // clients.flags
constexpr std::size_t kMaxQueueBytes = 64;     // queues.id
constexpr std::size_t kMaxTextBytes = 1024;    // words, card field names and values
constexpr double kMaxPriority = 100;

const char* const kRuleFields[] = {"name", "active", "conditions", "actions"};
const char* const kConditionFields[] = {"channels", "accounts",  "client_flags",           "card_fields",
                                        "topics",   "words",     "waited_seconds_at_least"};
const char* const kActionFields[] = {"queue", "priority", "priority_per_minute"};

using Poco::JSON::Array;
using Poco::JSON::Object;

ApiError bad(const std::string& field, const std::string& what) {
    return ApiError::badRequest("'" + field + "' " + what);
}

std::string indexed(const std::string& field, std::size_t i) { return field + "[" + std::to_string(i) + "]"; }

template <std::size_t N>
void refuseUnknown(const Object::Ptr& object, const char* const (&known)[N], const std::string& prefix,
                   const std::string& what) {
    for (const std::string& name : object->getNames()) {
        if (std::find_if(std::begin(known), std::end(known), [&](const char* k) { return name == k; }) !=
            std::end(known)) {
            continue;
        }
        std::string list;
        for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        throw ApiError::badRequest("'" + prefix + name + "' is not " + what + " (known: " + list + ")");
    }
}

bool absent(const Object::Ptr& object, const std::string& key) { return !object->has(key) || object->isNull(key); }

Array::Ptr listOf(const Object::Ptr& object, const std::string& key, const std::string& field, const char* items) {
    const Array::Ptr array = object->getArray(key);
    if (!array) throw bad(field, std::string("must be a list of ") + items);
    if (array->size() > kMaxEntries) {
        throw bad(field, "has " + std::to_string(array->size()) + " entries; at most " + std::to_string(kMaxEntries));
    }
    return array;
}

std::string nonEmptyString(const Poco::Dynamic::Var& value, const std::string& field, std::size_t maxBytes) {
    if (!value.isString()) throw bad(field, "must be a string");
    std::string text = Poco::trim(value.extract<std::string>());
    if (text.empty()) throw bad(field, "is empty");
    if (text.size() > maxBytes) throw bad(field, "is longer than " + std::to_string(maxBytes) + " bytes");
    return text;
}

std::vector<std::string> stringList(const Object::Ptr& object, const std::string& key, const std::string& field,
                                    std::size_t maxBytes) {
    std::vector<std::string> out;
    if (absent(object, key)) return out;
    const Array::Ptr array = listOf(object, key, field, "strings");
    for (std::size_t i = 0; i < array->size(); ++i) {
        out.push_back(nonEmptyString(array->get(static_cast<unsigned>(i)), indexed(field, i), maxBytes));
    }
    return out;
}

// JSON's true is not the number 1 (Poco's Var would convert it).
// nullopt unless a whole number in the range of int64 (18446744073709551615 is not).
std::optional<std::int64_t> wholeNumber(const Poco::Dynamic::Var& value) {
    if (value.isEmpty() || value.isBoolean() || !value.isInteger()) return std::nullopt;
    try {
        return value.convert<std::int64_t>();
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

bool isNumber(const Poco::Dynamic::Var& value) {
    return !value.isEmpty() && !value.isBoolean() && !value.isString() && value.isNumeric();
}

// Letters (with their combining marks, so a decomposed "й" stays one word) and digits.
bool isWordCharacter(int ch) {
    if (ch < 0) return false;
    Poco::Unicode::CharacterProperties properties;
    Poco::Unicode::properties(ch, properties);
    return properties.category == Poco::Unicode::UCP_LETTER || properties.category == Poco::Unicode::UCP_MARK ||
           properties.type == Poco::Unicode::UCP_DECIMAL_NUMBER;
}

// The text's words, lower-cased: maximal runs of letters and digits. Invalid UTF-8 separates words.
std::vector<std::string> wordsOf(const std::string& text) {
    Poco::UTF8Encoding utf8;
    std::vector<std::string> words;
    std::string current;
    unsigned char buffer[8];
    Poco::TextIterator it(text, utf8);
    const Poco::TextIterator end(text);
    for (; it != end; ++it) {
        const int ch = *it;
        if (isWordCharacter(ch)) {
            const int length = utf8.convert(Poco::Unicode::toLower(ch), buffer, sizeof buffer);
            current.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(std::max(length, 0)));
        } else if (!current.empty()) {
            words.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) words.push_back(std::move(current));
    return words;
}

// A condition's word may be a phrase ("money back"): its words must follow each other in the text.
bool containsPhrase(const std::vector<std::string>& text, const std::vector<std::string>& phrase) {
    if (phrase.empty() || phrase.size() > text.size()) return false;
    return std::search(text.begin(), text.end(), phrase.begin(), phrase.end()) != text.end();
}

template <typename T>
std::string listText(const std::vector<T>& values) {
    std::string out;
    for (const T& v : values) {
        if constexpr (std::is_same_v<T, std::string>) {
            out += (out.empty() ? "" : ", ") + v;
        } else {
            out += (out.empty() ? "" : ", ") + std::to_string(v);
        }
    }
    return "[" + out + "]";
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

RuleConditions parseConditions(const Object::Ptr& object) {
    RuleConditions c;
    refuseUnknown(object, kConditionFields, "conditions.", "a condition");
    c.channels = stringList(object, "channels", "conditions.channels", kMaxChannelBytes);
    c.accounts = stringList(object, "accounts", "conditions.accounts", kMaxAccountBytes);
    c.clientFlags = stringList(object, "client_flags", "conditions.client_flags", kMaxFlagBytes);
    for (std::size_t i = 0; i < c.clientFlags.size(); ++i) {
        if (c.clientFlags[i].find(',') != std::string::npos) {
            throw bad(indexed("conditions.client_flags", i), "contains a comma; a client flag never does");
        }
    }
    if (!absent(object, "card_fields")) {
        const Object::Ptr fields = object->getObject("card_fields");
        if (!fields) throw bad("conditions.card_fields", "must be an object of card field names and their values");
        if (fields->size() > kMaxEntries) {
            throw bad("conditions.card_fields",
                      "has " + std::to_string(fields->size()) + " fields; at most " + std::to_string(kMaxEntries));
        }
        for (const std::string& name : fields->getNames()) {
            const std::string field = "conditions.card_fields." + name;
            if (Poco::trim(name).empty()) throw bad("conditions.card_fields", "names a field with an empty name");
            if (name.size() > kMaxTextBytes) throw bad(field, "has a name longer than 1024 bytes");
            const Poco::Dynamic::Var value = fields->get(name);
            if (!value.isString()) throw bad(field, "must be a string (card fields are compared as text)");
            const std::string text = value.extract<std::string>();
            if (text.size() > kMaxTextBytes) throw bad(field, "is longer than 1024 bytes");
            c.cardFields[name] = text;
        }
    }
    if (!absent(object, "topics")) {
        const Array::Ptr array = listOf(object, "topics", "conditions.topics", "topic ids");
        for (std::size_t i = 0; i < array->size(); ++i) {
            const Poco::Dynamic::Var value = array->get(static_cast<unsigned>(i));
            const auto topic = wholeNumber(value);
            if (!topic || *topic <= 0) {
                throw bad(indexed("conditions.topics", i), "must be a topic id (a positive integer)");
            }
            c.topics.push_back(*topic);
        }
    }
    c.words = stringList(object, "words", "conditions.words", kMaxTextBytes);
    for (std::size_t i = 0; i < c.words.size(); ++i) {
        if (wordsOf(c.words[i]).empty()) {
            throw bad(indexed("conditions.words", i), "has no letters or digits, so it could never match a word");
        }
    }
    if (!absent(object, "waited_seconds_at_least")) {
        const Poco::Dynamic::Var value = object->get("waited_seconds_at_least");
        const auto seconds = wholeNumber(value);
        if (!seconds || *seconds < 0 || *seconds > std::numeric_limits<int>::max()) {
            throw bad("conditions.waited_seconds_at_least", "must be a whole number of seconds from 0 to " +
                                                                std::to_string(std::numeric_limits<int>::max()));
        }
        c.waitedSecondsAtLeast = static_cast<int>(*seconds);
    }
    return c;
}

RuleActions parseActions(const Object::Ptr& object) {
    RuleActions a;
    refuseUnknown(object, kActionFields, "actions.", "an action");
    if (absent(object, "queue")) throw bad("actions.queue", "is required: the id of the queue the rule sends to");
    a.queue = nonEmptyString(object->get("queue"), "actions.queue", kMaxQueueBytes);
    if (!absent(object, "priority")) {
        const Poco::Dynamic::Var value = object->get("priority");
        const auto priority = wholeNumber(value);
        if (!priority || *priority < 0 || *priority > 100) {
            throw bad("actions.priority", "must be a whole number from 0 to 100");
        }
        a.priority = static_cast<int>(*priority);
    }
    if (!absent(object, "priority_per_minute")) {
        const Poco::Dynamic::Var value = object->get("priority_per_minute");
        if (!isNumber(value)) throw bad("actions.priority_per_minute", "must be a number from 0 to 100");
        const double perMinute = value.convert<double>();
        if (!(perMinute >= 0 && perMinute <= kMaxPriority)) {
            throw bad("actions.priority_per_minute", "must be a number from 0 to 100");
        }
        a.priorityPerMinute = perMinute;
    }
    return a;
}

// The checks of one rule; every condition is looked at (not just up to the first that fails), so the dry run
// names everything that stands in the way.
class RuleCheck {
public:
    RuleCheck(const RoutingFacts& facts, const std::vector<std::string>& textWords)
        : facts_(facts), textWords_(textWords) {}

    RuleTrace run(const RoutingRule& rule) {
        trace_ = RuleTrace{rule.id, rule.name, false, {}};
        if (!rule.active) {
            trace_.reasons.push_back("the rule is inactive: skipped");
            return trace_;
        }
        const RuleConditions& c = rule.conditions;
        bool holds = true;
        if (!c.channels.empty()) holds &= anyOf("channel", facts_.channel, c.channels);
        if (!c.accounts.empty()) holds &= anyOf("account", facts_.account, c.accounts);
        if (!c.clientFlags.empty()) holds &= flags(c.clientFlags);
        for (const auto& [field, value] : c.cardFields) holds &= cardField(field, value);
        if (!c.topics.empty()) holds &= topics(c.topics);
        if (!c.words.empty()) holds &= words(c.words);
        if (c.waitedSecondsAtLeast) holds &= waited(*c.waitedSecondsAtLeast);
        if (trace_.reasons.empty()) trace_.reasons.push_back("the rule has no conditions: it matches every interaction");
        trace_.matched = holds;
        return trace_;
    }

private:
    bool verdict(bool holds, const std::string& reason) {
        trace_.reasons.push_back(reason);
        return holds;
    }

    bool anyOf(const std::string& what, const std::string& value, const std::vector<std::string>& allowed) {
        const bool holds = std::find(allowed.begin(), allowed.end(), value) != allowed.end();
        return verdict(holds, what + " " + quoted(value) + (holds ? " is one of " : " is not one of ") +
                                  listText(allowed));
    }

    bool flags(const std::vector<std::string>& wanted) {
        std::vector<std::string> missing;
        for (const std::string& flag : wanted) {
            if (std::find(facts_.clientFlags.begin(), facts_.clientFlags.end(), flag) == facts_.clientFlags.end()) {
                missing.push_back(flag);
            }
        }
        if (missing.empty()) return verdict(true, "the client has the flags " + listText(wanted));
        return verdict(false, "the client lacks the flags " + listText(missing) + " (it has " +
                                  (facts_.clientFlags.empty() ? std::string("none") : listText(facts_.clientFlags)) +
                                  ")");
    }

    bool cardField(const std::string& field, const std::string& wanted) {
        const auto found = facts_.card.find(field);
        if (found == facts_.card.end()) {
            return verdict(false, "the client card has no field " + quoted(field) + " (wanted " + quoted(wanted) + ")");
        }
        if (found->second == wanted) {
            return verdict(true, "the client card's " + quoted(field) + " is " + quoted(wanted));
        }
        return verdict(false, "the client card's " + quoted(field) + " is " + quoted(found->second) + ", not " +
                                  quoted(wanted));
    }

    bool topics(const std::vector<std::int64_t>& wanted) {
        for (const std::int64_t topic : wanted) {
            if (std::find(facts_.topics.begin(), facts_.topics.end(), topic) != facts_.topics.end()) {
                return verdict(true, "the interaction has topic " + std::to_string(topic) + ", one of " +
                                         listText(wanted));
            }
        }
        return verdict(false, "the interaction has none of the topics " + listText(wanted) + " (it has " +
                                  (facts_.topics.empty() ? std::string("none") : listText(facts_.topics)) + ")");
    }

    bool words(const std::vector<std::string>& wanted) {
        for (const std::string& word : wanted) {
            if (containsPhrase(textWords_, wordsOf(word))) {
                return verdict(true, "the text contains the word " + quoted(word));
            }
        }
        return verdict(false, std::string(facts_.text.empty() ? "there is no text, so it contains none of the words "
                                                              : "the text contains none of the words ") +
                                  listText(wanted));
    }

    bool waited(int atLeast) {
        const bool holds = facts_.waitedSeconds >= atLeast;
        return verdict(holds, "waited " + std::to_string(facts_.waitedSeconds) + " s, " +
                                  (holds ? "at least " : "less than ") + std::to_string(atLeast) + " s");
    }

    const RoutingFacts& facts_;
    const std::vector<std::string>& textWords_;
    RuleTrace trace_;
};

}  // namespace

RoutingRule RoutingRule::parse(const Poco::JSON::Object::Ptr& object) {
    if (!object) throw ApiError::badRequest("a routing rule must be a JSON object");
    refuseUnknown(object, kRuleFields, "", "a field of a routing rule");
    RoutingRule rule;
    if (absent(object, "name")) throw bad("name", "is required");
    rule.name = nonEmptyString(object->get("name"), "name", kMaxNameBytes);
    if (!absent(object, "active")) {
        const Poco::Dynamic::Var value = object->get("active");
        if (!value.isBoolean()) throw bad("active", "must be true or false");
        rule.active = value.convert<bool>();
    }
    if (!absent(object, "conditions")) {
        const Object::Ptr conditions = object->getObject("conditions");
        if (!conditions) throw bad("conditions", "must be an object");
        rule.conditions = parseConditions(conditions);
    }
    if (absent(object, "actions")) throw bad("actions", "is required: at least {\"queue\": \"<queue id>\"}");
    const Object::Ptr actions = object->getObject("actions");
    if (!actions) throw bad("actions", "must be an object");
    rule.actions = parseActions(actions);
    return rule;
}

Poco::JSON::Object::Ptr RoutingRule::toJson() const {
    // Only the conditions that are set: an absent one holds always, and the stored JSON stays what was written.
    Object::Ptr conditionsJson = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const auto strings = [](const std::vector<std::string>& values) {
        Array::Ptr array = new Array;
        for (const std::string& v : values) array->add(v);
        return array;
    };
    if (!conditions.channels.empty()) conditionsJson->set("channels", strings(conditions.channels));
    if (!conditions.accounts.empty()) conditionsJson->set("accounts", strings(conditions.accounts));
    if (!conditions.clientFlags.empty()) conditionsJson->set("client_flags", strings(conditions.clientFlags));
    if (!conditions.cardFields.empty()) {
        Object::Ptr card = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        for (const auto& [field, value] : conditions.cardFields) card->set(field, value);
        conditionsJson->set("card_fields", card);
    }
    if (!conditions.topics.empty()) {
        Array::Ptr topics = new Array;
        for (const std::int64_t t : conditions.topics) topics->add(t);
        conditionsJson->set("topics", topics);
    }
    if (!conditions.words.empty()) conditionsJson->set("words", strings(conditions.words));
    if (conditions.waitedSecondsAtLeast) conditionsJson->set("waited_seconds_at_least", *conditions.waitedSecondsAtLeast);

    Object::Ptr actionsJson = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    actionsJson->set("queue", actions.queue);
    actionsJson->set("priority", actions.priority.value_or(0));
    actionsJson->set("priority_per_minute", actions.priorityPerMinute);

    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", id);
    o->set("position", position);
    o->set("name", name);
    o->set("active", active);
    o->set("conditions", conditionsJson);
    o->set("actions", actionsJson);
    o->set("version", version);
    o->set("created_at", createdAt);
    o->set("updated_at", updatedAt);
    return o;
}

RuleEvaluation evaluateRules(const std::vector<RoutingRule>& rules, const RoutingFacts& facts) {
    RuleEvaluation evaluation;
    // The text is split once, not once per rule: the distributor asks this for every interaction it queues.
    const std::vector<std::string> textWords = wordsOf(facts.text);
    RuleCheck check(facts, textWords);
    for (const RoutingRule& rule : rules) {
        evaluation.trace.push_back(check.run(rule));
        if (evaluation.trace.back().matched) {
            evaluation.matched = rule;
            break;
        }
    }
    return evaluation;
}

}  // namespace omnigate
