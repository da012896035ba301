#include "store/file_catalog.h"

#include <Poco/JSON/Array.h>

#include <algorithm>

#include "db/db_time.h"
#include "omnigate/sdk/api_error.h"
#include "store/response_template_store.h"

namespace omnigate {

namespace {

// Whether a message, a template or a chat message carries the file f.
const char* const kInMessages = "EXISTS (SELECT 1 FROM message_files m WHERE m.file_id = f.id)";
const char* const kInTemplates = "EXISTS (SELECT 1 FROM response_template_files t WHERE t.file_id = f.id)";
const char* const kInChats = "EXISTS (SELECT 1 FROM chat_message_files c WHERE c.file_id = f.id)";

// One statement for every combination of filters (an empty parameter is no filter), so that the connection's
// cache of prepared statements stays two entries long.
std::string listSql(bool deleted) {
    const std::string used = std::string("(") + kInMessages + " OR " + kInTemplates + " OR " + kInChats + ")";
    return std::string(
               "SELECT f.id, f.file_name, f.content_type, f.size, f.file_use, f.created_by, "
               "DATE_FORMAT(f.created_at, '%Y-%m-%d %H:%i:%s.%f'), f.scan, COALESCE(f.threat, ''), "
               "COALESCE(DATE_FORMAT(f.deleted_at, '%Y-%m-%d %H:%i:%s.%f'), ''), COALESCE(f.deleted_by, ''), "
               "(SELECT COUNT(*) FROM message_files m WHERE m.file_id = f.id), "
               "(SELECT COUNT(*) FROM response_template_files t WHERE t.file_id = f.id), "
               "(SELECT COUNT(*) FROM chat_message_files c WHERE c.file_id = f.id) "
               "FROM files f WHERE f.deleted_at IS ") +
           (deleted ? "NOT NULL" : "NULL") +
           " AND (? = '' OR f.content_type LIKE ? OR f.content_type LIKE ?)"
           " AND (? IS NULL OR f.size >= ?) AND (? IS NULL OR f.size <= ?)"
           " AND (? = '' OR f.created_by = ?)"
           " AND (? = '' OR f.file_use = ?)"
           " AND (? = '' OR f.scan = ?)"
           " AND (? = '' OR f.file_name LIKE CONCAT('%', ?, '%'))"
           " AND (? = '' OR f.created_at >= ?) AND (? = '' OR f.created_at <= ?)"
           " AND (? <> 'message' OR " + kInMessages + ")"
           " AND (? <> 'template' OR " + kInTemplates + ")"
           " AND (? <> 'chat' OR " + kInChats + ")"
           " AND (? <> 'yes' OR " + used + ")"
           " AND (? <> 'no' OR NOT " + used + ")"
           " AND (? = '' OR f.created_at < ? OR (f.created_at = ? AND f.id < ?))"
           " ORDER BY f.created_at DESC, f.id DESC LIMIT ?";
}

// LIKE's own characters in a text searched for as it is.
std::string likeLiteral(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

Poco::JSON::Object::Ptr FileEntry::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", id);
    o->set("name", name);
    o->set("content_type", contentType);
    o->set("size", size);
    o->set("use", use);
    o->set("uploaded_by", createdBy);
    o->set("created_at", dbTimeToIso(createdAt));
    o->set("scan", scan);
    if (!threat.empty()) o->set("threat", threat);
    if (!deletedAt.empty()) {
        o->set("deleted_at", dbTimeToIso(deletedAt));
        o->set("deleted_by", deletedBy);
    }
    Poco::JSON::Object::Ptr usedBy = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    usedBy->set("messages", messages);
    usedBy->set("templates", templates);
    usedBy->set("chat_messages", chatMessages);
    o->set("used_by", usedBy);
    return o;
}

Poco::JSON::Object::Ptr FileUses::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const Template& t : templates) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("id", t.id);
        item->set("title", t.title);
        item->set("scope", t.owner.empty() ? "shared" : "personal");
        if (!t.owner.empty()) item->set("operator_id", t.owner);
        list->add(item);
    }
    o->set("templates", list);
    o->set("messages", messages);
    Poco::JSON::Array::Ptr ids = new Poco::JSON::Array;
    for (std::int64_t id : interactions) ids->add(id);
    o->set("interactions", ids);
    o->set("chat_messages", chatMessages);
    Poco::JSON::Array::Ptr chatIds = new Poco::JSON::Array;
    for (std::int64_t id : chats) chatIds->add(id);
    o->set("chats", chatIds);
    return o;
}

std::vector<FileEntry> FileCatalog::list(const FileFilter& filter) {
    sql::PreparedStatement& q = session_.prepare(listSql(filter.deleted));
    int at = 0;
    const auto text = [&](const std::string& value, int times) {
        for (int i = 0; i < times; ++i) q.setString(++at, value);
    };
    const auto number = [&](const std::optional<std::int64_t>& value) {
        for (int i = 0; i < 2; ++i) {
            if (value) {
                q.setInt64(++at, *value);
            } else {
                q.setNull(++at, sql::DataType::BIGINT);
            }
        }
    };
    // "image/*" is a prefix; "application/pdf" is that type with or without parameters ("; charset=…").
    std::string like, likeWithParameters;
    if (!filter.type.empty() && filter.type != "*/*") {
        if (filter.type.back() == '*') {
            like = likeWithParameters = filter.type.substr(0, filter.type.size() - 1) + "%";
        } else {
            like = filter.type;
            likeWithParameters = filter.type + ";%";
        }
    }
    text(like, 2);
    text(likeWithParameters, 1);
    number(filter.minSize);
    number(filter.maxSize);
    text(filter.uploadedBy, 2);
    text(filter.use ? toString(*filter.use) : "", 2);
    text(filter.scan, 2);
    text(likeLiteral(filter.name), 2);
    text(filter.from, 2);
    text(filter.to, 2);
    text(filter.usedIn, 3);
    const std::string used = !filter.used ? "" : *filter.used ? "yes" : "no";
    text(used, 2);
    text(filter.afterCreatedAt, 3);
    text(filter.afterId, 1);
    q.setInt64(++at, static_cast<std::int64_t>(filter.limit));
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<FileEntry> page;
    while (rs->next()) {
        FileEntry e;
        e.id = rs->getString(1);
        e.name = rs->getString(2);
        e.contentType = rs->getString(3);
        e.size = rs->getInt64(4);
        e.use = rs->getString(5);
        e.createdBy = rs->getString(6);
        e.createdAt = rs->getString(7);
        e.scan = rs->getString(8);
        e.threat = rs->getString(9);
        e.deletedAt = rs->getString(10);
        e.deletedBy = rs->getString(11);
        e.messages = rs->getInt64(12);
        e.templates = rs->getInt64(13);
        e.chatMessages = rs->getInt64(14);
        page.push_back(std::move(e));
    }
    return page;
}

FileStoreUsage FileCatalog::usage() {
    sql::PreparedStatement& q = session_.prepare("SELECT bytes, files FROM file_store_usage WHERE id = 1");
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    FileStoreUsage usage;
    if (rs->next()) usage = {rs->getInt64(1), rs->getInt64(2)};
    return usage;
}

std::optional<FileUses> FileCatalog::uses(const std::string& fileId) {
    {
        sql::PreparedStatement& q = session_.prepare("SELECT 1 FROM files WHERE id = ?");
        q.setString(1, fileId);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (!rs->next()) return std::nullopt;
    }
    FileUses uses;
    {
        sql::PreparedStatement& q = session_.prepare(
            "SELECT t.id, t.title, COALESCE(t.owner_operator_id, '') FROM response_template_files rf "
            "JOIN response_templates t ON t.id = rf.template_id WHERE rf.file_id = ? ORDER BY t.id");
        q.setString(1, fileId);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        while (rs->next()) uses.templates.push_back({rs->getInt64(1), rs->getString(2), rs->getString(3)});
    }
    const auto countAndFirst = [&](const char* countSql, const char* firstSql, std::int64_t& count,
                                   std::vector<std::int64_t>& first) {
        sql::PreparedStatement& c = session_.prepare(countSql);
        c.setString(1, fileId);
        std::unique_ptr<sql::ResultSet> counted(c.executeQuery());
        count = counted->next() ? counted->getInt64(1) : 0;
        if (count == 0) return;
        sql::PreparedStatement& f = session_.prepare(firstSql);
        f.setString(1, fileId);
        f.setInt64(2, static_cast<std::int64_t>(kUsesListed));
        std::unique_ptr<sql::ResultSet> rs(f.executeQuery());
        while (rs->next()) first.push_back(rs->getInt64(1));
    };
    countAndFirst("SELECT COUNT(*) FROM message_files WHERE file_id = ?",
                  "SELECT DISTINCT interaction_id FROM message_files WHERE file_id = ? ORDER BY interaction_id LIMIT ?",
                  uses.messages, uses.interactions);
    countAndFirst("SELECT COUNT(*) FROM chat_message_files WHERE file_id = ?",
                  "SELECT DISTINCT chat_id FROM chat_message_files WHERE file_id = ? ORDER BY chat_id LIMIT ?",
                  uses.chatMessages, uses.chats);
    return uses;
}

FileRemoval FileCatalog::remove(const std::string& fileId, bool force, const std::string& by) {
    FileRemoval removal;
    {
        // Locked until the commit: a template being saved with this file waits (its check reads the row in share
        // mode) and then finds it gone.
        sql::PreparedStatement& q = session_.prepare(
            "SELECT sha256, size, scan = 'infected', deleted_at IS NOT NULL, file_name FROM files WHERE id = ? "
            "FOR UPDATE");
        q.setString(1, fileId);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (!rs->next()) throw ApiError::notFound("no file " + fileId);
        if (rs->getBoolean(4)) throw ApiError(410, "file_deleted", "file " + fileId + " was deleted already");
        removal.sha256 = rs->getString(1);
        removal.size = rs->getInt64(2);
        removal.quarantined = rs->getBoolean(3);
        removal.name = rs->getString(5);
    }
    removal.uses = *uses(fileId);
    if (removal.uses.any() && !force) return removal;

    ResponseTemplateStore templates(session_);
    for (const FileUses::Template& used : removal.uses.templates) {
        auto t = templates.find(used.id, true);
        if (!t) continue;
        t->files.erase(std::remove(t->files.begin(), t->files.end(), fileId), t->files.end());
        templates.update(*t, std::nullopt);
    }
    if (removal.uses.messages > 0 || removal.uses.chatMessages > 0) {
        // Their history keeps the name and says it was deleted; the bytes go after the commit.
        sql::PreparedStatement& mark =
            session_.prepare("UPDATE files SET deleted_at = ?, deleted_by = ? WHERE id = ?");
        mark.setString(1, nowDbTime());
        mark.setString(2, by.substr(0, 64));
        mark.setString(3, fileId);
        mark.executeUpdate();
    } else {
        sql::PreparedStatement& drop = session_.prepare("DELETE FROM files WHERE id = ?");
        drop.setString(1, fileId);
        drop.executeUpdate();
    }
    sql::PreparedStatement& count =
        session_.prepare("UPDATE file_store_usage SET bytes = bytes - ?, files = files - 1 WHERE id = 1");
    count.setInt64(1, removal.size);
    count.executeUpdate();
    removal.removed = true;
    return removal;
}

}  // namespace omnigate
