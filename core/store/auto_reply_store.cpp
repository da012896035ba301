#include "store/auto_reply_store.h"

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "db/db_time.h"
#include "db/outbox.h"
#include "model/template_text.h"
#include "omnigate/sdk/api_error.h"
#include "store/catalog_removal.h"

namespace omnigate {

namespace {

const char* const kEventTopic = "omnigate/v1/catalogs/auto-replies/events";
const CatalogTable kCatalog{"auto_reply_templates", kEventTopic};

const char* const kColumns =
    "SELECT id, name, channel, account, COALESCE(queue, ''), trigger_kind, body, COALESCE(working_hours, ''), active, "
    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') "
    "FROM auto_reply_templates ";

constexpr std::size_t kMaxBody = 4096;

std::size_t characters(const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool matches(const std::string& text, std::size_t maxSize, bool allowUpper, bool allowDash) {
    return !text.empty() && text.size() <= maxSize && std::all_of(text.begin(), text.end(), [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (allowUpper && c >= 'A' && c <= 'Z') ||
               (allowDash && c == '-');
    });
}

std::string stringify(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

std::string iso(const std::string& dbTime) { return dbTimeToIso(dbTime.substr(0, 23)); }

AutoReply read(sql::ResultSet& rs) {
    AutoReply r;
    r.id = rs.getInt64(1);
    r.name = rs.getString(2);
    r.channel = rs.getString(3);
    r.account = rs.getString(4);
    r.queue = rs.getString(5);
    r.trigger = rs.getString(6);
    r.body = rs.getString(7);
    const std::string hours = rs.getString(8);
    if (!hours.empty()) {
        // Only this store writes the column, always through WorkingHours::toJson(); anything else is a manual edit
        // worth a loud 500 rather than a template that silently answers at the wrong times.
        try {
            r.workingHours = WorkingHours::parse(Poco::JSON::Parser().parse(hours).extract<Poco::JSON::Object::Ptr>());
        } catch (const std::exception& e) {
            throw std::runtime_error("auto-reply template " + std::to_string(r.id) +
                                     " has unreadable working_hours in the database: " + e.what());
        }
    }
    r.active = rs.getBoolean(9);
    r.createdAt = iso(rs.getString(10));
    r.updatedAt = iso(rs.getString(11));
    return r;
}


std::string workingHoursText(const AutoReply& reply) {
    return reply.workingHours ? stringify(reply.workingHours->toJson()) : "";
}

}  // namespace

void AutoReplyStore::normalize(AutoReply& reply) {
    reply.name = Poco::trim(reply.name);
    if (reply.name.empty()) throw ApiError::badRequest("'name' is empty");
    if (characters(reply.name) > 255) throw ApiError::badRequest("'name' is longer than 255 characters");
    if (!matches(reply.channel, 32, false, false)) {
        throw ApiError::badRequest("'channel' must be a channel type of 1 to 32 letters a-z, digits or '_' (webchat, "
                                   "email, …), not '" + reply.channel + "'");
    }
    if (!matches(reply.account, 64, true, true)) {
        throw ApiError::badRequest("'account' must be a channel account id of 1 to 64 letters, digits, '_' or '-', "
                                   "not '" + reply.account + "'");
    }
    reply.queue = Poco::trim(reply.queue);
    if (characters(reply.queue) > 64) throw ApiError::badRequest("'queue' is longer than 64 characters");
    if (reply.trigger != "new_interaction" && reply.trigger != "out_of_hours") {
        throw ApiError::badRequest("'trigger' must be new_interaction or out_of_hours, not '" + reply.trigger + "'");
    }
    if (reply.body.find_first_not_of(" \t\r\n") == std::string::npos) throw ApiError::badRequest("'body' is empty");
    if (characters(reply.body) > kMaxBody) {
        throw ApiError::badRequest("'body' is longer than " + std::to_string(kMaxBody) + " characters");
    }
    const auto unknown = unknownTemplateVariables(reply.body);
    if (!unknown.empty()) {
        std::string names;
        for (const std::string& u : unknown) names += (names.empty() ? "{" : ", {") + u + "}";
        std::string allowed;
        for (const std::string& v : templateVariables()) allowed += (allowed.empty() ? "{" : ", {") + v + "}";
        throw ApiError::badRequest("'body' uses unknown variables " + names + "; a template may use " + allowed);
    }
    if (reply.trigger == "out_of_hours" && !reply.workingHours) {
        throw ApiError::badRequest("'working_hours' is required for the out_of_hours trigger");
    }
    if (reply.trigger == "new_interaction" && reply.workingHours) {
        throw ApiError::badRequest("'working_hours' applies only to the out_of_hours trigger; send null to drop it");
    }
}

std::vector<AutoReply> AutoReplyStore::list(const std::string& channel, const std::string& account) {
    sql::PreparedStatement& q = session_.prepare(std::string(kColumns) +
                                                 "WHERE (? = '' OR channel = ?) AND (? = '' OR account = ?) ORDER BY id");
    q.setString(1, channel);
    q.setString(2, channel);
    q.setString(3, account);
    q.setString(4, account);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<AutoReply> out;
    while (rs->next()) out.push_back(read(*rs));
    return out;
}

std::optional<AutoReply> AutoReplyStore::find(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read(*rs);
}

// FOR UPDATE locks the index range of that scope too, so two daemons cannot both activate one meanwhile.
void AutoReplyStore::refuseSecondActive(const AutoReply& reply) {
    if (!reply.active) return;
    sql::PreparedStatement& q = session_.prepare(
        "SELECT id, name FROM auto_reply_templates WHERE channel = ? AND account = ? AND active = 1 "
        "AND queue <=> ? AND trigger_kind = ? AND id <> ? ORDER BY id LIMIT 1 FOR UPDATE");
    q.setString(1, reply.channel);
    q.setString(2, reply.account);
    bindTextOrNull(q, 3, reply.queue);
    q.setString(4, reply.trigger);
    q.setInt64(5, reply.id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return;
    const std::string scope = reply.channel + "/" + reply.account +
                              (reply.queue.empty() ? " (any queue)" : " queue '" + reply.queue + "'");
    throw ApiError(409, "duplicate_auto_reply",
                   "template " + std::to_string(rs->getInt64(1)) + " ('" + rs->getString(2) + "') is the active " +
                       reply.trigger + " template of " + scope + " already; deactivate it first or save this one "
                                                                 "with \"active\": false");
}

AutoReply AutoReplyStore::create(AutoReply draft) {
    draft.id = 0;
    refuseSecondActive(draft);
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO auto_reply_templates (name, channel, account, queue, trigger_kind, body, working_hours, active, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.setString(1, draft.name);
    insert.setString(2, draft.channel);
    insert.setString(3, draft.account);
    bindTextOrNull(insert, 4, draft.queue);
    insert.setString(5, draft.trigger);
    insert.setString(6, draft.body);
    bindTextOrNull(insert, 7, workingHoursText(draft));
    insert.setBoolean(8, draft.active);
    insert.setString(9, now);
    insert.setString(10, now);
    insert.executeUpdate();
    draft.id = session_.lastInsertId();
    draft.createdAt = dbTimeToIso(now);
    draft.updatedAt = draft.createdAt;
    appendEvent(session_, kEventTopic, "auto_reply.created", toJson(draft));
    return draft;
}

AutoReply AutoReplyStore::update(AutoReply changed, const std::vector<std::string>& changes) {
    refuseSecondActive(changed);
    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE auto_reply_templates SET name = ?, channel = ?, account = ?, queue = ?, trigger_kind = ?, body = ?, "
        "working_hours = ?, active = ?, updated_at = ? WHERE id = ?");
    update.setString(1, changed.name);
    update.setString(2, changed.channel);
    update.setString(3, changed.account);
    bindTextOrNull(update, 4, changed.queue);
    update.setString(5, changed.trigger);
    update.setString(6, changed.body);
    bindTextOrNull(update, 7, workingHoursText(changed));
    update.setBoolean(8, changed.active);
    update.setString(9, now);
    update.setInt64(10, changed.id);
    if (update.executeUpdate() == 0) throw ApiError::notFound("no auto-reply template " + std::to_string(changed.id));
    changed.updatedAt = dbTimeToIso(now);
    Poco::JSON::Object::Ptr data = toJson(changed);
    Poco::JSON::Array::Ptr changedFields = new Poco::JSON::Array;
    for (const std::string& c : changes) changedFields->add(c);
    data->set("changes", changedFields);
    appendEvent(session_, kEventTopic, "auto_reply.updated", data);
    return changed;
}

void AutoReplyStore::remove(std::int64_t id) {
    const auto reply = find(id, true);
    if (!reply) throw ApiError::notFound("no auto-reply template " + std::to_string(id));
    removeCatalogEntry(session_, kCatalog, id, "auto_reply.deleted", toJson(*reply));
}

Poco::JSON::Object::Ptr toJson(const AutoReply& reply) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", reply.id);
    o->set("name", reply.name);
    o->set("channel", reply.channel);
    o->set("account", reply.account);
    o->set("queue", reply.queue.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(reply.queue));
    o->set("trigger", reply.trigger);
    o->set("body", reply.body);
    o->set("working_hours", reply.workingHours ? Poco::Dynamic::Var(reply.workingHours->toJson()) : Poco::Dynamic::Var());
    o->set("active", reply.active);
    o->set("created_at", reply.createdAt);
    o->set("updated_at", reply.updatedAt);
    return o;
}

}  // namespace omnigate
