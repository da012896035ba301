#include "model/notification.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/String.h>

#include "model/routing_fields.h"
#include "model/utf8_text.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

constexpr std::int64_t kYearMicros = 366LL * 24 * 60 * 60 * 1000 * 1000;

// "2026-12-31T18:00:00" and more: Poco's parser alone takes nearly any text for some date.
bool startsLikeIso(const std::string& text) {
    static const std::string shape = "dddd-dd-ddTdd:dd:dd";
    if (text.size() < shape.size() + 1) return false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == 'd' ? (text[i] < '0' || text[i] > '9') : text[i] != shape[i]) return false;
    }
    return true;
}

Poco::JSON::Object::Ptr common(const Notification& n) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", n.id);
    o->set("audience", n.audience);
    o->set("audience_id", n.audience == "all" ? Poco::Dynamic::Var() : Poco::Dynamic::Var(n.audienceId));
    o->set("text", n.text);
    o->set("importance", n.importance);
    o->set("author", n.author);
    o->set("created_at", n.createdAt);
    o->set("expires_at", n.expiresAt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(n.expiresAt));
    return o;
}

}  // namespace

Notification Notification::parse(const Poco::JSON::Object::Ptr& body, std::int64_t nowMicros) {
    using namespace routing_fields;
    refuseUnknown(body, {"audience", "audience_id", "text", "importance", "expires_at"}, "a notification");
    Notification n;
    n.audience = optionalString(body, "audience", "audience").value_or("");
    if (n.audience != "all" && n.audience != "group" && n.audience != "operator") {
        throw ApiError::badRequest("'audience' must be all, group or operator");
    }
    const std::optional<std::string> audienceId = optionalString(body, "audience_id", "audience_id");
    if (n.audience == "all") {
        if (audienceId) throw ApiError::badRequest("'audience_id' is for a group or an operator, not for all");
    } else {
        if (!audienceId) throw ApiError::badRequest("'audience_id' is required: the " + n.audience + "'s id");
        checkId(*audienceId, "audience_id");
        n.audienceId = *audienceId;
    }
    n.text = Poco::trim(optionalString(body, "text", "text").value_or(""));
    if (n.text.empty() || utf8Length(n.text) > kMaxNotificationCharacters) {
        throw ApiError::badRequest("'text' must be 1 to " + std::to_string(kMaxNotificationCharacters) +
                                   " characters");
    }
    n.importance = optionalString(body, "importance", "importance").value_or("normal");
    if (n.importance != "normal" && n.importance != "important" && n.importance != "urgent") {
        throw ApiError::badRequest("'importance' must be normal, important or urgent");
    }
    if (const std::optional<std::string> expires = optionalString(body, "expires_at", "expires_at")) {
        Poco::DateTime parsed;
        int tz = 0;
        if (!startsLikeIso(*expires) ||
            (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, *expires, parsed, tz) &&
             !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT, *expires, parsed, tz))) {
            throw ApiError::badRequest("'expires_at' must be a date and time in ISO 8601, like 2026-12-31T18:00:00Z");
        }
        parsed.makeUTC(tz);
        const std::int64_t at = parsed.timestamp().epochMicroseconds();
        if (at <= nowMicros) throw ApiError::badRequest("'expires_at' is in the past: a notice must live a while");
        if (at > nowMicros + kYearMicros) throw ApiError::badRequest("'expires_at' is more than a year away");
        n.expiresAt = Poco::DateTimeFormatter::format(parsed, "%Y-%m-%dT%H:%M:%S.%iZ");
    }
    return n;
}

Poco::JSON::Object::Ptr Notification::toJson() const {
    Poco::JSON::Object::Ptr o = common(*this);
    o->set("recipients", recipients);
    o->set("read", read);
    return o;
}

Poco::JSON::Object::Ptr Notification::toRecipientJson() const {
    Poco::JSON::Object::Ptr o = common(*this);
    o->set("read_at", readAt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(readAt));
    return o;
}

}  // namespace omnigate
