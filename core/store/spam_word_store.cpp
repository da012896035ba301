#include "store/spam_word_store.h"

#include <Poco/UTF8String.h>
#include <cppconn/exception.h>

#include <algorithm>

#include "db/db_time.h"
#include "db/outbox.h"
#include "omnigate/sdk/api_error.h"
#include "store/catalog_removal.h"

namespace omnigate {

namespace {

const char* const kEventTopic = "omnigate/v1/catalogs/spam-words/events";
const CatalogTable kCatalog{"spam_words", kEventTopic};

const char* const kColumns = "SELECT id, word, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s.%f') FROM spam_words ";

constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::size_t characters(const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

SpamWord read(sql::ResultSet& rs) {
    return {rs.getInt64(1), rs.getString(2), dbTimeToIso(std::string(rs.getString(3)).substr(0, 23))};
}

ApiError duplicate(const std::string& word, const std::string& existing, std::int64_t existingId) {
    const std::string which = existing == word ? "" : " as '" + existing + "'";
    return ApiError(409, "duplicate_spam_word", "'" + word + "' is a spam word already" + which +
                                                    (existingId > 0 ? " (id " + std::to_string(existingId) + ")" : ""));
}

}  // namespace

std::string SpamWordStore::normalize(const std::string& word) {
    std::string collapsed;
    for (char c : word) {
        if (!isSpace(c)) {
            collapsed += c;
        } else if (!collapsed.empty() && collapsed.back() != ' ') {
            collapsed += ' ';
        }
    }
    if (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
    if (collapsed.empty()) throw ApiError::badRequest("'word' is empty");
    if (characters(collapsed) > 255) throw ApiError::badRequest("'word' is longer than 255 characters");
    return Poco::UTF8::toLower(collapsed);
}

std::vector<SpamWord> SpamWordStore::all() {
    sql::PreparedStatement& q = session_.prepare(std::string(kColumns) + "ORDER BY word, id");
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    std::vector<SpamWord> out;
    while (rs->next()) out.push_back(read(*rs));
    return out;
}

std::optional<SpamWord> SpamWordStore::find(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& q =
        session_.prepare(std::string(kColumns) + (forUpdate ? "WHERE id = ? FOR UPDATE" : "WHERE id = ?"));
    q.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return read(*rs);
}

SpamWord SpamWordStore::add(const std::string& word) {
    sql::PreparedStatement& find = session_.prepare("SELECT id, word FROM spam_words WHERE word = ? FOR UPDATE");
    find.setString(1, word);
    {
        std::unique_ptr<sql::ResultSet> rs(find.executeQuery());
        if (rs->next()) throw duplicate(word, rs->getString(2), rs->getInt64(1));
    }
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare("INSERT INTO spam_words (word, created_at) VALUES (?, ?)");
    insert.setString(1, word);
    insert.setString(2, now);
    try {
        insert.executeUpdate();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKey) throw duplicate(word, word, 0);
        throw;
    }
    const SpamWord added{session_.lastInsertId(), word, dbTimeToIso(now)};
    appendEvent(session_, kEventTopic, "spam_word.created", toJson(added));
    return added;
}

void SpamWordStore::remove(std::int64_t id) {
    const auto word = find(id, true);
    if (!word) throw ApiError::notFound("no spam word " + std::to_string(id));
    removeCatalogEntry(session_, kCatalog, id, "spam_word.deleted", toJson(*word));
}

Poco::JSON::Object::Ptr toJson(const SpamWord& word) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", word.id);
    o->set("word", word.word);
    o->set("created_at", word.createdAt);
    return o;
}

}  // namespace omnigate
