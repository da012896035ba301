#include "reports/report_builder.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "model/online_figures.h"
#include "store/operator_group_store.h"
#include "store/operator_store.h"
#include "store/queue_store.h"
#include "store/report_reader.h"
#include "store/topic_store.h"

namespace omnigate {

namespace {

std::string dbTimeOf(std::int64_t micros) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%d %H:%M:%S");
}

std::optional<double> find(const Figures& figures, const std::string& name) {
    for (const auto& [n, v] : figures) {
        if (n == name) return v;
    }
    return std::nullopt;
}

std::optional<double> percent(std::int64_t part, std::int64_t whole) {
    if (whole <= 0) return std::nullopt;
    return std::round(static_cast<double>(part) * 1000.0 / static_cast<double>(whole)) / 10.0;
}

// The figures of a queue report, in column order: counts of ended visits and what they make.
struct QueueFigure {
    const char* key;
    const char* title;
    const char* format;
};
const std::vector<QueueFigure> kQueueFigures{
    {"offered", "Offered", ""},
    {"answered", "Answered", ""},
    {"abandoned", "Abandoned", ""},
    {"short_abandoned", "Short abandoned", ""},
    {"transferred_out", "Transferred out", ""},
    {"abandonment_rate_percent", "Abandonment rate, %", "0.0"},
    {"service_level_percent", "Service level, %", "0.0"},
    {"average_speed_of_answer_seconds", "Average speed of answer, s", "0.0"},
    {"longest_wait_seconds", "Longest wait, s", ""},
    {"handled", "Handled", ""},
    {"average_handle_seconds", "Average handle time, s", "0.0"},
    {"average_rating", "Average rating", "0.00"},
};

void addQueueColumns(ReportTable& table) {
    for (const QueueFigure& f : kQueueFigures) table.columns.push_back({f.key, f.title, f.format});
}

// handled … occupancy_percent of the operator KPI report, in its column order.
std::vector<ReportCell> operatorCells(const OperatorCounts& counts) {
    const Figures figures = operatorFigures(counts);
    std::vector<ReportCell> cells;
    for (const char* key : {"handled", "average_handle_seconds", "first_response_seconds", "average_rating"}) {
        cells.push_back(ReportCell::of(find(figures, key)));
    }
    cells.push_back(ReportCell::of(percent(counts.ratingsTopTwo, counts.ratings)));
    for (const char* key : {"not_responding", "ready_share_percent", "occupancy_percent"}) {
        cells.push_back(ReportCell::of(find(figures, key)));
    }
    return cells;
}

std::vector<ReportCell> queueCells(const QueueCounts& counts) {
    const Figures figures = queueFigures(counts, WaitingNow{});
    std::vector<ReportCell> cells;
    for (const QueueFigure& f : kQueueFigures) {
        if (std::string(f.key) == "longest_wait_seconds") {
            cells.push_back(ReportCell::of(static_cast<double>(counts.longestWaitMs / 1000)));
        } else {
            cells.push_back(ReportCell::of(find(figures, f.key)));
        }
    }
    return cells;
}

}  // namespace

ReportTable ReportBuilder::build(const ReportRequest& request) {
    const std::string& name = request.spec->name;
    if (name == "queue_kpis") return queueKpis(request);
    if (name == "operator_kpis") return operatorKpis(request);
    if (name == "operator_statuses") return operatorStatuses(request);
    if (name == "contact_centre_detailed") return contactCentreDetailed(request);
    if (name == "interaction_topics") return interactionTopics(request);
    if (name == "interaction_ratings") return interactionRatings(request);
    if (name == "interaction_statuses") return interactionStatuses(request);
    if (name == "interaction_channels") return interactionChannels(request);
    if (name == "template_usage") return templateUsage(request);
    if (name == "interaction_details") throw std::logic_error("the interaction details are read by InteractionDetails");
    return contactCentreSummary(request);
}

ReportScope reportScope(DbSession& session, const ReportRequest& request) {
    ReportScope scope;
    scope.from = dbTimeOf(request.fromMicros);
    scope.to = dbTimeOf(request.toMicros);
    scope.wholeDays = true;
    scope.fromMicros = request.fromMicros;
    scope.toMicros = request.toMicros;
    const auto filter = [&](const char* name) {
        const auto found = request.filters.find(name);
        return found == request.filters.end() ? std::set<std::string>{} : found->second;
    };
    scope.queues = filter("queue");
    scope.channels = filter("channel");
    scope.topics = filter("topic");
    const std::set<std::string> operators = filter("operator"), groups = filter("group"), branches = filter("branch");
    if (!operators.empty() || !groups.empty() || !branches.empty()) {
        // The operators all the given filters admit; none admitted is a scope of nobody, not of everybody.
        for (const Operator& op : OperatorStore(session).all()) {
            const bool inGroup = groups.empty() || std::any_of(op.groups.begin(), op.groups.end(),
                                                               [&](const std::string& g) { return groups.count(g); });
            if ((operators.empty() || operators.count(op.id)) && inGroup &&
                (branches.empty() || branches.count(op.branch))) {
                scope.operators.insert(op.id);
            }
        }
        if (scope.operators.empty()) scope.operators.insert("");
    }
    return scope;
}

ReportTable ReportBuilder::queueKpis(const ReportRequest& request) {
    const ReportScope scope = reportScope(session_, request);
    std::map<std::string, std::string> names;
    for (const Queue& q : QueueStore(session_).all()) names[q.id] = q.name;
    ReportTable table;
    table.columns = {{"queue", "Queue", ""}, {"queue_name", "Queue name", ""}, {"channel", "Channel", ""}};
    addQueueColumns(table);
    QueueCounts total;
    for (const auto& [key, counts] : ReportReader(session_).queues(scope)) {
        std::vector<ReportCell> row{ReportCell::of(key.first), ReportCell::of(names[key.first]),
                                    ReportCell::of(key.second)};
        for (ReportCell& c : queueCells(counts)) row.push_back(std::move(c));
        table.rows.push_back(std::move(row));
        total.add(counts);
    }
    table.totals = {ReportCell::of("Total"), ReportCell::of(""), ReportCell::of("")};
    for (ReportCell& c : queueCells(total)) table.totals.push_back(std::move(c));
    return table;
}

ReportTable ReportBuilder::operatorKpis(const ReportRequest& request) {
    const ReportScope scope = reportScope(session_, request);
    const std::vector<Operator> operators = OperatorStore(session_).all();
    const std::vector<OperatorGroup> groups = OperatorGroupStore(session_).all();
    const std::map<std::string, OperatorCounts> counts = ReportReader(session_).operators(scope);

    ReportTable table;
    table.columns = {{"operator", "Operator", ""},
                     {"operator_name", "Operator name", ""},
                     {"handled", "Handled", ""},
                     {"average_handle_seconds", "Average handle time, s", "0.0"},
                     {"first_response_seconds", "First response time, s", "0.0"},
                     {"average_rating", "Average rating", "0.00"},
                     {"csat_percent", "CSAT, %", "0.0"},
                     {"not_responding", "Offers let lapse", ""},
                     {"ready_share_percent", "Share of time ready, %", "0.0"},
                     {"occupancy_percent", "Occupancy, %", "0.0"},
                     {"targets_met", "KPI targets met", ""}};
    OperatorCounts total;
    for (const Operator& op : operators) {
        if (!scope.operators.empty() && !scope.operators.count(op.id)) continue;
        const auto found = counts.find(op.id);
        if (found == counts.end()) continue;  // nothing that day: no row of zeros for every operator ever made
        const OperatorCounts& c = found->second;
        total.add(c);
        const Figures figures = operatorFigures(c);
        int withTarget = 0, met = 0;
        for (const auto& [figure, threshold] : effectiveKpiTargets(op, groups)) {
            const auto value = find(figures, figure);
            if (!threshold.target || !value) continue;
            ++withTarget;
            if (threshold.meets(*value)) ++met;
        }
        std::vector<ReportCell> row{ReportCell::of(op.id), ReportCell::of(op.name)};
        for (ReportCell& cell : operatorCells(c)) row.push_back(std::move(cell));
        row.push_back(ReportCell::of(withTarget == 0 ? std::string()
                                                     : std::to_string(met) + " of " + std::to_string(withTarget)));
        table.rows.push_back(std::move(row));
    }
    table.totals = {ReportCell::of("Total"), ReportCell::of("")};
    for (ReportCell& cell : operatorCells(total)) table.totals.push_back(std::move(cell));
    table.totals.push_back(ReportCell::of(""));
    return table;
}

ReportTable ReportBuilder::operatorStatuses(const ReportRequest& request) {
    const ReportScope scope = reportScope(session_, request);
    std::map<std::string, std::string> names;
    for (const Operator& op : OperatorStore(session_).all()) names[op.id] = op.name;
    const auto times = ReportReader(session_).statusTimes(scope);
    std::map<std::string, std::int64_t> signedIn;
    std::int64_t all = 0;
    for (const auto& [key, ms] : times) {
        signedIn[key[0]] += ms;
        all += ms;
    }
    ReportTable table;
    table.columns = {{"operator", "Operator", ""},
                     {"operator_name", "Operator name", ""},
                     {"status", "Status", ""},
                     {"break_reason", "Break reason", ""},
                     {"seconds", "Time, s", ""},
                     {"share_percent", "Share of time signed in, %", "0.0"}};
    for (const auto& [key, ms] : times) {
        table.rows.push_back({ReportCell::of(key[0]), ReportCell::of(names[key[0]]), ReportCell::of(key[1]),
                              ReportCell::of(key[2]), ReportCell::of(static_cast<double>(ms / 1000)),
                              ReportCell::of(percent(ms, signedIn[key[0]]))});
    }
    table.totals = {ReportCell::of("Total"), ReportCell::of(""), ReportCell::of(""), ReportCell::of(""),
                    ReportCell::of(static_cast<double>(all / 1000)), ReportCell::of(percent(all, all))};
    return table;
}

ReportTable ReportBuilder::contactCentreDetailed(const ReportRequest& request) {
    const ReportScope scope = reportScope(session_, request);
    const std::int64_t step = static_cast<std::int64_t>(request.intervalMinutes) * 60 * 1000 * 1000;
    const std::int64_t offset = static_cast<std::int64_t>(request.utcOffsetMinutes) * 60 * 1000 * 1000;
    // Quarter hours into the asked intervals, every interval of the period shown (an empty hour is a row of zeros:
    // a trend with gaps would lie about them).
    std::map<std::int64_t, QueueCounts> buckets;
    for (std::int64_t t = request.fromMicros; t < request.toMicros; t += step) buckets[t];
    for (const auto& [start, counts] : ReportReader(session_).quarters(scope)) {
        int tz = 0;
        const std::int64_t micros =
            Poco::DateTimeParser::parse("%Y-%m-%d %H:%M:%S", start, tz).timestamp().epochMicroseconds();
        const std::int64_t bucket = request.fromMicros + (micros - request.fromMicros) / step * step;
        buckets[bucket].add(counts);
    }
    ReportTable table;
    table.columns = {{"interval", "Interval (local time)", ""}};
    addQueueColumns(table);
    QueueCounts total;
    for (const auto& [start, counts] : buckets) {
        std::vector<ReportCell> row{
            ReportCell::of(Poco::DateTimeFormatter::format(Poco::Timestamp(start + offset), "%Y-%m-%d %H:%M"))};
        for (ReportCell& c : queueCells(counts)) row.push_back(std::move(c));
        table.rows.push_back(std::move(row));
        total.add(counts);
    }
    table.totals = {ReportCell::of("Total")};
    for (ReportCell& c : queueCells(total)) table.totals.push_back(std::move(c));
    table.chartColumns = {"offered", "answered", "abandoned"};
    return table;
}

ReportTable ReportBuilder::contactCentreSummary(const ReportRequest& request) {
    const ReportScope scope = reportScope(session_, request);
    std::map<std::string, QueueCounts> byChannel;
    for (const auto& [key, counts] : ReportReader(session_).queues(scope)) byChannel[key.second].add(counts);
    ReportTable table;
    table.columns = {{"channel", "Channel", ""}};
    addQueueColumns(table);
    QueueCounts total;
    for (const auto& [channel, counts] : byChannel) {
        std::vector<ReportCell> row{ReportCell::of(channel)};
        for (ReportCell& c : queueCells(counts)) row.push_back(std::move(c));
        table.rows.push_back(std::move(row));
        total.add(counts);
    }
    table.totals = {ReportCell::of("Total")};
    for (ReportCell& c : queueCells(total)) table.totals.push_back(std::move(c));
    return table;
}

ReportTable ReportBuilder::interactionTopics(const ReportRequest& request) {
    const ReportScope scope = reportScope(session_, request);
    // A topic as its path in the tree ("Billing / Refunds"): a child's name alone can repeat under two parents.
    std::map<std::int64_t, Topic> topics;
    for (const Topic& t : TopicStore(session_).all()) topics[t.id] = t;
    const auto pathOf = [&](std::int64_t id) {
        std::string path;
        for (int depth = 0; id != 0 && depth < 32; ++depth) {
            const auto found = topics.find(id);
            if (found == topics.end()) return path.empty() ? "#" + std::to_string(id) : path;
            path = path.empty() ? found->second.name : found->second.name + " / " + path;
            id = found->second.parentId;
        }
        return path;
    };
    const auto counts = ReportReader(session_).topics(scope);
    std::int64_t closed = 0, handled = 0, handleMs = 0;
    for (const auto& [id, c] : counts) {
        closed += c.closed;
        handled += c.handled;
        handleMs += c.handleMs;
    }
    const auto average = [](std::int64_t ms, std::int64_t n) -> std::optional<double> {
        if (n <= 0) return std::nullopt;
        return std::round(static_cast<double>(ms) / static_cast<double>(n) / 100.0) / 10.0;
    };
    ReportTable table;
    table.columns = {{"topic", "Topic", ""},
                     {"topic_path", "Topic path", ""},
                     {"closed", "Closed", ""},
                     {"share_percent", "Share of topic filings, %", "0.0"},
                     {"handled", "Handled", ""},
                     {"average_handle_seconds", "Average handle time, s", "0.0"}};
    for (const auto& [id, c] : counts) {
        table.rows.push_back({ReportCell::of(static_cast<double>(id)), ReportCell::of(pathOf(id)),
                              ReportCell::of(static_cast<double>(c.closed)), ReportCell::of(percent(c.closed, closed)),
                              ReportCell::of(static_cast<double>(c.handled)),
                              ReportCell::of(average(c.handleMs, c.handled))});
    }
    table.totals = {ReportCell::of("Total"), ReportCell::of(""), ReportCell::of(static_cast<double>(closed)),
                    ReportCell::of(percent(closed, closed)), ReportCell::of(static_cast<double>(handled)),
                    ReportCell::of(average(handleMs, handled))};
    return table;
}

ReportTable ReportBuilder::interactionRatings(const ReportRequest& request) {
    const ReportScope scope = reportScope(session_, request);
    const auto counts = ReportReader(session_).ratings(scope);
    std::int64_t all = 0, sum = 0, topTwo = 0;
    for (const auto& [rating, n] : counts) {
        all += n;
        sum += rating * n;
        if (rating >= 4) topTwo += n;
    }
    ReportTable table;
    table.columns = {{"rating", "Rating", ""}, {"ratings", "Ratings", ""}, {"share_percent", "Share, %", "0.0"}};
    // Every value 1 to 5, none left out for having no rating: the distribution's shape is the point.
    for (int rating = 5; rating >= 1; --rating) {
        const auto found = counts.find(rating);
        const std::int64_t n = found == counts.end() ? 0 : found->second;
        table.rows.push_back({ReportCell::of(static_cast<double>(rating)), ReportCell::of(static_cast<double>(n)),
                              ReportCell::of(percent(n, all))});
    }
    std::optional<double> average;
    if (all > 0) average = std::round(static_cast<double>(sum) * 100.0 / static_cast<double>(all)) / 100.0;
    table.columns.push_back({"average_rating", "Average rating", "0.00"});
    table.columns.push_back({"csat_percent", "CSAT, %", "0.0"});
    for (auto& row : table.rows) {
        row.push_back(ReportCell::of(""));
        row.push_back(ReportCell::of(""));
    }
    table.totals = {ReportCell::of("Total"), ReportCell::of(static_cast<double>(all)),
                    ReportCell::of(percent(all, all)), ReportCell::of(average), ReportCell::of(percent(topTwo, all))};
    return table;
}

ReportTable ReportBuilder::interactionStatuses(const ReportRequest& request) {
    const ReportScope scope = reportScope(session_, request);
    const auto counts = ReportReader(session_).statuses(scope);
    ReportTable table;
    table.columns = {{"status", "Status", ""},
                     {"ended", "Times left", ""},
                     {"total_seconds", "Time in it, s", ""},
                     {"average_seconds", "Average time in it, s", "0.0"}};
    std::int64_t ended = 0, ms = 0;
    for (const auto& [status, c] : counts) {
        ended += c.ended;
        ms += c.durationMs;
        std::optional<double> average;
        if (c.ended > 0) {
            average = std::round(static_cast<double>(c.durationMs) / static_cast<double>(c.ended) / 100.0) / 10.0;
        }
        table.rows.push_back({ReportCell::of(status), ReportCell::of(static_cast<double>(c.ended)),
                              ReportCell::of(static_cast<double>(c.durationMs / 1000)), ReportCell::of(average)});
    }
    table.totals = {ReportCell::of("Total"), ReportCell::of(static_cast<double>(ended)),
                    ReportCell::of(static_cast<double>(ms / 1000)), ReportCell::of("")};
    return table;
}

ReportTable ReportBuilder::interactionChannels(const ReportRequest& request) {
    const ReportScope scope = reportScope(session_, request);
    const auto counts = ReportReader(session_).channels(scope);
    ChannelTraffic total;
    for (const auto& [key, c] : counts) {
        total.created += c.created;
        total.inbound += c.inbound;
        total.outbound += c.outbound;
    }
    ReportTable table;
    table.columns = {{"channel", "Channel", ""},
                     {"account", "Account", ""},
                     {"created", "Interactions", ""},
                     {"created_share_percent", "Share of interactions, %", "0.0"},
                     {"inbound_messages", "Messages in", ""},
                     {"outbound_messages", "Messages out", ""}};
    const auto cells = [&](const ChannelTraffic& c) {
        return std::vector<ReportCell>{ReportCell::of(static_cast<double>(c.created)),
                                       ReportCell::of(percent(c.created, total.created)),
                                       ReportCell::of(static_cast<double>(c.inbound)),
                                       ReportCell::of(static_cast<double>(c.outbound))};
    };
    for (const auto& [key, c] : counts) {
        std::vector<ReportCell> row{ReportCell::of(key.first), ReportCell::of(key.second)};
        for (ReportCell& cell : cells(c)) row.push_back(std::move(cell));
        table.rows.push_back(std::move(row));
    }
    table.totals = {ReportCell::of("Total"), ReportCell::of("")};
    for (ReportCell& cell : cells(total)) table.totals.push_back(std::move(cell));
    return table;
}

ReportTable ReportBuilder::templateUsage(const ReportRequest& request) {
    const ReportScope scope = reportScope(session_, request);
    const auto usage = ReportReader(session_).templateUses(scope);
    std::int64_t all = 0;
    for (const auto& [id, u] : usage) all += u.uses;
    std::vector<std::pair<std::int64_t, TemplateUsage>> ranked(usage.begin(), usage.end());
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second.uses > b.second.uses; });
    ReportTable table;
    table.columns = {{"template_id", "Template", ""},  {"title", "Title", ""},
                     {"scope", "Scope", ""},           {"uses", "Uses", ""},
                     {"share_percent", "Share, %", "0.0"}, {"operators", "Operators", ""},
                     {"interactions", "Interactions", ""}};
    for (const auto& [id, u] : ranked) {
        table.rows.push_back({ReportCell::of(static_cast<double>(id)), ReportCell::of(u.title),
                              ReportCell::of(std::string(u.personal ? "personal" : "shared")),
                              ReportCell::of(static_cast<double>(u.uses)), ReportCell::of(percent(u.uses, all)),
                              ReportCell::of(static_cast<double>(u.operators)),
                              ReportCell::of(static_cast<double>(u.interactions))});
    }
    table.totals = {ReportCell::of("Total"), ReportCell::of(""), ReportCell::of(""),
                    ReportCell::of(static_cast<double>(all)), ReportCell::of(percent(all, all)), ReportCell::of(""),
                    ReportCell::of("")};
    return table;
}

}  // namespace omnigate
