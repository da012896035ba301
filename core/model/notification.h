// A notice from a supervisor or an administrator to operators (product 2.2.7, docs/notifications.md): to everyone,
// an operator group or one operator, with an importance and, if it should vanish by itself, an expiry. Each
// recipient sees it as a banner until they mark it read.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>

namespace omnigate {

struct Notification {
    std::int64_t id = 0;
    std::string audience;    // all, group, operator
    std::string audienceId;  // the group's or the operator's id; empty for all
    std::string text;
    std::string importance = "normal";  // normal, important, urgent
    std::string author;                 // who sent it: the user's login, or the actor's kind and id
    std::string createdAt;              // ISO 8601
    std::string expiresAt;              // ISO 8601; empty: until read
    // One recipient's copy: when they read it, empty when not yet.
    std::string readAt;
    // The sender's view: to how many it went, and how many read it.
    std::int64_t recipients = 0;
    std::int64_t read = 0;

    // The body of POST /api/v1/notifications: {audience, audience_id, text, importance?, expires_at?}; 400 naming
    // the field otherwise. `nowMicros` is the moment it is sent: an expiry must be after it and within a year.
    static Notification parse(const Poco::JSON::Object::Ptr& body, std::int64_t nowMicros);

    // As the sender's list shows it, with the counts.
    Poco::JSON::Object::Ptr toJson() const;
    // As a recipient gets it (the event's data and their list): without the counts, with their read mark.
    Poco::JSON::Object::Ptr toRecipientJson() const;
};

constexpr std::size_t kMaxNotificationCharacters = 2000;

}  // namespace omnigate
