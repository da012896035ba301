#include "mailings/mailing.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <algorithm>

#include "mailings/report_period.h"
#include "model/online_figures.h"
#include "model/routing_fields.h"
#include "model/utf8_text.h"
#include "db/db_time.h"
#include "omnigate/sdk/address_rule.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

std::string list(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

void rejectUnknown(const Poco::JSON::Object::Ptr& o, const std::set<std::string>& known, const std::string& path,
                   const std::string& what) {
    for (const std::string& key : o->getNames()) {
        if (known.count(key) == 0) {
            throw ApiError::badRequest("'" + path + key + "' is not a field of " + what + "; they are " +
                                       list(std::vector<std::string>(known.begin(), known.end())));
        }
    }
}

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& path) {
    if (!o->has(key) || o->isNull(key)) throw ApiError::badRequest("'" + path + key + "' is required");
    if (!o->get(key).isString()) throw ApiError::badRequest("'" + path + key + "' must be a string");
    return o->getValue<std::string>(key);
}

Poco::JSON::Array::Ptr array(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& path) {
    if (!o->has(key) || o->isNull(key)) throw ApiError::badRequest("'" + path + key + "' is required");
    if (o->get(key).type() != typeid(Poco::JSON::Array::Ptr)) {
        throw ApiError::badRequest("'" + path + key + "' must be an array");
    }
    return o->getArray(key);
}

std::vector<std::string> parseRecipients(const Poco::JSON::Object::Ptr& body) {
    const Poco::JSON::Array::Ptr items = array(body, "recipients", "");
    if (items->size() == 0 || items->size() > kMaxMailingRecipients) {
        throw ApiError::badRequest("'recipients' must list 1 to " + std::to_string(kMaxMailingRecipients) +
                                   " mail addresses");
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const std::string at = "recipients[" + std::to_string(i) + "]";
        const Poco::Dynamic::Var item = items->get(static_cast<unsigned>(i));
        if (!item.isString()) throw ApiError::badRequest("'" + at + "' must be a mail address");
        const std::string address = Poco::trim(item.extract<std::string>());
        // The same rule as MAIL FROM and RCPT TO: nothing else ever reaches the SMTP server.
        if (!isMailbox(address)) {
            throw ApiError::badRequest("'" + at + "': '" + truncateUtf8(address, 100) +
                                       "' is not one mail address like boss@example.com");
        }
        if (std::find(out.begin(), out.end(), address) != out.end()) {
            throw ApiError::badRequest("'" + at + "': " + address + " is listed twice");
        }
        out.push_back(address);
    }
    return out;
}

MailingReport parseReport(const Poco::Dynamic::Var& value, const std::string& at, std::int64_t sampleRunMicros,
                          int centreOffsetMinutes) {
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw ApiError::badRequest("'" + at + "' must be an object {report, period, filters?, interval?}");
    }
    const Poco::JSON::Object::Ptr o = value.extract<Poco::JSON::Object::Ptr>();
    rejectUnknown(o, {"report", "period", "filters", "interval"}, at + ".", "a mailing's report");
    MailingReport r;
    r.report = text(o, "report", at + ".");
    r.period = text(o, "period", at + ".");
    if (!isReportPeriod(r.period)) {
        throw ApiError::badRequest("'" + at + ".period' must be one of " + list(reportPeriodNames()) + ", not '" +
                                   r.period + "'");
    }
    if (o->has("filters") && !o->isNull("filters")) {
        if (o->get("filters").type() != typeid(Poco::JSON::Object::Ptr)) {
            throw ApiError::badRequest("'" + at + ".filters' must be an object {filter: [ids]}");
        }
        const Poco::JSON::Object::Ptr filters = o->getObject("filters");
        for (const std::string& name : filters->getNames()) {
            const std::string fat = at + ".filters." + name;
            if (filters->get(name).type() != typeid(Poco::JSON::Array::Ptr) || filters->getArray(name)->size() == 0) {
                throw ApiError::badRequest("'" + fat + "' must be a non-empty array of ids");
            }
            const Poco::JSON::Array::Ptr ids = filters->getArray(name);
            for (std::size_t i = 0; i < ids->size(); ++i) {
                const Poco::Dynamic::Var id = ids->get(static_cast<unsigned>(i));
                if (!id.isString() && !id.isInteger()) throw ApiError::badRequest("'" + fat + "' must list ids");
                const std::string idText = id.convert<std::string>();
                // A comma would split the id in the report's query, where a comma separates ids.
                if (idText.find(',') != std::string::npos) {
                    throw ApiError::badRequest("'" + fat + "': '" + idText + "' is not an id");
                }
                r.filters[name].insert(idText);
            }
        }
    }
    if (o->has("interval") && !o->isNull("interval")) {
        if (!o->get("interval").isInteger()) throw ApiError::badRequest("'" + at + ".interval' must be 15, 30 or 60");
        r.intervalMinutes = o->getValue<int>("interval");
    }
    // A list of every interaction is no attachment: it is read in pages or exported streamed (docs/reports.md).
    if (r.report == "interaction_details") {
        throw ApiError::badRequest("'" + at + ".report': interaction_details is a list, not a report a mailing "
                                   "sends; export it with GET /api/v1/reports/interaction_details");
    }
    // The report's own checks (unknown report, a filter it does not take, a bad interval), on a sample run.
    try {
        r.request(sampleRunMicros, centreOffsetMinutes);
    } catch (const ApiError& e) {
        throw ApiError::badRequest("'" + at + "': " + e.what());
    }
    return r;
}

Level parseLevel(const std::string& text) {
    if (text == "warning") return Level::Warning;
    if (text == "critical") return Level::Critical;
    throw ApiError::badRequest("'level' must be warning or critical (the level that triggers), not '" + text + "'");
}

}  // namespace

const char* toString(Mailing::Kind kind) { return kind == Mailing::Kind::Periodic ? "periodic" : "threshold"; }

ReportRequest MailingReport::request(std::int64_t runMicros, int centreOffsetMinutes) const {
    const ReportPeriod days = reportPeriodOf(period, runMicros, centreOffsetMinutes);
    std::vector<std::pair<std::string, std::string>> query{{"from", days.from}, {"to", days.to}};
    for (const auto& [name, ids] : filters) {
        std::string joined;
        for (const std::string& id : ids) joined += (joined.empty() ? "" : ",") + id;
        query.emplace_back(name, joined);
    }
    if (intervalMinutes != 0) query.emplace_back("interval", std::to_string(intervalMinutes));
    return parseReportRequest(report, query, centreOffsetMinutes);
}

Mailing Mailing::parse(const Poco::JSON::Object::Ptr& body, int centreOffsetMinutes) {
    Mailing m;
    const std::string kind = text(body, "kind", "");
    if (kind == "periodic") {
        m.kind = Kind::Periodic;
        rejectUnknown(body, {"kind", "name", "enabled", "recipients", "schedule", "reports", "format"}, "",
                      "a periodic mailing");
    } else if (kind == "threshold") {
        m.kind = Kind::Threshold;
        rejectUnknown(body, {"kind", "name", "enabled", "recipients", "queue", "metric", "level", "retrigger_minutes"},
                      "", "a threshold mailing");
    } else {
        throw ApiError::badRequest("'kind' must be periodic or threshold, not '" + kind + "'");
    }
    m.name = Poco::trim(text(body, "name", ""));
    if (m.name.empty() || utf8Length(m.name) > 200) throw ApiError::badRequest("'name' must be 1 to 200 characters");
    if (body->has("enabled") && !body->isNull("enabled")) {
        if (body->get("enabled").type() != typeid(bool)) throw ApiError::badRequest("'enabled' must be true or false");
        m.enabled = body->getValue<bool>("enabled");
    }
    m.recipients = parseRecipients(body);
    if (m.kind == Kind::Periodic) {
        if (!body->has("schedule")) throw ApiError::badRequest("'schedule' is required");
        m.schedule = MailSchedule::parse(body->get("schedule"), "schedule", centreOffsetMinutes);
        const Poco::JSON::Array::Ptr reports = array(body, "reports", "");
        if (reports->size() == 0 || reports->size() > kMaxMailingReports) {
            throw ApiError::badRequest("'reports' must list 1 to " + std::to_string(kMaxMailingReports) + " reports");
        }
        // Filters and periods are checked as of now; a run checks them again at its own time.
        const std::int64_t now = Poco::Timestamp().epochMicroseconds();
        for (std::size_t i = 0; i < reports->size(); ++i) {
            m.reports.push_back(parseReport(reports->get(static_cast<unsigned>(i)),
                                            "reports[" + std::to_string(i) + "]", now, centreOffsetMinutes));
        }
        if (body->has("format") && !body->isNull("format")) {
            m.format = text(body, "format", "");
            if (m.format != "xlsx" && m.format != "csv") {
                throw ApiError::badRequest("'format' must be xlsx or csv, not '" + m.format + "'");
            }
        }
    } else {
        m.queue = text(body, "queue", "");
        routing_fields::checkId(m.queue, "queue");
        m.metric = text(body, "metric", "");
        const auto& figures = queueFigureNames();
        if (std::find(figures.begin(), figures.end(), m.metric) == figures.end()) {
            throw ApiError::badRequest("'metric' must be one of the queue's online figures (" + list(figures) +
                                       "), not '" + m.metric + "'");
        }
        m.level = parseLevel(text(body, "level", ""));
        if (body->has("retrigger_minutes") && !body->isNull("retrigger_minutes")) {
            const Poco::Dynamic::Var v = body->get("retrigger_minutes");
            if (!v.isInteger() || v.convert<int>() < 1 || v.convert<int>() > 7 * 24 * 60) {
                throw ApiError::badRequest("'retrigger_minutes' must be 1 to 10080 (a week)");
            }
            m.retriggerMinutes = v.convert<int>();
        }
    }
    return m;
}

void Mailing::checkThreshold(const FigureThresholds& thresholds) const {
    const auto found = thresholds.find(metric);
    if (found == thresholds.end()) {
        throw ApiError::badRequest("'metric': queue '" + queue + "' has no threshold for " + metric +
                                   ", so no direction to watch in; set thresholds." + metric +
                                   " (direction, warning, critical) on the queue first");
    }
    const FigureThreshold& t = found->second;
    if ((level == Level::Warning && !t.warning) || (level == Level::Critical && !t.critical)) {
        throw ApiError::badRequest("'level': queue '" + queue + "' sets no " + toString(level) + " level for " +
                                   metric);
    }
}

Poco::JSON::Object::Ptr Mailing::definitionJson() const {
    Poco::JSON::Object::Ptr o = object();
    o->set("kind", toString(kind));
    o->set("name", name);
    o->set("enabled", enabled);
    Poco::JSON::Array::Ptr to = new Poco::JSON::Array;
    for (const std::string& r : recipients) to->add(r);
    o->set("recipients", to);
    if (kind == Kind::Periodic) {
        o->set("schedule", schedule.toJson());
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        for (const MailingReport& r : reports) {
            Poco::JSON::Object::Ptr item = object();
            item->set("report", r.report);
            item->set("period", r.period);
            Poco::JSON::Object::Ptr filters = object();
            for (const auto& [name, ids] : r.filters) {
                Poco::JSON::Array::Ptr values = new Poco::JSON::Array;
                for (const std::string& id : ids) values->add(id);
                filters->set(name, values);
            }
            item->set("filters", filters);
            if (r.intervalMinutes != 0) item->set("interval", r.intervalMinutes);
            items->add(item);
        }
        o->set("reports", items);
        o->set("format", format);
    } else {
        o->set("queue", queue);
        o->set("metric", metric);
        o->set("level", toString(level));
        o->set("retrigger_minutes", retriggerMinutes);
    }
    return o;
}

Poco::JSON::Object::Ptr Mailing::toJson() const {
    Poco::JSON::Object::Ptr o = object();
    o->set("id", id);
    const Poco::JSON::Object::Ptr definition = definitionJson();
    for (const std::string& key : definition->getNames()) o->set(key, definition->get(key));
    if (kind == Kind::Periodic) {
        o->set("next_run_at", nextRunAt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(dbTimeToIso(nextRunAt)));
    } else {
        Poco::JSON::Object::Ptr s = object();
        s->set("level", state.level.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(state.level));
        s->set("alerting", state.alerting);
        s->set("last_alert_at",
               state.lastAlertAt.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(dbTimeToIso(state.lastAlertAt)));
        o->set("state", s);
    }
    o->set("version", version);
    o->set("created_at", dbTimeToIso(createdAt));
    o->set("updated_at", dbTimeToIso(updatedAt));
    return o;
}

}  // namespace omnigate
