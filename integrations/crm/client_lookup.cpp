#include "client_lookup.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

#include "omnigate/sdk/secrets.h"

namespace omnigate::crm {

namespace {

constexpr std::size_t kMaxFields = 100;
constexpr std::size_t kMaxKeyLength = 64;
constexpr std::size_t kMaxValueBytes = 1024;
constexpr std::size_t kMaxCacheEntries = 10000;

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    const Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(text);
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

std::int64_t ClientLookup::clientIdOf(const std::string& type, const std::string& payload) {
    try {
        const auto event = parseObject(payload);
        const auto data = event ? event->getObject("data") : nullptr;
        if (!data) return 0;
        const std::string field = type == "client.created" ? "id" : "client_id";
        if (!data->has(field) || !data->get(field).isInteger()) return 0;
        return data->getValue<Poco::Int64>(field);
    } catch (const Poco::Exception&) {
        return 0;
    }
}

std::string ClientLookup::addressKeyOf(const std::string& clientJson) {
    try {
        const auto client = parseObject(clientJson);
        const auto addresses = client ? client->getArray("addresses") : nullptr;
        if (!addresses || addresses->size() == 0) return {};
        const auto first = addresses->getObject(0);
        if (!first) return {};
        return first->optValue<std::string>("kind", "") + ":" + first->optValue<std::string>("value", "");
    } catch (const Poco::Exception&) {
        return {};
    }
}

Card ClientLookup::parseAnswer(const std::string& body) {
    Poco::JSON::Object::Ptr answer;
    try {
        answer = parseObject(body);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("the answer is not JSON: " + e.message());
    }
    if (!answer) throw std::runtime_error("the answer is not a JSON object");
    const auto card = answer->getObject("card");
    if (!card) throw std::runtime_error("the answer has no \"card\" object");
    if (card->size() > kMaxFields)
        throw std::runtime_error("the card has more than " + std::to_string(kMaxFields) + " fields");
    Card fields;
    for (const auto& [key, value] : *card) {
        if (key.empty() || key.size() > kMaxKeyLength) {
            throw std::runtime_error("a card field name must be 1 to " + std::to_string(kMaxKeyLength) + " characters");
        }
        if (value.isEmpty()) continue;
        if (!value.isString() && !value.isNumeric() && !value.isBoolean()) {
            throw std::runtime_error("the card field '" + key + "' is not a string, number or boolean");
        }
        std::string text = value.convert<std::string>();
        if (text.size() > kMaxValueBytes) throw std::runtime_error("the card field '" + key + "' is too long");
        fields[key] = std::move(text);
    }
    return fields;
}

OutgoingRequest ClientLookup::request(const std::string& clientJson, std::int64_t unixSeconds) const {
    OutgoingRequest r;
    r.url = config_.url;
    const std::string timestamp = std::to_string(unixSeconds);
    r.headers = {"Content-Type: application/json", "X-Omnigate-Event: client.lookup",
                 "X-Omnigate-Timestamp: " + timestamp,
                 "X-Omnigate-Signature: " + webhookSignature(config_.secret, timestamp, clientJson)};
    r.body = clientJson;
    r.connectTimeout = std::min(config_.timeout, std::chrono::milliseconds(2000));
    r.timeout = config_.timeout;
    r.maxResponseBytes = 65536;
    return r;
}

std::optional<Card> ClientLookup::cached(const std::string& key, Clock::time_point now) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = cache_.find(key);
    if (it == cache_.end()) return std::nullopt;
    if (now >= it->second.first) {
        cache_.erase(it);
        return std::nullopt;
    }
    return it->second.second;
}

void ClientLookup::remember(const std::string& key, Card card, Clock::time_point now) {
    if (key.empty() || config_.cacheFor.count() == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (cache_.size() >= kMaxCacheEntries) {
        for (auto it = cache_.begin(); it != cache_.end();)
            it = now >= it->second.first ? cache_.erase(it) : std::next(it);
        if (cache_.size() >= kMaxCacheEntries) cache_.clear();  // bounded memory over a perfect cache
    }
    cache_[key] = {now + config_.cacheFor, std::move(card)};
}

}  // namespace omnigate::crm
