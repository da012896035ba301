// An outbound campaign [кампания] (docs/campaigns.md): a marketer's message to a segment of clients over one
// channel account, with a schedule, allowed hours and a rate. The checks a body must pass live here, so the API
// refuses a bad campaign with the field named and the store never sees one. Whether the account is configured and a
// WhatsApp template approved is asked of the daemon and the channel, which the API does.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/offer.h"
#include "model/working_hours.h"

namespace omnigate {

struct CampaignMessage {
    std::string subject;          // email
    std::string text;             // with the client's variables; empty when templateId is set
    std::int64_t templateId = 0;  // a shared response template instead of text; 0: none
    // WhatsApp: a provider's approved template, its {{n}} values with the client's variables.
    std::string whatsappTemplate;
    std::string whatsappLanguage;
    std::vector<std::string> whatsappParameters;
};

struct CampaignSchedule {
    std::string startsAt;  // "2026-12-01T09:00:00.000Z" (UTC, milliseconds); empty: at the launch
    std::string endsAt;    // likewise; empty: until every recipient was tried
    std::optional<WorkingHours> allowedHours;
    bool clientTimeZone = false;  // the allowed hours in each client's card utc_offset, when valid
};

struct Campaign {
    std::int64_t id = 0;
    std::string name;
    std::string description;
    std::string channel;
    std::string account;
    OfferConditions segment;
    CampaignMessage message;
    CampaignSchedule schedule;
    int ratePerMinute = 60;

    std::string state = "draft";  // draft, running, paused, cancelled, finished
    bool prepared = false;        // its recipients were chosen
    std::int64_t targeted = 0;
    std::string createdBy;
    int version = 1;
    std::string createdAt;  // ISO 8601
    std::string updatedAt;
    std::string launchedAt;
    std::string finishedAt;

    static constexpr std::size_t kMaxNameCharacters = 255;
    static constexpr std::size_t kMaxDescriptionBytes = 4000;
    static constexpr std::size_t kMaxSubjectBytes = 998;  // one header line (RFC 5322)

    // What the API's parsing depends on from outside: the centre's UTC offset (allowed hours without one) and
    // the largest rate the deployment allows.
    struct Limits {
        int centreOffsetMinutes = 0;
        int maxRatePerMinute = 6000;
    };
    // A time as the API takes it (ISO 8601 with a zone) made the normalized UTC form above; throws ApiError 400
    // naming `field`.
    using TimeReader = std::function<std::string(const std::string& text, const std::string& field)>;

    // {name, description?, channel, account, segment?, message, schedule?, rate_per_minute?}: 400 naming the field
    // (a segment condition on a field that is not one, a WhatsApp campaign without a template, an unknown
    // variable, an email without a subject, ends_at not after starts_at, a rate of zero); unknown fields refused.
    static Campaign parse(const Poco::JSON::Object::Ptr& object, const TimeReader& readTime, const Limits& limits);
    // The same fields, each optional, over this one; checked as a whole again. Once prepared, channel, account
    // and segment stay (409).
    void apply(const Poco::JSON::Object::Ptr& patch, const TimeReader& readTime, const Limits& limits);

    // What the store keeps as the definition (description, segment, message, schedule, rate), read back by
    // parse() with the columns; and the whole campaign as the API answers it.
    Poco::JSON::Object::Ptr definitionJson() const;
    Poco::JSON::Object::Ptr toJson() const;

    // The variables a campaign's text may use: about the client and where it goes, not about an operator or an
    // interaction, which a campaign has none of.
    static bool isVariable(const std::string& name);

    // The allowed hours as seen by a client with card field utc_offset `clientOffset` ("" or invalid: the
    // campaign's own); none: at any hour.
    std::optional<WorkingHours> hoursFor(const std::string& clientOffset) const;
    // The first minute from `from` on when `hours` allow sending, within 8 days; nothing when they never do.
    static std::optional<std::chrono::system_clock::time_point> nextOpening(const WorkingHours& hours,
                                                                            std::chrono::system_clock::time_point from);
};

}  // namespace omnigate
