#include "store/response_template_store.h"

#include <Poco/JSON/Object.h>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"
#include "store/client_store.h"

namespace omnigate {

namespace {

const char* const kEventTopic = "omnigate/v1/catalogs/templates/events";

const char* const kSelect =
    "SELECT id, COALESCE(catalog_id, 0), COALESCE(owner_operator_id, ''), title, body, shortcut, version, "
    "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') "
    "FROM response_templates ";

ResponseTemplate readRow(sql::ResultSet& rs) {
    ResponseTemplate t;
    t.id = rs.getInt64(1);
    t.catalogId = rs.getInt64(2);
    t.owner = rs.getString(3);
    t.title = rs.getString(4);
    t.text = rs.getString(5);
    t.shortcut = rs.getString(6);
    t.version = rs.getInt(7);
    t.createdAt = dbTimeToIso(std::string(rs.getString(8)).substr(0, 23));
    t.updatedAt = dbTimeToIso(std::string(rs.getString(9)).substr(0, 23));
    return t;
}

void bindOwner(sql::PreparedStatement& statement, int index, const std::string& owner) {
    if (owner.empty()) {
        statement.setNull(index, sql::DataType::VARCHAR);
    } else {
        statement.setString(index, owner);
    }
}

bool exists(DbSession& session, const char* sql, const std::string& key) {
    sql::PreparedStatement& q = session.prepare(sql);
    q.setString(1, key);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    return rs->next();
}

}  // namespace

std::vector<ResponseTemplate> ResponseTemplateStore::list(const TemplateScope& scope) {
    std::string where;
    if (scope.onlyPersonal) {
        where = "WHERE owner_operator_id = ?";
    } else if (!scope.personalOf.empty()) {
        where = "WHERE owner_operator_id IS NULL OR owner_operator_id = ?";
    } else {
        where = "WHERE owner_operator_id IS NULL";
    }
    const bool bindsOwner = scope.onlyPersonal || !scope.personalOf.empty();
    sql::PreparedStatement& q = session_.prepare(std::string(kSelect) + where + " ORDER BY title, id");
    if (bindsOwner) q.setString(1, scope.personalOf);
    std::vector<ResponseTemplate> out;
    std::map<std::int64_t, std::size_t> at;
    {
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        while (rs->next()) {
            at[rs->getInt64(1)] = out.size();
            out.push_back(readRow(*rs));
        }
    }
    // The lists of every template in three reads, not three per template.
    const auto fill = [&](const std::string& sql, std::vector<std::string> ResponseTemplate::*field) {
        sql::PreparedStatement& lists = session_.prepare(sql);
        std::unique_ptr<sql::ResultSet> rs(lists.executeQuery());
        while (rs->next()) {
            const auto found = at.find(rs->getInt64(1));
            if (found != at.end()) (out[found->second].*field).push_back(rs->getString(2));
        }
    };
    fill("SELECT template_id, file_id FROM response_template_files ORDER BY template_id, position",
         &ResponseTemplate::files);
    fill("SELECT template_id, queue_id FROM response_template_queues ORDER BY template_id, queue_id",
         &ResponseTemplate::queues);
    fill("SELECT template_id, channel FROM response_template_channels ORDER BY template_id, channel",
         &ResponseTemplate::channels);
    return out;
}

std::optional<ResponseTemplate> ResponseTemplateStore::find(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kSelect) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    ResponseTemplate t = readRow(*rs);
    const auto fill = [&](const char* sql, std::vector<std::string>& into) {
        sql::PreparedStatement& lists = session_.prepare(sql);
        lists.setInt64(1, id);
        std::unique_ptr<sql::ResultSet> items(lists.executeQuery());
        while (items->next()) into.push_back(items->getString(1));
    };
    fill("SELECT file_id FROM response_template_files WHERE template_id = ? ORDER BY position", t.files);
    fill("SELECT queue_id FROM response_template_queues WHERE template_id = ? ORDER BY queue_id", t.queues);
    fill("SELECT channel FROM response_template_channels WHERE template_id = ? ORDER BY channel", t.channels);
    return t;
}

// Everything the template names exists, and its shortcut is free; the rows read are locked until the commit, so
// a file or a queue cannot go between this check and the insert.
void ResponseTemplateStore::check(const ResponseTemplate& t) {
    if (t.catalogId != 0) {
        sql::PreparedStatement& q = session_.prepare("SELECT id FROM template_catalogs WHERE id = ? LOCK IN SHARE MODE");
        q.setInt64(1, t.catalogId);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (!rs->next()) {
            throw ApiError::badRequest("'catalog_id': there is no template catalog " + std::to_string(t.catalogId));
        }
    }
    for (std::size_t i = 0; i < t.files.size(); ++i) {
        // Not one deleted meanwhile, nor one in quarantine: a template would hand it to every client.
        if (!exists(session_,
                    "SELECT id FROM files WHERE id = ? AND deleted_at IS NULL AND scan <> 'infected' LOCK IN SHARE MODE",
                    t.files[i])) {
            throw ApiError::badRequest("'files[" + std::to_string(i) + "]': there is no file '" + t.files[i] +
                                       "'; upload it with POST /api/v1/files?use=template first");
        }
    }
    for (std::size_t i = 0; i < t.queues.size(); ++i) {
        if (!exists(session_, "SELECT id FROM queues WHERE id = ? LOCK IN SHARE MODE", t.queues[i])) {
            throw ApiError::badRequest("'queues[" + std::to_string(i) + "]': there is no queue '" + t.queues[i] + "'");
        }
    }
    if (!t.shortcut.empty()) {
        sql::PreparedStatement& q = session_.prepare(
            "SELECT id FROM response_templates WHERE owner_operator_id <=> ? AND shortcut = ? AND id <> ? FOR UPDATE");
        bindOwner(q, 1, t.owner);
        q.setString(2, t.shortcut);
        q.setInt64(3, t.id);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (rs->next()) {
            throw ApiError(409, "duplicate_shortcut", "template " + std::to_string(rs->getInt64(1)) +
                                                          " has the shortcut '" + t.shortcut + "' already");
        }
    }
}

void ResponseTemplateStore::writeLists(const ResponseTemplate& t) {
    for (const char* table : {"response_template_files", "response_template_queues", "response_template_channels"}) {
        sql::PreparedStatement& clear = session_.prepare(std::string("DELETE FROM ") + table + " WHERE template_id = ?");
        clear.setInt64(1, t.id);
        clear.executeUpdate();
    }
    sql::PreparedStatement& file =
        session_.prepare("INSERT INTO response_template_files (template_id, position, file_id) VALUES (?, ?, ?)");
    for (std::size_t i = 0; i < t.files.size(); ++i) {
        file.setInt64(1, t.id);
        file.setInt(2, static_cast<int>(i));
        file.setString(3, t.files[i]);
        file.executeUpdate();
    }
    const auto insertAll = [&](const char* sql, const std::vector<std::string>& values) {
        sql::PreparedStatement& insert = session_.prepare(sql);
        for (const std::string& value : values) {
            insert.setInt64(1, t.id);
            insert.setString(2, value);
            insert.executeUpdate();
        }
    };
    insertAll("INSERT INTO response_template_queues (template_id, queue_id) VALUES (?, ?)", t.queues);
    insertAll("INSERT INTO response_template_channels (template_id, channel) VALUES (?, ?)", t.channels);
}

void ResponseTemplateStore::event(const std::string& type, const ResponseTemplate& t) {
    if (t.owner.empty()) appendEvent(session_, kEventTopic, type, t.toJson());
}

ResponseTemplate ResponseTemplateStore::create(ResponseTemplate t) {
    t.id = 0;
    check(t);
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO response_templates (catalog_id, owner_operator_id, title, body, shortcut, version, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)");
    if (t.catalogId == 0) {
        insert.setNull(1, sql::DataType::BIGINT);
    } else {
        insert.setInt64(1, t.catalogId);
    }
    bindOwner(insert, 2, t.owner);
    insert.setString(3, t.title);
    insert.setString(4, t.text);
    insert.setString(5, t.shortcut);
    insert.setString(6, now);
    insert.setString(7, now);
    insert.executeUpdate();
    t.id = session_.lastInsertId();
    t.version = 1;
    t.createdAt = t.updatedAt = dbTimeToIso(now);
    writeLists(t);
    event("template.created", t);
    return t;
}

ResponseTemplate ResponseTemplateStore::update(const ResponseTemplate& next, std::optional<int> expectedVersion) {
    const auto current = find(next.id, true);
    if (!current || current->owner != next.owner) throw ApiError::notFound("no template " + std::to_string(next.id));
    if (expectedVersion && *expectedVersion != current->version) {
        throw ApiError(409, "version_conflict", "template " + std::to_string(next.id) + " is at version " +
                                                    std::to_string(current->version) + ", not " +
                                                    std::to_string(*expectedVersion) + ": read it again");
    }
    check(next);
    ResponseTemplate t = next;
    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE response_templates SET catalog_id = ?, title = ?, body = ?, shortcut = ?, version = version + 1, "
        "updated_at = ? WHERE id = ?");
    if (t.catalogId == 0) {
        update.setNull(1, sql::DataType::BIGINT);
    } else {
        update.setInt64(1, t.catalogId);
    }
    update.setString(2, t.title);
    update.setString(3, t.text);
    update.setString(4, t.shortcut);
    update.setString(5, now);
    update.setInt64(6, t.id);
    update.executeUpdate();
    t.version = current->version + 1;
    t.createdAt = current->createdAt;
    t.updatedAt = dbTimeToIso(now);
    writeLists(t);
    event("template.updated", t);
    return t;
}

bool ResponseTemplateStore::importLegacy(const std::string& legacyId, const ResponseTemplate& templ) {
    sql::PreparedStatement& q = session_.prepare("SELECT id FROM response_templates WHERE legacy_id = ? FOR UPDATE");
    q.setString(1, legacyId);
    {
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (rs->next()) return false;
    }
    // The old id was what operators typed to pick it ("/refund"): it stays their shortcut unless one is taken.
    ResponseTemplate moved = templ;
    sql::PreparedStatement& taken = session_.prepare(
        "SELECT id FROM response_templates WHERE owner_operator_id IS NULL AND shortcut = ? FOR UPDATE");
    taken.setString(1, legacyId);
    {
        std::unique_ptr<sql::ResultSet> rs(taken.executeQuery());
        moved.shortcut = rs->next() ? "" : legacyId;
    }
    const ResponseTemplate created = create(moved);
    sql::PreparedStatement& mark = session_.prepare("UPDATE response_templates SET legacy_id = ? WHERE id = ?");
    mark.setString(1, legacyId);
    mark.setInt64(2, created.id);
    mark.executeUpdate();
    return true;
}

void ResponseTemplateStore::remove(const ResponseTemplate& t) {
    sql::PreparedStatement& remove = session_.prepare("DELETE FROM response_templates WHERE id = ?");
    remove.setInt64(1, t.id);
    remove.executeUpdate();
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
    data->set("id", t.id);
    if (t.owner.empty()) appendEvent(session_, kEventTopic, "template.deleted", data);
}

void ResponseTemplateStore::recordUse(std::int64_t templateId, const std::string& operatorId, const std::string& queue,
                                      std::int64_t interactionId) {
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO response_template_uses (template_id, operator_id, queue_id, interaction_id, used_at) "
        "VALUES (?, ?, ?, ?, ?)");
    insert.setInt64(1, templateId);
    insert.setString(2, operatorId);
    insert.setString(3, queue);
    if (interactionId == 0) {
        insert.setNull(4, sql::DataType::BIGINT);
    } else {
        insert.setInt64(4, interactionId);
    }
    insert.setString(5, nowDbTime());
    insert.executeUpdate();
}

TemplateUseCounts ResponseTemplateStore::useCounts(const std::string& operatorId, const std::string& queue) {
    TemplateUseCounts counts;
    const auto add = [&](const char* sql, const std::string& key) {
        sql::PreparedStatement& q = session_.prepare(sql);
        if (!key.empty()) q.setString(1, key);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        while (rs->next()) counts[rs->getInt64(1)] += rs->getInt64(2);
    };
    if (operatorId.empty() && queue.empty()) {
        add("SELECT template_id, COUNT(*) FROM response_template_uses GROUP BY template_id", "");
        return counts;
    }
    if (!operatorId.empty()) {
        add("SELECT template_id, COUNT(*) FROM response_template_uses WHERE operator_id = ? GROUP BY template_id",
            operatorId);
    }
    if (!queue.empty()) {
        add("SELECT template_id, COUNT(*) FROM response_template_uses WHERE queue_id = ? GROUP BY template_id", queue);
    }
    return counts;
}

std::optional<TemplateContext> ResponseTemplateStore::context(std::int64_t interactionId,
                                                             const std::string& operatorId) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT i.channel, i.account, i.subject, COALESCE(i.queue, ''), COALESCE(i.operator, ''), c.id, c.name, c.card "
        "FROM interactions i JOIN clients c ON c.id = i.client_id WHERE i.id = ?");
    q.setInt64(1, interactionId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    TemplateContext context;
    context.interactionId = interactionId;
    context.channel = rs->getString(1);
    context.queue = rs->getString(4);
    context.operatorId = operatorId.empty() ? std::string(rs->getString(5)) : operatorId;
    context.values = {{"interaction.id", std::to_string(interactionId)},
                      {"interaction.subject", rs->getString(3)},
                      {"channel", context.channel},
                      {"account", rs->getString(2)},
                      {"client.id", std::to_string(rs->getInt64(6))},
                      {"client.name", rs->getString(7)},
                      {"operator.id", context.operatorId}};
    for (const auto& [field, value] : cardFromJson(rs->getString(8))) context.values["client.card." + field] = value;
    if (!context.operatorId.empty()) {
        sql::PreparedStatement& name = session_.prepare("SELECT name FROM operators WHERE id = ?");
        name.setString(1, context.operatorId);
        std::unique_ptr<sql::ResultSet> found(name.executeQuery());
        if (found->next()) context.values["operator.name"] = found->getString(1);
    }
    return context;
}

std::vector<std::string> ResponseTemplateStore::queuesOf(const std::string& operatorId) {
    sql::PreparedStatement& q = session_.prepare(
        "SELECT DISTINCT q.queue_id FROM operator_group_members m JOIN operator_group_queues q "
        "ON q.group_id = m.group_id WHERE m.operator_id = ? ORDER BY q.queue_id");
    q.setString(1, operatorId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<std::string> queues;
    while (rs->next()) queues.push_back(rs->getString(1));
    return queues;
}

}  // namespace omnigate
