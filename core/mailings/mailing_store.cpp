#include "mailings/mailing_store.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timestamp.h>

#include <sstream>
#include <stdexcept>

#include "db/db_time.h"
#include "omnigate/sdk/api_error.h"
#include "store/queue_store.h"

namespace omnigate {

namespace {

const char* const kColumns =
    "SELECT m.id, m.definition, COALESCE(DATE_FORMAT(m.next_run_at, '%Y-%m-%d %H:%i:%s.%f'), ''), m.version, "
    "DATE_FORMAT(m.created_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(m.updated_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "COALESCE(s.level, ''), COALESCE(s.alerting, 0), COALESCE(DATE_FORMAT(s.last_alert_at, '%Y-%m-%d %H:%i:%s.%f'), '') "
    "FROM mailings m LEFT JOIN mailing_threshold_state s ON s.mailing_id = m.id ";

const char* const kRunColumns =
    "SELECT id, mailing_id, run_trigger, status, DATE_FORMAT(started_at, '%Y-%m-%d %H:%i:%s.%f'), "
    "COALESCE(DATE_FORMAT(finished_at, '%Y-%m-%d %H:%i:%s.%f'), ''), attempts, reply_code, COALESCE(reply, ''), "
    "COALESCE(contents, '') FROM mailing_runs ";

std::string millis(const std::string& dbTime) { return dbTime.substr(0, 23); }

std::string stringify(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

std::string dbTimeOf(std::int64_t micros) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%d %H:%M:%S.%i");
}

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

Mailing read(sql::ResultSet& rs) {
    const std::int64_t id = rs.getInt64(1);
    Mailing m;
    // Only this store writes the column, always from a definition parse() accepted, with its offset spelt out.
    try {
        m = Mailing::parse(parseObject(rs.getString(2)), 0);
    } catch (const std::exception& e) {
        throw std::runtime_error("mailing " + std::to_string(id) + " has an unreadable definition in the database: " +
                                 e.what());
    }
    m.id = id;
    m.nextRunAt = millis(rs.getString(3));
    m.version = rs.getInt(4);
    m.createdAt = millis(rs.getString(5));
    m.updatedAt = millis(rs.getString(6));
    m.state.level = rs.getString(7);
    m.state.alerting = rs.getBoolean(8);
    m.state.lastAlertAt = millis(rs.getString(9));
    return m;
}

MailingRun readRun(sql::ResultSet& rs) {
    MailingRun r;
    r.id = rs.getInt64(1);
    r.mailingId = rs.getInt64(2);
    r.trigger = rs.getString(3);
    r.status = rs.getString(4);
    r.startedAt = millis(rs.getString(5));
    r.finishedAt = millis(rs.getString(6));
    r.attempts = rs.getInt(7);
    if (!rs.isNull(8)) r.replyCode = rs.getInt(8);
    r.reply = rs.getString(9);
    const std::string contents = rs.getString(10);
    if (!contents.empty()) r.contents = parseObject(contents);
    return r;
}

std::vector<Mailing> readAll(sql::PreparedStatement& statement) {
    std::unique_ptr<sql::ResultSet> rs(statement.executeQuery());
    std::vector<Mailing> out;
    while (rs->next()) out.push_back(read(*rs));
    return out;
}

}  // namespace

Poco::JSON::Object::Ptr MailingRun::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", id);
    o->set("mailing_id", mailingId);
    o->set("trigger", trigger);
    o->set("status", status);
    o->set("started_at", dbTimeToIso(startedAt));
    o->set("finished_at", finishedAt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(dbTimeToIso(finishedAt)));
    o->set("attempts", attempts);
    o->set("reply_code", replyCode ? Poco::Dynamic::Var(*replyCode) : Poco::Dynamic::Var());
    o->set("reply", reply.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(reply));
    o->set("contents", contents.isNull() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(contents));
    return o;
}

std::vector<Mailing> MailingStore::all() { return readAll(session_.prepare(std::string(kColumns) + "ORDER BY m.id")); }

std::optional<Mailing> MailingStore::find(std::int64_t id, bool forUpdate) {
    sql::PreparedStatement& select =
        session_.prepare(std::string(kColumns) + "WHERE m.id = ?" + (forUpdate ? " FOR UPDATE" : ""));
    select.setInt64(1, id);
    std::vector<Mailing> found = readAll(select);
    if (found.empty()) return std::nullopt;
    return found.front();
}

FigureThresholds MailingStore::queueThresholds(const std::string& queue) {
    const std::optional<Queue> q = QueueStore(session_).find(queue);
    if (!q) throw ApiError::badRequest("'queue': no queue '" + queue + "'");
    return q->thresholds;
}

void MailingStore::checkAndSchedule(Mailing& m) {
    if (m.kind == Mailing::Kind::Threshold) {
        m.checkThreshold(queueThresholds(m.queue));
        m.nextRunAt.clear();
    } else {
        m.nextRunAt = m.enabled ? dbTimeOf(m.schedule.nextAfter(Poco::Timestamp().epochMicroseconds())) : "";
    }
}

Mailing MailingStore::create(Mailing draft) {
    checkAndSchedule(draft);
    const std::string now = nowDbTime();
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO mailings (kind, name, enabled, definition, next_run_at, version, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id");
    insert.setString(1, toString(draft.kind));
    insert.setString(2, draft.name);
    insert.setBoolean(3, draft.enabled);
    insert.setString(4, stringify(draft.definitionJson()));
    bindTextOrNull(insert, 5, draft.nextRunAt);
    insert.setString(6, now);
    insert.setString(7, now);
    draft.id = DbSession::insertReturningId(insert);
    draft.version = 1;
    draft.createdAt = draft.updatedAt = now;
    return draft;
}

Mailing MailingStore::replace(std::int64_t id, Mailing draft, std::optional<int> version) {
    const std::optional<Mailing> current = find(id, true);
    if (!current) throw ApiError::notFound("no mailing " + std::to_string(id));
    if (version && *version != current->version) {
        throw ApiError(409, "version_conflict", "mailing " + std::to_string(id) + " changed meanwhile (version " +
                                                    std::to_string(current->version) + " now): reload it and try again");
    }
    checkAndSchedule(draft);
    const std::string now = nowDbTime();
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE mailings SET kind = ?, name = ?, enabled = ?, definition = ?, next_run_at = ?, version = version + 1, "
        "updated_at = ? WHERE id = ?");
    update.setString(1, toString(draft.kind));
    update.setString(2, draft.name);
    update.setBoolean(3, draft.enabled);
    update.setString(4, stringify(draft.definitionJson()));
    bindTextOrNull(update, 5, draft.nextRunAt);
    update.setString(6, now);
    update.setInt64(7, id);
    update.executeUpdate();
    // A changed watch starts afresh: what was alerting under the old queue, metric or level says nothing now.
    sql::PreparedStatement& clear = session_.prepare("DELETE FROM mailing_threshold_state WHERE mailing_id = ?");
    clear.setInt64(1, id);
    clear.executeUpdate();
    draft.id = id;
    draft.version = current->version + 1;
    draft.createdAt = current->createdAt;
    draft.updatedAt = now;
    draft.state = ThresholdState{};
    return draft;
}

void MailingStore::remove(std::int64_t id) {
    sql::PreparedStatement& del = session_.prepare("DELETE FROM mailings WHERE id = ?");
    del.setInt64(1, id);
    if (del.executeUpdate() == 0) throw ApiError::notFound("no mailing " + std::to_string(id));
}

std::vector<MailingRun> MailingStore::runs(std::int64_t mailingId, std::int64_t beforeId, std::size_t limit) {
    sql::PreparedStatement& select = session_.prepare(std::string(kRunColumns) +
                                                      "WHERE mailing_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
    select.setInt64(1, mailingId);
    select.setInt64(2, beforeId > 0 ? beforeId : INT64_MAX);
    select.setInt64(3, static_cast<std::int64_t>(limit));
    std::unique_ptr<sql::ResultSet> rs(select.executeQuery());
    std::vector<MailingRun> out;
    while (rs->next()) out.push_back(readRun(*rs));
    return out;
}

std::optional<MailingRun> MailingStore::run(std::int64_t runId) {
    sql::PreparedStatement& select = session_.prepare(std::string(kRunColumns) + "WHERE id = ?");
    select.setInt64(1, runId);
    std::unique_ptr<sql::ResultSet> rs(select.executeQuery());
    if (!rs->next()) return std::nullopt;
    return readRun(*rs);
}

std::int64_t MailingStore::startRun(std::int64_t mailingId, const std::string& trigger,
                                    const Poco::JSON::Object::Ptr& contents) {
    sql::PreparedStatement& insert = session_.prepare(
        "INSERT INTO mailing_runs (mailing_id, run_trigger, status, started_at, contents) "
        "VALUES (?, ?, 'sending', ?, ?) RETURNING id");
    insert.setInt64(1, mailingId);
    insert.setString(2, trigger);
    insert.setString(3, nowDbTime());
    bindTextOrNull(insert, 4, contents.isNull() ? "" : stringify(contents));
    return DbSession::insertReturningId(insert);
}

void MailingStore::finishRun(const MailingRun& run) {
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE mailing_runs SET status = ?, finished_at = ?, attempts = ?, reply_code = ?, reply = ?, contents = ? "
        "WHERE id = ?");
    update.setString(1, run.status);
    update.setString(2, nowDbTime());
    update.setInt(3, run.attempts);
    if (run.replyCode) {
        update.setInt(4, *run.replyCode);
    } else {
        update.setNull(4, sql::DataType::INTEGER);
    }
    bindTextOrNull(update, 5, run.reply);
    bindTextOrNull(update, 6, run.contents.isNull() ? "" : stringify(run.contents));
    update.setInt64(7, run.id);
    update.executeUpdate();
}

int MailingStore::failInterrupted() {
    sql::PreparedStatement& update = session_.prepare(
        "UPDATE mailing_runs SET status = 'failed', finished_at = ?, "
        "reply = 'interrupted: the daemon stopped while sending; the mail may or may not have reached the server, "
        "so it is not sent again' WHERE status = 'sending' AND (run_trigger <> 'manual' OR started_at < ?)");
    update.setString(1, nowDbTime());
    // A try-out is sent by whichever daemon answered it, while it may still be sending; an hour is longer than
    // any run's attempts take.
    update.setString(2, dbTimeIn(-std::chrono::hours(1)));
    return update.executeUpdate();
}

std::vector<Mailing> MailingStore::due() {
    sql::PreparedStatement& select = session_.prepare(
        std::string(kColumns) + "WHERE m.enabled AND m.kind = 'periodic' AND m.next_run_at <= ? ORDER BY m.next_run_at");
    select.setString(1, nowDbTime());
    return readAll(select);
}

bool MailingStore::claimRun(std::int64_t id, const std::string& expected, const std::string& next) {
    sql::PreparedStatement& update =
        session_.prepare("UPDATE mailings SET next_run_at = ? WHERE id = ? AND next_run_at = ?");
    update.setString(1, next);
    update.setInt64(2, id);
    update.setString(3, expected);
    return update.executeUpdate() == 1;
}

std::vector<Mailing> MailingStore::thresholdMailings() {
    return readAll(session_.prepare(std::string(kColumns) + "WHERE m.enabled AND m.kind = 'threshold' ORDER BY m.id"));
}

void MailingStore::saveState(std::int64_t id, const ThresholdState& state) {
    sql::PreparedStatement& upsert = session_.prepare(
        "INSERT INTO mailing_threshold_state (mailing_id, level, alerting, last_alert_at) VALUES (?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE level = VALUES(level), alerting = VALUES(alerting), "
        "last_alert_at = VALUES(last_alert_at)");
    upsert.setInt64(1, id);
    upsert.setString(2, state.level);
    upsert.setBoolean(3, state.alerting);
    bindTextOrNull(upsert, 4, state.lastAlertAt);
    upsert.executeUpdate();
}

}  // namespace omnigate
