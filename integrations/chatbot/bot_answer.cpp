#include "bot_answer.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace omnigate::chatbot {

namespace {

// The interactions table's resolution column.
constexpr std::size_t maxResolutionBytes = 255;
constexpr std::size_t maxCommentBytes = 1000;
constexpr std::size_t maxQueueIdBytes = 64;
constexpr std::size_t maxTopics = 50;

bool isBlank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

bool isObject(const Poco::Dynamic::Var& v) { return v.type() == typeid(Poco::JSON::Object::Ptr); }

std::optional<std::string> optionalString(const Poco::JSON::Object::Ptr& body, const std::string& key,
                                          const std::string& field, std::size_t maxBytes) {
    if (!body || !body->has(key) || body->isNull(key)) return std::nullopt;
    const Poco::Dynamic::Var v = body->get(key);
    if (!v.isString()) throw BotAnswerError("'" + field + "' must be a string");
    std::string text = v.extract<std::string>();
    if (text.size() > maxBytes) {
        throw BotAnswerError("'" + field + "' must be at most " + std::to_string(maxBytes) + " bytes");
    }
    return text;
}

void expectOnly(const Poco::JSON::Object::Ptr& body, std::initializer_list<const char*> known,
                const std::string& prefix) {
    if (!body) return;
    for (const auto& [key, value] : *body) {
        bool found = false;
        for (const char* k : known) found = found || key == k;
        if (!found) throw BotAnswerError("'" + prefix + key + "' is not a known field");
    }
}

}  // namespace

std::string replyText(const Poco::Dynamic::Var& value, const std::string& field) {
    if (value.isEmpty()) throw BotAnswerError("'" + field + "' is required");
    if (!value.isString()) throw BotAnswerError("'" + field + "' must be a string");
    std::string text = value.extract<std::string>();
    if (isBlank(text)) throw BotAnswerError("'" + field + "' must not be blank");
    if (text.size() > maxReplyBytes) {
        throw BotAnswerError("'" + field + "' must be at most " + std::to_string(maxReplyBytes) + " bytes");
    }
    return text;
}

BotHandOff handOffOf(const Poco::JSON::Object::Ptr& body, const std::string& prefix) {
    expectOnly(body, {"queue_id", "priority", "topic_ids", "comment"}, prefix);
    BotHandOff h;
    h.queue = optionalString(body, "queue_id", prefix + "queue_id", maxQueueIdBytes).value_or("");
    h.comment = optionalString(body, "comment", prefix + "comment", maxCommentBytes).value_or("");
    if (body && body->has("priority") && !body->isNull("priority")) {
        const Poco::Dynamic::Var v = body->get("priority");
        if (!v.isInteger() || v.type() == typeid(bool) || v.convert<std::int64_t>() < 0 ||
            v.convert<std::int64_t>() > 100) {
            throw BotAnswerError("'" + prefix + "priority' must be an integer from 0 to 100");
        }
        h.priority = static_cast<int>(v.convert<std::int64_t>());
    }
    if (body && body->has("topic_ids") && !body->isNull("topic_ids")) {
        const Poco::Dynamic::Var v = body->get("topic_ids");
        if (v.type() != typeid(Poco::JSON::Array::Ptr)) {
            throw BotAnswerError("'" + prefix + "topic_ids' must be an array of topic ids");
        }
        const Poco::JSON::Array::Ptr list = v.extract<Poco::JSON::Array::Ptr>();
        if (list->size() > maxTopics) {
            throw BotAnswerError("'" + prefix + "topic_ids' must hold at most " + std::to_string(maxTopics) + " ids");
        }
        for (std::size_t i = 0; i < list->size(); ++i) {
            const Poco::Dynamic::Var item = list->get(static_cast<unsigned>(i));
            if (!item.isInteger() || item.type() == typeid(bool) || item.convert<std::int64_t>() < 1) {
                throw BotAnswerError("'" + prefix + "topic_ids[" + std::to_string(i) + "]' must be a positive integer");
            }
            h.topics.push_back(item.convert<std::int64_t>());
        }
    }
    return h;
}

std::string resolutionOf(const Poco::JSON::Object::Ptr& body, const std::string& prefix) {
    expectOnly(body, {"resolution"}, prefix);
    return optionalString(body, "resolution", prefix + "resolution", maxResolutionBytes).value_or("");
}

std::vector<BotAction> parseBotAnswer(const std::string& body) {
    if (isBlank(body)) return {};
    Poco::Dynamic::Var parsed;
    try {
        parsed = Poco::JSON::Parser().parse(body);
    } catch (const Poco::Exception& e) {
        throw BotAnswerError("the answer is not JSON: " + e.displayText());
    } catch (const std::exception& e) {
        throw BotAnswerError(std::string("the answer is not JSON: ") + e.what());
    }
    if (!isObject(parsed)) throw BotAnswerError("the answer is not a JSON object");
    const Poco::JSON::Object::Ptr root = parsed.extract<Poco::JSON::Object::Ptr>();
    if (!root->has("actions") || root->isNull("actions")) return {};
    if (root->get("actions").type() != typeid(Poco::JSON::Array::Ptr)) {
        throw BotAnswerError("'actions' must be an array");
    }
    const Poco::JSON::Array::Ptr list = root->getArray("actions");
    if (list->size() > maxActions) {
        throw BotAnswerError("'actions' must hold at most " + std::to_string(maxActions) + " actions");
    }
    std::vector<BotAction> actions;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string where = "actions[" + std::to_string(i) + "]";
        if (!actions.empty() && actions.back().kind != BotAction::Kind::Reply) {
            throw BotAnswerError("'" + where + "': nothing may follow a handoff or a close");
        }
        const Poco::Dynamic::Var item = list->get(static_cast<unsigned>(i));
        if (!isObject(item)) throw BotAnswerError("'" + where + "' must be an object");
        const Poco::JSON::Object::Ptr action = item.extract<Poco::JSON::Object::Ptr>();
        if (action->size() != 1) {
            throw BotAnswerError("'" + where + "' must hold exactly one of reply, handoff, close");
        }
        const std::string kind = action->begin()->first;
        const Poco::Dynamic::Var value = action->begin()->second;
        BotAction a;
        if (kind == "reply") {
            a.kind = BotAction::Kind::Reply;
            a.text = replyText(value, where + ".reply");
        } else if (kind == "handoff" || kind == "close") {
            if (!value.isEmpty() && !isObject(value)) throw BotAnswerError("'" + where + "." + kind + "' must be an object");
            const Poco::JSON::Object::Ptr fields = value.isEmpty() ? nullptr : value.extract<Poco::JSON::Object::Ptr>();
            if (kind == "handoff") {
                a.kind = BotAction::Kind::HandOff;
                a.handOff = handOffOf(fields, where + ".handoff.");
            } else {
                a.kind = BotAction::Kind::Close;
                a.resolution = resolutionOf(fields, where + ".close.");
            }
        } else {
            throw BotAnswerError("'" + where + "." + kind + "' is not an action: use reply, handoff or close");
        }
        actions.push_back(std::move(a));
    }
    return actions;
}

}  // namespace omnigate::chatbot
