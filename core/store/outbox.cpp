#include "store/outbox.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include <sstream>

namespace omnigate {

std::string nowDbTime() { return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%d %H:%M:%S.%i"); }

std::string dbTimeToIso(const std::string& dbTime) {
    std::string iso = dbTime;
    if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';
    if (iso.size() == 19) iso += ".000";
    return iso + "Z";
}

std::string formatEvent(const std::string& eventId, const std::string& type, const std::string& time,
                        const Poco::JSON::Object::Ptr& data) {
    Poco::JSON::Object event(Poco::JSON_PRESERVE_KEY_ORDER);
    event.set("id", eventId);
    event.set("type", type);
    event.set("time", time);
    event.set("schema_version", kEventSchemaVersion);
    event.set("data", data);
    std::ostringstream out;
    event.stringify(out);
    return out.str();
}

void appendEvent(DbSession& session, const std::string& topic, const std::string& type,
                 const Poco::JSON::Object::Ptr& data) {
    const std::string eventId = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert =
        session.prepare("INSERT INTO outbox (event_id, topic, payload, created_at) VALUES (?, ?, ?, ?)");
    insert.setString(1, eventId);
    insert.setString(2, topic);
    insert.setString(3, formatEvent(eventId, type, dbTimeToIso(now), data));
    insert.setString(4, now);
    insert.executeUpdate();
}

std::string interactionTopic(std::int64_t interactionId) {
    return "omnigate/v1/interactions/" + std::to_string(interactionId) + "/events";
}

std::string clientTopic(std::int64_t clientId) { return "omnigate/v1/clients/" + std::to_string(clientId) + "/events"; }

}  // namespace omnigate
