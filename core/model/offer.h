// A marketing offer [предложение]: what a marketer wants operators to propose to the clients it fits, with the
// text sent (or a shared response template), the conditions on the client, a validity period, a priority and a
// per-client limit. The checks a body must pass live here, so the API refuses a bad offer with the field named and
// the store never sees one; whether an offer fits a client is decided here too, from facts the store gathers.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace omnigate {

// What the conditions look at, about the client of one interaction.
struct OfferFacts {
    std::string channel;
    std::string clientName;
    std::map<std::string, std::string> card;
    std::vector<std::string> clientFlags;
    std::vector<std::int64_t> pastTopics;          // of the client's other interactions
    std::optional<double> daysSinceLastContact;    // since the client's previous interaction began; none: no such
};

// All given conditions must hold; none given: every client.
struct OfferConditions {
    // Client fields equal to a value: "name" or "card.<field>" (the card's fields are free).
    std::map<std::string, std::string> client;
    std::vector<std::string> clientFlags;     // the client has all of these tags ("vip")
    std::vector<std::string> channels;        // the interaction's channel is one of these
    std::vector<std::int64_t> pastTopics;     // an earlier interaction of the client has one of these topics
    std::optional<int> lastContactDaysMax;    // the client's previous interaction began at most this many days ago
    std::optional<int> lastContactDaysMin;    // … at least this many days ago, or there was none

    // {client?, client_flags?, channels?, past_topics?, last_contact_days_max?, last_contact_days_min?}; null:
    // none. 400 naming the field as "conditions.…". The store keeps them in this form too.
    static OfferConditions parse(const Poco::JSON::Object::Ptr& object, const std::string& path = "conditions");
    Poco::JSON::Object::Ptr toJson() const;

    // Whether they all hold for `facts`; when not, the first that fails, said for a person.
    bool holdFor(const OfferFacts& facts, std::string* why = nullptr) const;
};

struct Offer {
    std::int64_t id = 0;
    std::string title;
    std::string description;
    std::string text;             // with the response templates' variables; empty when templateId is set
    std::int64_t templateId = 0;  // a shared response template sent instead of text; 0: none
    OfferConditions conditions;
    std::string validFrom;        // "2026-12-01T00:00:00.000Z" (UTC, milliseconds); empty: from its creation
    std::string validTo;          // likewise; empty: until retired
    int priority = 0;             // higher first
    std::optional<int> clientLimit;  // activations per client; none: no limit
    bool retired = false;
    int version = 1;
    std::string createdAt;
    std::string updatedAt;

    static constexpr std::size_t kMaxTitleCharacters = 255;
    static constexpr std::size_t kMaxDescriptionBytes = 4000;
    static constexpr int kMaxPriority = 1000;
    static constexpr std::size_t kMaxListEntries = 100;

    // A time as the API takes it (ISO 8601 with a zone) made the normalized UTC form above; throws ApiError 400
    // naming `field`. Handed in by the API, which owns the parsing of times.
    using TimeReader = std::function<std::string(const std::string& text, const std::string& field)>;

    // {title, description?, text | template_id, conditions?, valid_from?, valid_to?, priority?, client_limit?,
    // retired?}: 400 naming the field (an unknown variable, a client field that is not one, valid_to before
    // valid_from, a negative limit); unknown fields refused. Whether the template and topics exist is the store's.
    static Offer parse(const Poco::JSON::Object::Ptr& object, const TimeReader& readTime);
    // The same fields, each optional, over this one; the result is checked as a whole (text or template, period).
    void apply(const Poco::JSON::Object::Ptr& patch, const TimeReader& readTime);

    Poco::JSON::Object::Ptr toJson() const;
    // "retired", "scheduled" (before valid_from), "expired" (after valid_to) or "active", at `now` (the form above).
    std::string state(const std::string& now) const;

    // Whether the conditions hold for `facts`; when not, the first that fails, said for a person.
    bool fits(const OfferFacts& facts, std::string* why = nullptr) const;
};

}  // namespace omnigate
