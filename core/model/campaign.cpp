#include "model/campaign.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>

#include "model/local_day.h"
#include "model/response_template.h"
#include "model/routing_fields.h"
#include "model/template_text.h"
#include "model/utf8_text.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const std::set<std::string> kFields{"name",    "description", "channel",  "account",
                                    "segment", "message",     "schedule", "rate_per_minute"};
const std::set<std::string> kMessageFields{"subject", "text", "template_id", "whatsapp_template"};
const std::set<std::string> kWhatsappFields{"name", "language", "parameters"};
const std::set<std::string> kScheduleFields{"starts_at", "ends_at", "allowed_hours", "time_zone"};
const std::set<std::string> kChannels{"whatsapp", "email", "vk"};
constexpr std::size_t kMaxParameters = 20;
constexpr std::size_t kMaxParameterBytes = 1024;

ApiError bad(const std::string& field, const std::string& what) {
    return ApiError::badRequest("'" + field + "' " + what);
}

std::string checkVariables(const std::string& text, const std::string& field) {
    const std::vector<std::string> unknown = unknownTemplateVariables(text, Campaign::isVariable);
    if (!unknown.empty()) {
        throw bad(field, "uses {" + unknown.front() + "}, which a campaign cannot fill: it knows {client.name}, "
                         "{client.id}, {client.card.<field>}, {channel} and {account}");
    }
    return text;
}

std::string checkSubject(const std::string& subject) {
    const std::string trimmed = Poco::trim(subject);
    if (trimmed.empty()) throw bad("message.subject", "is empty");
    if (trimmed.size() > Campaign::kMaxSubjectBytes) {
        throw bad("message.subject", "is longer than " + std::to_string(Campaign::kMaxSubjectBytes) + " bytes");
    }
    if (trimmed.find_first_of("\r\n") != std::string::npos) throw bad("message.subject", "holds a line break");
    return checkVariables(trimmed, "message.subject");
}

void applyWhatsapp(CampaignMessage& m, const Object::Ptr& object) {
    if (!object) {
        m.whatsappTemplate.clear();
        m.whatsappLanguage.clear();
        m.whatsappParameters.clear();
        return;
    }
    routing_fields::refuseUnknown(object, kWhatsappFields, "a field of a WhatsApp template",
                                  "message.whatsapp_template.");
    const auto name = routing_fields::optionalString(object, "name", "message.whatsapp_template.name");
    const auto language = routing_fields::optionalString(object, "language", "message.whatsapp_template.language");
    if (!name || Poco::trim(*name).empty() || name->size() > 512) {
        throw bad("message.whatsapp_template.name", "is required: the name of a template approved for the account");
    }
    if (!language || Poco::trim(*language).empty() || language->size() > 16) {
        throw bad("message.whatsapp_template.language", "is required: the language it was approved in, such as en_US");
    }
    m.whatsappTemplate = *name;
    m.whatsappLanguage = *language;
    m.whatsappParameters.clear();
    if (const Array::Ptr parameters =
            routing_fields::optionalArray(object, "parameters", "message.whatsapp_template.parameters")) {
        if (parameters->size() > kMaxParameters) {
            throw bad("message.whatsapp_template.parameters", "lists more than " + std::to_string(kMaxParameters));
        }
        for (std::size_t i = 0; i < parameters->size(); ++i) {
            const std::string field = "message.whatsapp_template.parameters[" + std::to_string(i) + "]";
            const Poco::Dynamic::Var value = parameters->get(static_cast<unsigned>(i));
            if (!value.isString() || Poco::trim(value.toString()).empty() ||
                value.toString().size() > kMaxParameterBytes) {
                throw bad(field, "must be a non-empty string of at most 1024 bytes");
            }
            m.whatsappParameters.push_back(checkVariables(value.toString(), field));
        }
    }
}

void applyMessage(CampaignMessage& m, const Object::Ptr& patch) {
    routing_fields::refuseUnknown(patch, kMessageFields, "a field of a campaign's message", "message.");
    if (patch->has("subject")) {
        const auto value = routing_fields::optionalString(patch, "subject", "message.subject");
        m.subject = value ? checkSubject(*value) : "";
    }
    if (patch->has("text")) {
        const auto value = routing_fields::optionalString(patch, "text", "message.text");
        m.text = value ? checkVariables(ResponseTemplate::checkText(*value, "message.text"), "message.text") : "";
    }
    if (patch->has("template_id")) {
        m.templateId = routing_fields::optionalInt(patch, "template_id", "message.template_id", 1,
                                                   std::numeric_limits<std::int64_t>::max())
                           .value_or(0);
    }
    if (patch->has("whatsapp_template")) {
        applyWhatsapp(m, routing_fields::optionalObject(patch, "whatsapp_template", "message.whatsapp_template"));
    }
}

std::string offsetText(int minutes) {
    const int offset = std::abs(minutes);
    char text[8];
    std::snprintf(text, sizeof text, "%c%02d:%02d", minutes < 0 ? '-' : '+', offset / 60, offset % 60);
    return text;
}

// The allowed hours as working hours, the centre's offset and every weekday when not given; errors named under
// schedule.allowed_hours rather than the working hours' own prefix.
WorkingHours allowedHours(const Object::Ptr& given, int centreOffsetMinutes) {
    Object::Ptr object = new Object(*given);
    if (!object->has("utc_offset") || object->isNull("utc_offset")) object->set("utc_offset", offsetText(centreOffsetMinutes));
    if (!object->has("days") || object->isNull("days")) {
        Array::Ptr days = new Array;
        for (int d = 1; d <= 7; ++d) days->add(d);
        object->set("days", days);
    }
    try {
        return WorkingHours::parse(object);
    } catch (const ApiError& e) {
        std::string message = e.what();
        const std::string from = "'working_hours.";
        if (const auto at = message.find(from); at != std::string::npos) {
            message.replace(at, from.size(), "'schedule.allowed_hours.");
        }
        throw ApiError::badRequest(message);
    }
}

void applySchedule(CampaignSchedule& s, const Object::Ptr& patch, const Campaign::TimeReader& readTime,
                   int centreOffsetMinutes) {
    routing_fields::refuseUnknown(patch, kScheduleFields, "a field of a campaign's schedule", "schedule.");
    for (auto [key, target] : {std::pair{"starts_at", &s.startsAt}, std::pair{"ends_at", &s.endsAt}}) {
        if (!patch->has(key)) continue;
        const std::string field = "schedule." + std::string(key);
        const auto value = routing_fields::optionalString(patch, key, field);
        *target = value ? readTime(*value, field) : "";
    }
    if (patch->has("allowed_hours")) {
        const Object::Ptr hours = routing_fields::optionalObject(patch, "allowed_hours", "schedule.allowed_hours");
        s.allowedHours = hours ? std::optional(allowedHours(hours, centreOffsetMinutes)) : std::nullopt;
    }
    if (const auto zone = routing_fields::optionalString(patch, "time_zone", "schedule.time_zone")) {
        if (*zone != "centre" && *zone != "client") {
            throw bad("schedule.time_zone", "must be 'centre' or 'client' (each client's card utc_offset), not '" +
                                                *zone + "'");
        }
        s.clientTimeZone = *zone == "client";
    }
}

}  // namespace

bool Campaign::isVariable(const std::string& name) {
    static const std::string card = "client.card.";
    if (name.size() > card.size() && name.compare(0, card.size(), card) == 0) return true;
    return name == "client.name" || name == "client.id" || name == "channel" || name == "account";
}

Campaign Campaign::parse(const Object::Ptr& object, const TimeReader& readTime, const Limits& limits) {
    for (const char* required : {"name", "channel", "account", "message"}) {
        if (!object->has(required) || object->isNull(required)) throw bad(required, "is required");
    }
    Campaign campaign;
    campaign.apply(object, readTime, limits);
    return campaign;
}

void Campaign::apply(const Object::Ptr& patch, const TimeReader& readTime, const Limits& limits) {
    routing_fields::refuseUnknown(patch, kFields, "a field of a campaign");
    if (prepared) {
        for (const char* fixed : {"channel", "account", "segment"}) {
            if (patch->has(fixed)) {
                throw ApiError(409, "campaign_launched", "'" + std::string(fixed) + "' stays once the campaign chose "
                                                         "its recipients; make a new campaign for another");
            }
        }
    }
    if (const auto value = routing_fields::optionalString(patch, "name", "name")) {
        name = Poco::trim(*value);
        if (name.empty()) throw bad("name", "is empty");
        if (utf8Length(name) > kMaxNameCharacters) {
            throw bad("name", "is longer than " + std::to_string(kMaxNameCharacters) + " characters");
        }
    }
    if (patch->has("description")) {
        description = routing_fields::optionalString(patch, "description", "description").value_or("");
        if (description.size() > kMaxDescriptionBytes) {
            throw bad("description", "is longer than " + std::to_string(kMaxDescriptionBytes) + " bytes");
        }
    }
    if (const auto value = routing_fields::optionalString(patch, "channel", "channel")) {
        if (!kChannels.count(*value)) {
            throw bad("channel", "must be whatsapp, email or vk (a campaign writes first; web chat and voice "
                                 "cannot reach a client who is not there), not '" + *value + "'");
        }
        channel = *value;
    }
    if (patch->has("account")) account = routing_fields::requiredId(patch, "account");
    if (patch->has("segment")) {
        segment = OfferConditions::parse(routing_fields::optionalObject(patch, "segment", "segment"), "segment");
        if (!segment.channels.empty()) {
            throw bad("segment.channels", "is not a campaign's condition: a campaign reaches clients on its own "
                                          "channel; leave it out");
        }
    }
    if (patch->has("message")) {
        const Object::Ptr m = routing_fields::optionalObject(patch, "message", "message");
        if (!m) throw bad("message", "is required");
        applyMessage(message, m);
    }
    if (patch->has("schedule")) {
        const Object::Ptr s = routing_fields::optionalObject(patch, "schedule", "schedule");
        schedule = CampaignSchedule{};
        if (s) applySchedule(schedule, s, readTime, limits.centreOffsetMinutes);
    }
    if (patch->has("rate_per_minute")) {
        const Poco::Dynamic::Var value = patch->get("rate_per_minute");
        const std::int64_t rate = routing_fields::integer(value, "rate_per_minute",
                                                          std::numeric_limits<std::int64_t>::min(),
                                                          std::numeric_limits<std::int64_t>::max());
        if (rate < 1 || rate > limits.maxRatePerMinute) {
            throw bad("rate_per_minute", "must be from 1 to " + std::to_string(limits.maxRatePerMinute) +
                                             " messages a minute (campaigns.max_rate_per_minute); got " +
                                             std::to_string(rate));
        }
        ratePerMinute = static_cast<int>(rate);
    }

    // The whole, as it now stands.
    const CampaignMessage& m = message;
    if (channel == "whatsapp") {
        if (m.whatsappTemplate.empty()) {
            throw bad("message.whatsapp_template",
                      "is required: a campaign writes first, and outside the 24-hour window WhatsApp delivers only "
                      "an approved template");
        }
        if (!m.text.empty() || m.templateId != 0 || !m.subject.empty()) {
            throw bad("message", "of a WhatsApp campaign is its whatsapp_template alone (no text, template_id or "
                                 "subject)");
        }
    } else {
        if (!m.whatsappTemplate.empty()) throw bad("message.whatsapp_template", "is for WhatsApp campaigns only");
        if (m.text.empty() == (m.templateId == 0)) {
            throw bad("message", "sends either 'text' or 'template_id' (a shared response template), exactly one");
        }
        if (channel == "email" && m.subject.empty()) throw bad("message.subject", "is required for an email");
        if (channel != "email" && !m.subject.empty()) throw bad("message.subject", "is for email campaigns only");
    }
    if (!schedule.startsAt.empty() && !schedule.endsAt.empty() && schedule.endsAt <= schedule.startsAt) {
        throw bad("schedule.ends_at", "(" + schedule.endsAt + ") is not after 'schedule.starts_at' (" +
                                          schedule.startsAt + "): the campaign would end before it starts");
    }
    if (schedule.clientTimeZone && !schedule.allowedHours) {
        throw bad("schedule.time_zone", "'client' needs 'schedule.allowed_hours' to apply in the client's time");
    }
}

Object::Ptr Campaign::definitionJson() const {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const auto orNull = [](const std::string& s) { return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s); };
    o->set("description", description);
    Object::Ptr seg = segment.toJson();
    seg->remove("channels");
    o->set("segment", seg);
    Object::Ptr m = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    m->set("subject", orNull(message.subject));
    m->set("text", orNull(message.text));
    m->set("template_id", message.templateId == 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(message.templateId));
    if (message.whatsappTemplate.empty()) {
        m->set("whatsapp_template", Poco::Dynamic::Var());
    } else {
        Object::Ptr w = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        w->set("name", message.whatsappTemplate);
        w->set("language", message.whatsappLanguage);
        Array::Ptr parameters = new Array;
        for (const std::string& p : message.whatsappParameters) parameters->add(p);
        w->set("parameters", parameters);
        m->set("whatsapp_template", w);
    }
    o->set("message", m);
    Object::Ptr s = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    s->set("starts_at", orNull(schedule.startsAt));
    s->set("ends_at", orNull(schedule.endsAt));
    s->set("allowed_hours", schedule.allowedHours ? Poco::Dynamic::Var(schedule.allowedHours->toJson())
                                                  : Poco::Dynamic::Var());
    s->set("time_zone", std::string(schedule.clientTimeZone ? "client" : "centre"));
    o->set("schedule", s);
    o->set("rate_per_minute", ratePerMinute);
    return o;
}

Object::Ptr Campaign::toJson() const {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const auto orNull = [](const std::string& s) { return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s); };
    o->set("id", id);
    o->set("name", name);
    o->set("channel", channel);
    o->set("account", account);
    const Object::Ptr definition = definitionJson();
    for (const std::string& key : definition->getNames()) o->set(key, definition->get(key));
    o->set("state", state);
    o->set("targeted", targeted);
    o->set("version", version);
    o->set("created_by", createdBy);
    o->set("created_at", createdAt);
    o->set("updated_at", updatedAt);
    o->set("launched_at", orNull(launchedAt));
    o->set("finished_at", orNull(finishedAt));
    return o;
}

std::optional<WorkingHours> Campaign::hoursFor(const std::string& clientOffset) const {
    if (!schedule.allowedHours) return std::nullopt;
    WorkingHours hours = *schedule.allowedHours;
    if (schedule.clientTimeZone && !clientOffset.empty()) {
        if (const auto offset = parseUtcOffset(clientOffset)) hours.utcOffsetMinutes = *offset;
    }
    return hours;
}

std::optional<std::chrono::system_clock::time_point> Campaign::nextOpening(const WorkingHours& hours,
                                                                           std::chrono::system_clock::time_point from) {
    // Minute by minute: at most 8 days of them (11,520 checks), asked once per offset and round, not per client.
    const auto start = std::chrono::time_point_cast<std::chrono::minutes>(from);
    for (int minute = 0; minute <= 8 * 24 * 60; ++minute) {
        const auto at = start + std::chrono::minutes(minute);
        if (at >= from && hours.contains(at)) return at;
    }
    return std::nullopt;
}

}  // namespace omnigate
