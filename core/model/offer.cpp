#include "model/offer.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <algorithm>
#include <limits>
#include <set>

#include "model/response_template.h"
#include "model/routing_fields.h"
#include "model/utf8_text.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const std::set<std::string> kFields{"title",      "description", "text",     "template_id", "conditions",
                                    "valid_from", "valid_to",    "priority", "client_limit", "retired"};
const std::set<std::string> kConditionFields{"client",   "client_flags",          "channels",
                                             "past_topics", "last_contact_days_max", "last_contact_days_min"};
const std::string kCardPrefix = "card.";
// The widths of the columns the facts come from: a longer value could never match, so it is a mistake.
constexpr std::size_t kMaxValueBytes = 1024;
constexpr int kMaxDays = 36500;

ApiError bad(const std::string& field, const std::string& what) {
    return ApiError::badRequest("'" + field + "' " + what);
}

bool isClientField(const std::string& name) {
    return name == "name" ||
           (name.size() > kCardPrefix.size() && name.compare(0, kCardPrefix.size(), kCardPrefix) == 0);
}

std::vector<std::string> strings(const Object::Ptr& object, const std::string& key, const std::string& field) {
    const Array::Ptr items = routing_fields::optionalArray(object, key, field);
    std::vector<std::string> out;
    if (!items) return out;
    if (items->size() > Offer::kMaxListEntries) {
        throw bad(field, "lists " + std::to_string(items->size()) + ", at most " +
                             std::to_string(Offer::kMaxListEntries) + " are allowed");
    }
    for (std::size_t i = 0; i < items->size(); ++i) {
        const std::string name = field + "[" + std::to_string(i) + "]";
        const Poco::Dynamic::Var value = items->get(static_cast<unsigned>(i));
        if (!value.isString() || Poco::trim(value.toString()).empty() || value.toString().size() > 255) {
            throw bad(name, "must be a non-empty string of at most 255 bytes");
        }
        if (std::find(out.begin(), out.end(), value.toString()) != out.end()) {
            throw bad(name, "repeats '" + value.toString() + "'");
        }
        out.push_back(value.toString());
    }
    return out;
}

}  // namespace

OfferConditions OfferConditions::parse(const Object::Ptr& object, const std::string& path) {
    OfferConditions c;
    if (!object) return c;
    routing_fields::refuseUnknown(object, kConditionFields, "a condition", path + ".");
    if (const Object::Ptr client = routing_fields::optionalObject(object, "client", path + ".client")) {
        for (const std::string& name : client->getNames()) {
            const std::string field = path + ".client." + name;
            if (!isClientField(name)) {
                throw bad(field, "is not a client field: a condition may name 'name' or a card field as "
                                 "'card.<field>'");
            }
            const Poco::Dynamic::Var value = client->get(name);
            if (!value.isString() || value.toString().size() > kMaxValueBytes) {
                throw bad(field, "must be a string of at most 1024 bytes");
            }
            c.client[name] = value.toString();
        }
    }
    c.clientFlags = strings(object, "client_flags", path + ".client_flags");
    c.channels = strings(object, "channels", path + ".channels");
    if (const Array::Ptr topics = routing_fields::optionalArray(object, "past_topics", path + ".past_topics")) {
        for (std::size_t i = 0; i < topics->size(); ++i) {
            const std::string field = path + ".past_topics[" + std::to_string(i) + "]";
            const std::int64_t id = routing_fields::integer(topics->get(static_cast<unsigned>(i)), field, 1,
                                                            std::numeric_limits<std::int64_t>::max());
            if (std::find(c.pastTopics.begin(), c.pastTopics.end(), id) != c.pastTopics.end()) {
                throw bad(field, "repeats topic " + std::to_string(id));
            }
            c.pastTopics.push_back(id);
        }
    }
    for (auto [key, target] : {std::pair{"last_contact_days_max", &c.lastContactDaysMax},
                               std::pair{"last_contact_days_min", &c.lastContactDaysMin}}) {
        if (const auto days = routing_fields::optionalInt(object, key, path + "." + key, 0, kMaxDays)) {
            *target = static_cast<int>(*days);
        }
    }
    if (c.lastContactDaysMax && c.lastContactDaysMin && *c.lastContactDaysMin > *c.lastContactDaysMax) {
        throw bad(path + ".last_contact_days_min",
                  "is more than '" + path + ".last_contact_days_max': no client could fit");
    }
    return c;
}

Object::Ptr OfferConditions::toJson() const {
    const OfferConditions& c = *this;
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Object::Ptr client = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [field, value] : c.client) client->set(field, value);
    o->set("client", client);
    Array::Ptr flags = new Array;
    for (const std::string& flag : c.clientFlags) flags->add(flag);
    o->set("client_flags", flags);
    Array::Ptr channels = new Array;
    for (const std::string& channel : c.channels) channels->add(channel);
    o->set("channels", channels);
    Array::Ptr topics = new Array;
    for (const std::int64_t topic : c.pastTopics) topics->add(topic);
    o->set("past_topics", topics);
    const auto orNull = [](const std::optional<int>& days) {
        return days ? Poco::Dynamic::Var(*days) : Poco::Dynamic::Var();
    };
    o->set("last_contact_days_max", orNull(c.lastContactDaysMax));
    o->set("last_contact_days_min", orNull(c.lastContactDaysMin));
    return o;
}

namespace {

std::string checkTitle(const std::string& title) {
    const std::string trimmed = Poco::trim(title);
    if (trimmed.empty()) throw bad("title", "is empty");
    if (utf8Length(trimmed) > Offer::kMaxTitleCharacters) {
        throw bad("title", "is longer than " + std::to_string(Offer::kMaxTitleCharacters) + " characters");
    }
    return trimmed;
}

bool has(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

Offer Offer::parse(const Object::Ptr& object, const TimeReader& readTime) {
    if (!object->has("title") || object->isNull("title")) throw bad("title", "is required");
    Offer offer;
    offer.apply(object, readTime);
    return offer;
}

void Offer::apply(const Object::Ptr& patch, const TimeReader& readTime) {
    routing_fields::refuseUnknown(patch, kFields, "a field of an offer");
    if (const auto value = routing_fields::optionalString(patch, "title", "title")) title = checkTitle(*value);
    if (patch->has("description")) {
        description = routing_fields::optionalString(patch, "description", "description").value_or("");
        if (description.size() > kMaxDescriptionBytes) {
            throw bad("description", "is longer than " + std::to_string(kMaxDescriptionBytes) + " bytes");
        }
    }
    if (patch->has("text")) {
        const auto value = routing_fields::optionalString(patch, "text", "text");
        text = value ? ResponseTemplate::checkText(*value, "text") : "";
    }
    if (patch->has("template_id")) {
        templateId = routing_fields::optionalInt(patch, "template_id", "template_id", 1,
                                                 std::numeric_limits<std::int64_t>::max())
                         .value_or(0);
    }
    if (patch->has("conditions")) {
        conditions = OfferConditions::parse(routing_fields::optionalObject(patch, "conditions", "conditions"));
    }
    for (auto [key, target] : {std::pair{"valid_from", &validFrom}, std::pair{"valid_to", &validTo}}) {
        if (!patch->has(key)) continue;
        const auto value = routing_fields::optionalString(patch, key, key);
        *target = value ? readTime(*value, key) : "";
    }
    if (patch->has("priority")) {
        priority = static_cast<int>(
            routing_fields::optionalInt(patch, "priority", "priority", 0, kMaxPriority).value_or(0));
    }
    if (patch->has("client_limit")) {
        if (!patch->isNull("client_limit")) {
            const std::int64_t limit = routing_fields::integer(patch->get("client_limit"), "client_limit",
                                                               std::numeric_limits<std::int64_t>::min(),
                                                               std::numeric_limits<std::int64_t>::max());
            if (limit < 1 || limit > 1000000) {
                throw bad("client_limit", "must be from 1 to 1000000 activations per client, or null for no limit; "
                                          "got " + std::to_string(limit));
            }
            clientLimit = static_cast<int>(limit);
        } else {
            clientLimit.reset();
        }
    }
    if (const auto value = routing_fields::optionalBool(patch, "retired", "retired")) retired = *value;

    // The whole, as it now stands.
    if (text.empty() == (templateId == 0)) {
        throw ApiError::badRequest("an offer sends either 'text' or 'template_id' (a shared response template), "
                                   "exactly one of them");
    }
    if (!validFrom.empty() && !validTo.empty() && validTo < validFrom) {
        throw bad("valid_to", "(" + validTo + ") is before 'valid_from' (" + validFrom + ")");
    }
}

Object::Ptr Offer::toJson() const {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const auto orNull = [](const std::string& s) { return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s); };
    o->set("id", id);
    o->set("title", title);
    o->set("description", description);
    o->set("text", orNull(text));
    o->set("template_id", templateId == 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(templateId));
    o->set("conditions", conditions.toJson());
    o->set("valid_from", orNull(validFrom));
    o->set("valid_to", orNull(validTo));
    o->set("priority", priority);
    o->set("client_limit", clientLimit ? Poco::Dynamic::Var(*clientLimit) : Poco::Dynamic::Var());
    o->set("retired", retired);
    o->set("version", version);
    o->set("created_at", createdAt);
    o->set("updated_at", updatedAt);
    return o;
}

std::string Offer::state(const std::string& now) const {
    if (retired) return "retired";
    if (!validFrom.empty() && now < validFrom) return "scheduled";
    if (!validTo.empty() && now > validTo) return "expired";
    return "active";
}

bool Offer::fits(const OfferFacts& facts, std::string* why) const { return conditions.holdFor(facts, why); }

bool OfferConditions::holdFor(const OfferFacts& facts, std::string* why) const {
    const auto no = [&](const std::string& reason) {
        if (why) *why = reason;
        return false;
    };
    const OfferConditions& c = *this;
    for (const auto& [field, wanted] : c.client) {
        std::string value;
        if (field == "name") {
            value = facts.clientName;
        } else {
            const auto found = facts.card.find(field.substr(kCardPrefix.size()));
            if (found != facts.card.end()) value = found->second;
        }
        if (value != wanted) return no("the client's " + field + " is '" + value + "', not '" + wanted + "'");
    }
    for (const std::string& flag : c.clientFlags) {
        if (!has(facts.clientFlags, flag)) return no("the client lacks the flag '" + flag + "'");
    }
    if (!c.channels.empty() && !has(c.channels, facts.channel)) {
        return no("the interaction's channel '" + facts.channel + "' is not one of the conditions'");
    }
    if (!c.pastTopics.empty() &&
        std::none_of(c.pastTopics.begin(), c.pastTopics.end(), [&](std::int64_t topic) {
            return std::find(facts.pastTopics.begin(), facts.pastTopics.end(), topic) != facts.pastTopics.end();
        })) {
        return no("no earlier interaction of the client has one of the conditions' topics");
    }
    if (c.lastContactDaysMax && (!facts.daysSinceLastContact || *facts.daysSinceLastContact > *c.lastContactDaysMax)) {
        return no("the client's last contact was not within " + std::to_string(*c.lastContactDaysMax) + " days");
    }
    if (c.lastContactDaysMin && facts.daysSinceLastContact && *facts.daysSinceLastContact < *c.lastContactDaysMin) {
        return no("the client's last contact was less than " + std::to_string(*c.lastContactDaysMin) + " days ago");
    }
    return true;
}

}  // namespace omnigate
