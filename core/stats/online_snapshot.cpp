#include "stats/online_snapshot.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
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
#include "store/report_reader.h"

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

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Object::Ptr figuresJson(const Figures& figures, const FigureThresholds& thresholds) {
    Poco::JSON::Object::Ptr out = object();
    for (const auto& [name, value] : figures) {
        const auto found = thresholds.find(name);
        out->set(name, figureJson(value, found == thresholds.end() ? nullptr : &found->second));
    }
    return out;
}

// Operators by status, every status present (a board's columns do not come and go).
Poco::JSON::Object::Ptr statusCounts(const std::map<OperatorStatus, int>& counts) {
    Poco::JSON::Object::Ptr out = object();
    for (OperatorStatus s : allOperatorStatuses()) {
        const auto found = counts.find(s);
        out->set(toString(s), found == counts.end() ? 0 : found->second);
    }
    return out;
}

}  // namespace

OnlineSnapshot OnlineSnapshot::read(DbSession& session, int utcOffsetMinutes, std::int64_t nowMicros) {
    const std::string now = dbTimeOf(nowMicros);
    const std::vector<Queue> queues = QueueStore(session).all();
    const std::vector<OperatorGroup> groups = OperatorGroupStore(session).all();
    const std::vector<Operator> operators = OperatorStore(session).all();
    OnlineStatsReader reader(session);
    ReportReader aggregates(session);
    // The day so far: the aggregates from its start on (nothing is counted in the future).
    const auto today = [](const std::string& from) {
        ReportScope scope;
        scope.from = from;
        scope.to = "9999-12-31 00:00:00";
        return scope;
    };

    // Queues whose days start alike are read together: usually all of them in one query.
    std::map<std::string, std::vector<std::string>> byDayStart;
    std::map<std::string, std::string> dayStartOf;
    for (const Queue& q : queues) {
        const std::string from = dbTimeOf(localDayStart(nowMicros, utcOffsetMinutes, q.resetMinutes));
        byDayStart[from].push_back(q.id);
        dayStartOf[q.id] = from;
    }
    std::map<QueueChannel, QueueCounts> counts;
    for (const auto& [from, ids] : byDayStart) {
        ReportScope scope = today(from);
        scope.queues.insert(ids.begin(), ids.end());
        for (auto& entry : aggregates.queues(scope)) counts.insert(std::move(entry));
    }
    const std::map<QueueChannel, WaitingNow> waiting = reader.waitingNow(now);
    const std::string midnight = dbTimeOf(localDayStart(nowMicros, utcOffsetMinutes));
    const std::map<std::string, OperatorCounts> operatorCounts = aggregates.operators(today(midnight));
    const std::map<OperatorChannel, std::int64_t> inWork = reader.inWork();
    const std::int64_t midnightMicros = localDayStart(nowMicros, utcOffsetMinutes);

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
    const std::string asOf = dbTimeToIso(now);
    QueueCounts totalCounts;
    WaitingNow totalWaiting;
    Poco::JSON::Array::Ptr queueList = new Poco::JSON::Array;
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
        Poco::JSON::Object::Ptr entry = object();
        entry->set("id", q.id);
        entry->set("name", q.name);
        entry->set("day_from", dbTimeToIso(dayStartOf[q.id]));
        entry->set("figures", figuresJson(queueFigures(day, nowWaiting), q.thresholds));
        Poco::JSON::Array::Ptr channelList = new Poco::JSON::Array;
        for (const std::string& channel : channels) {
            const auto c = counts.find({q.id, channel});
            const auto w = waiting.find({q.id, channel});
            Poco::JSON::Object::Ptr item = object();
            item->set("channel", channel);
            item->set("figures", figuresJson(queueFigures(c == counts.end() ? QueueCounts{} : c->second,
                                                          w == waiting.end() ? WaitingNow{} : w->second),
                                             q.thresholds));
            channelList->add(item);
        }
        entry->set("channels", channelList);
        entry->set("operators", statusCounts(statusesOfQueue[q.id]));
        queueList->add(entry);
        snapshot.queues_[q.id] = entry;
    }

    Poco::JSON::Array::Ptr operatorList = new Poco::JSON::Array;
    for (const Operator& op : operators) {
        const auto counted = operatorCounts.find(op.id);
        OperatorCounts day = counted == operatorCounts.end() ? OperatorCounts{} : counted->second;
        std::set<std::string> channels;
        for (const auto& [channel, capacity] : op.capacities) {
            if (capacity > 0) channels.insert(channel);
        }
        for (auto it = inWork.lower_bound({op.id, ""}); it != inWork.end() && it->first.first == op.id; ++it) {
            channels.insert(it->first.second);
        }
        // The current status has not ended: its time so far today counts too.
        const std::int64_t since = std::max(microsOfIso(op.statusSince), midnightMicros);
        if (since > 0 && since < nowMicros) day.addStatusTime(toString(op.status), (nowMicros - since) / 1000);
        Poco::JSON::Object::Ptr entry = object();
        entry->set("id", op.id);
        entry->set("name", op.name);
        entry->set("status", toString(op.status));
        entry->set("status_since", op.statusSince);
        entry->set("break_reason", op.status == OperatorStatus::Break && !op.statusReason.empty()
                                       ? Poco::Dynamic::Var(op.statusReason)
                                       : Poco::Dynamic::Var());
        Poco::JSON::Array::Ptr work = new Poco::JSON::Array;
        for (const std::string& channel : channels) {
            const auto held = inWork.find({op.id, channel});
            Poco::JSON::Object::Ptr item = object();
            item->set("channel", channel);
            item->set("count", held == inWork.end() ? 0 : held->second);
            item->set("capacity", op.capacity(channel));
            work->add(item);
        }
        entry->set("in_work", work);
        entry->set("figures", figuresJson(operatorFigures(day), effectiveKpiTargets(op, groups)));
        operatorList->add(entry);
        snapshot.operators_[op.id] = entry;
    }

    Poco::JSON::Object::Ptr totals = object();
    totals->set("figures", figuresJson(queueFigures(totalCounts, totalWaiting), {}));
    totals->set("operators", statusCounts(allStatuses));

    snapshot.board_ = object();
    snapshot.board_->set("as_of", asOf);
    snapshot.board_->set("utc_offset", formatUtcOffset(utcOffsetMinutes));
    snapshot.board_->set("totals", totals);
    snapshot.board_->set("queues", queueList);
    snapshot.board_->set("operators", operatorList);
    return snapshot;
}

Poco::JSON::Object::Ptr OnlineSnapshot::queue(const std::string& id) const {
    const auto found = queues_.find(id);
    if (found == queues_.end()) return nullptr;
    Poco::JSON::Object::Ptr out = object();
    out->set("as_of", board_->get("as_of"));
    out->set("utc_offset", board_->get("utc_offset"));
    out->set("queue", found->second);
    return out;
}

Poco::JSON::Object::Ptr OnlineSnapshot::operatorEntry(const std::string& id) const {
    const auto found = operators_.find(id);
    if (found == operators_.end()) return nullptr;
    Poco::JSON::Object::Ptr out = object();
    out->set("as_of", board_->get("as_of"));
    out->set("utc_offset", board_->get("utc_offset"));
    out->set("operator", found->second);
    return out;
}

}  // namespace omnigate
