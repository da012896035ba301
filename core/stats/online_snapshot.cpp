#include "stats/online_snapshot.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <set>

#include "db/db_time.h"
#include "model/local_day.h"
#include "model/online_figures.h"
#include "store/online_stats_reader.h"
#include "store/operator_group_store.h"
#include "store/operator_store.h"
#include "store/queue_store.h"

namespace omnigate {

namespace {

std::string dbTimeOf(std::int64_t epochMicros) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(epochMicros), "%Y-%m-%d %H:%M:%S.%i");
}

std::int64_t microsOfIso(const std::string& iso) {
    int tz = 0;
    Poco::DateTime parsed;
    if (iso.empty() || !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, iso, parsed, tz)) {
        return 0;
    }
    return parsed.timestamp().epochMicroseconds() - static_cast<std::int64_t>(tz) * 1000000;
}

void writeFigures(JsonText& out, const Figures& figures, const FigureThresholds& thresholds) {
    out.beginObject();
    for (const auto& [name, value] : figures) {
        const auto found = thresholds.find(name);
        writeFigure(out.key(name), value, found == thresholds.end() ? nullptr : &found->second);
    }
    out.endObject();
}

// Operators by status, every status present (a board's columns do not come and go).
void writeStatusCounts(JsonText& out, const std::map<OperatorStatus, int>& counts) {
    out.beginObject();
    for (OperatorStatus s : allOperatorStatuses()) {
        const auto found = counts.find(s);
        out.key(toString(s)).value(found == counts.end() ? 0 : found->second);
    }
    out.endObject();
}

}  // namespace

OnlineSnapshot OnlineSnapshot::read(DbSession& session, TodayAggregates& today, int utcOffsetMinutes,
                                    std::int64_t nowMicros) {
    const std::string now = dbTimeOf(nowMicros);
    const std::vector<Queue> queues = QueueStore(session).all();
    const std::vector<OperatorGroup> groups = OperatorGroupStore(session).all();
    const std::vector<Operator> operators = OperatorStore(session).all();
    OnlineStatsReader reader(session);

    // Queues whose days start alike are read together: usually all of them in one query.
    std::map<std::string, std::set<std::string>> byDayStart;
    std::map<std::string, std::string> dayStartOf;
    for (const Queue& q : queues) {
        const std::string from = dbTimeOf(localDayStart(nowMicros, utcOffsetMinutes, q.resetMinutes));
        byDayStart[from].insert(q.id);
        dayStartOf[q.id] = from;
    }
    const std::int64_t midnightMicros = localDayStart(nowMicros, utcOffsetMinutes);
    const TodayAggregates::Day sums = today.read(session, byDayStart, midnightMicros, nowMicros);
    const std::map<QueueChannel, QueueCounts>& counts = sums.queues;
    const std::map<std::string, OperatorCounts>& operatorCounts = sums.operators;
    const std::map<QueueChannel, WaitingNow> waiting = reader.waitingNow(now);
    const std::map<OperatorChannel, std::int64_t> inWork = reader.inWork();

    // Who serves which queue: an operator's groups' queues.
    std::map<std::string, std::set<std::string>> queuesOfGroup;
    for (const OperatorGroup& g : groups) queuesOfGroup[g.id].insert(g.queues.begin(), g.queues.end());
    std::map<std::string, std::map<OperatorStatus, int>> statusesOfQueue;
    std::map<OperatorStatus, int> allStatuses;
    for (const Operator& op : operators) {
        ++allStatuses[op.status];
        std::set<std::string> served;
        for (const std::string& g : op.groups) served.insert(queuesOfGroup[g].begin(), queuesOfGroup[g].end());
        for (const std::string& q : served) ++statusesOfQueue[q][op.status];
    }

    OnlineSnapshot snapshot;
    snapshot.asOf_ = dbTimeToIso(now);
    snapshot.utcOffset_ = formatUtcOffset(utcOffsetMinutes);
    QueueCounts totalCounts;
    WaitingNow totalWaiting;
    for (const Queue& q : queues) {
        std::set<std::string> channels;
        QueueCounts day;
        WaitingNow nowWaiting;
        for (auto it = counts.lower_bound({q.id, ""}); it != counts.end() && it->first.first == q.id; ++it) {
            channels.insert(it->first.second);
            day.add(it->second);
        }
        for (auto it = waiting.lower_bound({q.id, ""}); it != waiting.end() && it->first.first == q.id; ++it) {
            channels.insert(it->first.second);
            nowWaiting.add(it->second);
        }
        totalCounts.add(day);
        totalWaiting.add(nowWaiting);
        QueueFigures& figures = snapshot.queueFigures_[q.id];
        figures.name = q.name;
        figures.figures = queueFigures(day, nowWaiting);
        figures.thresholds = q.thresholds;
        JsonText entry;
        entry.beginObject();
        entry.key("id").value(q.id);
        entry.key("name").value(q.name);
        entry.key("day_from").value(dbTimeToIso(dayStartOf[q.id]));
        writeFigures(entry.key("figures"), figures.figures, q.thresholds);
        entry.key("channels").beginArray();
        for (const std::string& channel : channels) {
            const auto c = counts.find({q.id, channel});
            const auto w = waiting.find({q.id, channel});
            entry.beginObject();
            entry.key("channel").value(channel);
            writeFigures(entry.key("figures"),
                         queueFigures(c == counts.end() ? QueueCounts{} : c->second,
                                      w == waiting.end() ? WaitingNow{} : w->second),
                         q.thresholds);
            entry.endObject();
        }
        entry.endArray();
        writeStatusCounts(entry.key("operators"), statusesOfQueue[q.id]);
        entry.endObject();
        snapshot.queues_[q.id] = entry.str();
    }

    for (const Operator& op : operators) {
        const auto counted = operatorCounts.find(op.id);
        OperatorCounts figures = counted == operatorCounts.end() ? OperatorCounts{} : counted->second;
        std::set<std::string> channels;
        for (const auto& [channel, capacity] : op.capacities) {
            if (capacity > 0) channels.insert(channel);
        }
        for (auto it = inWork.lower_bound({op.id, ""}); it != inWork.end() && it->first.first == op.id; ++it) {
            channels.insert(it->first.second);
        }
        // The current status has not ended: its time so far today counts too (what is not in the sums yet).
        const std::int64_t since = std::max(microsOfIso(op.statusSince), sums.currentStatusFrom);
        if (since > 0 && since < nowMicros) figures.addStatusTime(toString(op.status), (nowMicros - since) / 1000);
        JsonText entry;
        entry.beginObject();
        entry.key("id").value(op.id);
        entry.key("name").value(op.name);
        entry.key("status").value(toString(op.status));
        entry.key("status_since").value(op.statusSince);
        entry.key("break_reason");
        if (op.status == OperatorStatus::Break && !op.statusReason.empty()) {
            entry.value(op.statusReason);
        } else {
            entry.null();
        }
        entry.key("in_work").beginArray();
        for (const std::string& channel : channels) {
            const auto held = inWork.find({op.id, channel});
            entry.beginObject();
            entry.key("channel").value(channel);
            entry.key("count").value(held == inWork.end() ? std::int64_t{0} : held->second);
            entry.key("capacity").value(op.capacity(channel));
            entry.endObject();
        }
        entry.endArray();
        writeFigures(entry.key("figures"), operatorFigures(figures), effectiveKpiTargets(op, groups));
        entry.endObject();
        snapshot.operators_[op.id] = entry.str();
    }

    // The board lists queues and operators in the order they were read, each entry as written above.
    JsonText board;
    board.beginObject();
    board.key("as_of").value(snapshot.asOf_);
    board.key("utc_offset").value(snapshot.utcOffset_);
    board.key("totals").beginObject();
    writeFigures(board.key("figures"), queueFigures(totalCounts, totalWaiting), {});
    writeStatusCounts(board.key("operators"), allStatuses);
    board.endObject();
    board.key("queues").beginArray();
    for (const Queue& q : queues) board.raw(snapshot.queues_[q.id]);
    board.endArray();
    board.key("operators").beginArray();
    for (const Operator& op : operators) board.raw(snapshot.operators_[op.id]);
    board.endArray();
    board.endObject();
    snapshot.board_ = board.str();
    return snapshot;
}

std::string OnlineSnapshot::wrapped(const char* name, const std::string& entry) const {
    JsonText out;
    out.beginObject();
    out.key("as_of").value(asOf_);
    out.key("utc_offset").value(utcOffset_);
    out.key(name).raw(entry);
    out.endObject();
    return out.str();
}

std::optional<std::string> OnlineSnapshot::queue(const std::string& id) const {
    const auto found = queues_.find(id);
    if (found == queues_.end()) return std::nullopt;
    return wrapped("queue", found->second);
}

std::optional<std::string> OnlineSnapshot::operatorEntry(const std::string& id) const {
    const auto found = operators_.find(id);
    if (found == operators_.end()) return std::nullopt;
    return wrapped("operator", found->second);
}

}  // namespace omnigate
