#include "month_seeder.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <tuple>

#include "model/figure_threshold.h"
#include "model/online_figures.h"
#include "model/queue.h"
#include "store/stored_kpi.h"

namespace omnigate::bench {

namespace {

constexpr std::int64_t kSecond = 1000 * 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr int kClients = 250000;
constexpr int kRootTopics = 8;
constexpr int kTopicsPerRoot = 5;

// The centre's four kinds of queue: chats on the site, messengers, mail and calls. Each kind has its share of the
// traffic, its queues and groups, the channels its interactions come by, and how long they wait and are handled.
struct Kind {
    const char* name;
    int firstQueue, queues, firstGroup, groups;
    std::vector<std::pair<const char*, double>> channels;
    std::vector<std::pair<const char*, int>> capacities;  // interactions at once per channel
    double share;
    double waitMeanSeconds, abandonShare;
    int handleMinSeconds, handleMaxSeconds;
    int firstResponseMinSeconds, firstResponseMaxSeconds;  // 0: none (a call is answered by speaking)
    double ratedShare;
};

const Kind kKinds[] = {
    {"Chat", 0, 20, 0, 4, {{"webchat", 0.55}, {"whatsapp", 0.30}, {"vk", 0.15}},
     {{"webchat", 2}, {"whatsapp", 2}, {"vk", 1}}, 0.50, 18, 0.05, 180, 1200, 5, 90, 0.35},
    {"Messengers", 20, 15, 4, 3, {{"whatsapp", 0.60}, {"vk", 0.25}, {"webchat", 0.15}},
     {{"whatsapp", 2}, {"vk", 2}, {"webchat", 1}}, 0.28, 25, 0.04, 180, 1500, 10, 120, 0.35},
    {"Mail", 35, 10, 7, 2, {{"email", 1.0}}, {{"email", 4}}, 0.14, 1200, 0.01, 240, 1800, 120, 1200, 0.25},
    {"Calls", 45, 5, 9, 1, {{"voice", 1.0}}, {{"voice", 1}}, 0.08, 15, 0.09, 60, 540, 0, 0, 0.20},
};

const Kind& kindOfQueue(int queue) {
    for (const Kind& k : kKinds) {
        if (queue < k.firstQueue + k.queues) return k;
    }
    return kKinds[0];
}

int groupOfQueue(int queue) {
    const Kind& k = kindOfQueue(queue);
    return k.firstGroup + (queue - k.firstQueue) * k.groups / k.queues;
}

const Kind& kindOfGroup(int group) {
    for (const Kind& k : kKinds) {
        if (group < k.firstGroup + k.groups) return k;
    }
    return kKinds[0];
}

// operators.capacities: {"webchat":2,"whatsapp":2,"vk":1}.
std::string capacitiesJson(const Kind& kind) {
    std::string json;
    for (const auto& [channel, n] : kind.capacities) {
        json += (json.empty() ? "{\"" : ",\"") + std::string(channel) + "\":" + std::to_string(n);
    }
    return json + "}";
}

std::string id3(const char* prefix, int n) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%s%03d", prefix, n);
    return buf;
}
std::string queueId(int q) { return id3("q", q + 1); }
std::string groupId(int g) { return id3("g", g + 1); }
std::string operatorId(int op) { return id3("op", op + 1); }

// "2026-12-07 09:15:02.113" for UTC microseconds: days to a civil date (Howard Hinnant's algorithm), since this runs
// for some twenty million timestamps.
void appendDbTime(std::string& out, std::int64_t micros) {
    const std::int64_t ms = micros / 1000, secs = ms / 1000;
    std::int64_t days = secs / 86400;
    const std::int64_t sod = secs % 86400;
    days += 719468;
    const std::int64_t era = days / 146097;
    const std::int64_t doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = yoe + era * 400 + (m <= 2);
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "'%04d-%02d-%02d %02d:%02d:%02d.%03d'", static_cast<int>(y),
                                static_cast<int>(m), static_cast<int>(d), static_cast<int>(sod / 3600),
                                static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60), static_cast<int>(ms % 1000));
    out.append(buf, static_cast<std::size_t>(n));
}

std::int64_t uniform(std::mt19937_64& random, std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(random);
}

bool chance(std::mt19937_64& random, double p) { return std::uniform_real_distribution<double>(0, 1)(random) < p; }

std::int64_t exponentialMicros(std::mt19937_64& random, double meanSeconds, double capSeconds) {
    const double s = std::exponential_distribution<double>(1.0 / meanSeconds)(random);
    return static_cast<std::int64_t>(std::min(s, capSeconds) * 1e6);
}

std::string elapsed(std::chrono::steady_clock::time_point since) {
    return std::to_string(
               std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - since).count()) +
           " s";
}

}  // namespace

// A multi-row INSERT being written: values are appended a row at a time and sent when the statement is a few
// megabytes (well under max_allowed_packet).
class MonthSeeder::Rows {
public:
    Rows(DbSession& session, std::string head) : session_(session), head_(std::move(head)) {}

    Rows& begin() {
        sql_.append(rows_ == 0 ? head_ : std::string(","));
        sql_ += '(';
        first_ = true;
        return *this;
    }
    Rows& num(std::int64_t value) {
        separate();
        char buf[24];
        const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
        sql_.append(buf, end);
        return *this;
    }
    // Generated text only (ids, statuses): never a quote in it.
    Rows& text(const std::string& value) {
        separate();
        sql_ += '\'';
        sql_ += value;
        sql_ += '\'';
        return *this;
    }
    Rows& time(std::int64_t micros) {
        separate();
        appendDbTime(sql_, micros);
        return *this;
    }
    Rows& null() {
        separate();
        sql_ += "NULL";
        return *this;
    }
    void end() {
        sql_ += ')';
        if (++rows_ >= 5000 || sql_.size() > (4u << 20)) flush();
    }
    void flush() {
        if (rows_ == 0) return;
        session_.execute(sql_);
        sql_.clear();
        rows_ = 0;
    }

private:
    void separate() {
        if (!first_) sql_ += ',';
        first_ = false;
    }

    DbSession& session_;
    std::string head_, sql_;
    int rows_ = 0;
    bool first_ = true;
};

namespace {

std::int64_t localMidnightDaysAgo(std::int64_t now, int utcOffsetMinutes, int daysAgo) {
    const std::int64_t offset = static_cast<std::int64_t>(utcOffsetMinutes) * kMinute;
    const std::int64_t local = now + offset;
    return local - local % kDay - daysAgo * kDay - offset;
}

}  // namespace

MonthSeeder::MonthSeeder(DbSession& session, const MonthShape& shape, Progress progress)
    : session_(session),
      shape_(shape),
      progress_(std::move(progress)),
      monthStart_(localMidnightDaysAgo(shape.now, shape.utcOffsetMinutes, shape.days - 1)),
      shifts_(kOperators, kGroups, monthStart_, shape.days, shape.now) {
    interactions_ = std::make_unique<Rows>(
        session_,
        "INSERT INTO interactions (id, channel, account, client_id, address_kind, address_value, status, queue, "
        "operator, resolution, created_at, updated_at, first_response_at, closed_at, rating, rating_requested_at, "
        "rated_at, queued_at, queue_entered_at, accepted_at) VALUES ");
    history_ = std::make_unique<Rows>(session_,
                                      "INSERT INTO interaction_status_history (interaction_id, from_status, to_status, "
                                      "actor_kind, actor_id, created_at) VALUES ");
    visits_ = std::make_unique<Rows>(
        session_,
        "INSERT INTO queue_visits (interaction_id, queue, channel, started_at, ended_at, ending, wait_ms, operator, "
        "short_abandon, service_level_met, service_level_counted) VALUES ");
    topics_ = std::make_unique<Rows>(session_, "INSERT INTO interaction_topics (interaction_id, topic_id) VALUES ");
}

MonthSeeder::~MonthSeeder() = default;

SeededCounts MonthSeeder::run() {
    // Seeding only: the rows are generated consistent, and checking each key as it goes in would triple the time.
    session_.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0");
    catalogs();
    clients();

    std::vector<std::vector<StatusChange>> changes(kOperators);
    for (int op = 0; op < kOperators; ++op) changes[static_cast<std::size_t>(op)] = shifts_.changes(op);
    // Those at work now hold what fills them (busy), or one more (wrap-up); the rest of the interactions closed.
    std::int64_t held = 0;
    for (int op = 0; op < kOperators; ++op) {
        const auto& mine = changes[static_cast<std::size_t>(op)];
        if (mine.empty()) continue;
        for (const auto& [channel, capacity] : kindOfGroup(op / (kOperators / kGroups)).capacities) {
            if (mine.back().status == "busy") held += capacity;
            if (mine.back().status == "wrap_up") ++held;
        }
    }
    const std::int64_t closed = shape_.interactions - shape_.waiting - held;
    closedInteractions(closed);
    operatorHistories(changes);
    liveState(changes, closed + 1);
    session_.execute("SET SESSION foreign_key_checks = 1, unique_checks = 1");
    return counts_;
}

void MonthSeeder::catalogs() {
    const std::int64_t created = monthStart_ - 7 * kDay;
    Rows queues(session_, "INSERT INTO queues (id, name, settings, created_at, updated_at) VALUES ");
    for (int q = 0; q < kQueues; ++q) {
        // Validated by the model the daemon reads it with: a setting it would refuse fails the seeding, not the run.
        const char* settings =
            R"({"distribution_mode":"longest_idle","offer_timeout_seconds":30,"wrap_up":{"mode":"manual"},)"
            R"("service_levels":{"*":{"target_percent":80,"threshold_seconds":20,"short_abandon_seconds":5},)"
            R"("email":{"target_percent":80,"threshold_seconds":3600,"short_abandon_seconds":0}},)"
            R"("thresholds":{"waiting":{"direction":"above","warning":200,"critical":400,"target":100},)"
            R"("longest_wait_seconds":{"direction":"above","warning":120,"critical":300,"target":60},)"
            R"("service_level_percent":{"direction":"below","warning":70,"critical":50,"target":80}}})";
        const Queue parsed =
            Queue::parseSettings(Poco::JSON::Parser().parse(settings).extract<Poco::JSON::Object::Ptr>());
        std::ostringstream json;
        parsed.settingsJson()->stringify(json);
        queues.begin().text(queueId(q)).text(std::string(kindOfQueue(q).name) + " " + std::to_string(q + 1))
            .text(json.str()).time(created).time(created).end();
    }
    queues.flush();

    Rows groups(session_, "INSERT INTO operator_groups (id, name, created_at, updated_at, kpi_targets) VALUES ");
    Rows groupQueues(session_, "INSERT INTO operator_group_queues (group_id, queue_id) VALUES ");
    const auto targets = R"({"handled":{"direction":"below","warning":40,"critical":20,"target":60},)"
                         R"("average_handle_seconds":{"direction":"above","warning":600,"critical":900,"target":420}})";
    const std::vector<std::string>& figures = operatorFigureNames();
    const std::string kpi = storedKpi(parseFigureThresholds(
        Poco::JSON::Parser().parse(targets).extract<Poco::JSON::Object::Ptr>(), "kpi_targets",
        {figures.begin(), figures.end()}));
    for (int g = 0; g < kGroups; ++g) {
        groups.begin().text(groupId(g)).text(std::string(kindOfGroup(g).name) + " team " + std::to_string(g + 1))
            .time(created).time(created).text(kpi).end();
        for (int q = 0; q < kQueues; ++q) {
            if (groupOfQueue(q) == g) groupQueues.begin().text(groupId(g)).text(queueId(q)).end();
        }
    }
    groups.flush();
    groupQueues.flush();

    Rows operators(session_, "INSERT INTO operators (id, name, capacities, branch, status, status_since, created_at, "
                             "updated_at) VALUES ");
    Rows members(session_, "INSERT INTO operator_group_members (group_id, operator_id) VALUES ");
    const char* branches[] = {"moscow", "kazan", "novosibirsk"};
    for (int op = 0; op < kOperators; ++op) {
        // The status of the moment is set with the live state.
        const int g = op / (kOperators / kGroups);
        operators.begin().text(operatorId(op)).text("Operator " + std::to_string(op + 1))
            .text(capacitiesJson(kindOfGroup(g))).text(branches[op % 3]).text("offline").time(created).time(created)
            .time(created).end();
        members.begin().text(groupId(g)).text(operatorId(op)).end();
    }
    operators.flush();
    members.flush();

    session_.execute("INSERT INTO break_reasons (id, name, created_at) VALUES ('tea', 'Tea', NOW(3)), "
                     "('lunch', 'Lunch', NOW(3))");
    Rows topics(session_, "INSERT INTO topics (id, parent_id, name, created_at) VALUES ");
    for (int root = 1; root <= kRootTopics; ++root) {
        topics.begin().num(root).null().text("Topic " + std::to_string(root)).time(created).end();
    }
    for (int child = 0; child < kRootTopics * kTopicsPerRoot; ++child) {
        const int parent = child / kTopicsPerRoot + 1;
        topics.begin().num(kRootTopics + 1 + child).num(parent)
            .text("Topic " + std::to_string(parent) + "." + std::to_string(child % kTopicsPerRoot + 1))
            .time(created).end();
    }
    topics.flush();
    progress_("catalogs: " + std::to_string(kQueues) + " queues, " + std::to_string(kGroups) + " operator groups, " +
              std::to_string(kOperators) + " operators, " + std::to_string(kRootTopics * (kTopicsPerRoot + 1)) +
              " topics");
}

void MonthSeeder::clients() {
    Rows rows(session_, "INSERT INTO clients (id, name, created_at, updated_at) VALUES ");
    session_.execute("START TRANSACTION");
    for (int c = 1; c <= kClients; ++c) {
        rows.begin().num(c).text("Client " + std::to_string(c)).time(monthStart_ - kDay).time(monthStart_ - kDay).end();
    }
    rows.flush();
    session_.execute("COMMIT");
    counts_.clients = kClients;
    progress_("clients: " + std::to_string(kClients));
}

std::vector<std::int64_t> MonthSeeder::creationTimes(std::int64_t count) {
    // Busy in the local daytime, quiet at night, weekends at 60 %; the last five hours left for closing (the longest
    // life below: an hour in a first queue, two in the next, half an hour's handling and half an hour put off).
    static const double hourly[24] = {0.6, 0.4, 0.3, 0.3, 0.3, 0.4, 0.8, 1.5, 3.0, 5.0, 6.0, 6.0,
                                      5.5, 5.5, 6.0, 6.0, 5.5, 5.0, 4.5, 4.0, 3.5, 3.0, 2.0, 1.2};
    std::vector<double> weights;
    const std::int64_t offset = static_cast<std::int64_t>(shape_.utcOffsetMinutes) * kMinute;
    for (int day = 0; day < shape_.days; ++day) {
        // 1970-01-01 was a Thursday: local day numbers modulo 7 give 2 for Saturday and 3 for Sunday.
        const std::int64_t localDay = (monthStart_ + offset) / kDay + day;
        const double dayWeight = (localDay % 7 == 2 || localDay % 7 == 3) ? 0.6 : 1.0;
        for (double h : hourly) weights.push_back(dayWeight * h);
    }
    std::discrete_distribution<int> hour(weights.begin(), weights.end());
    const std::int64_t latest = shape_.now - 5 * kHour;
    std::vector<std::int64_t> times;
    times.reserve(static_cast<std::size_t>(count));
    while (static_cast<std::int64_t>(times.size()) < count) {
        const std::int64_t t = monthStart_ + hour(random_) * kHour + uniform(random_, 0, kHour - 1);
        if (t < latest) times.push_back(t);
    }
    std::sort(times.begin(), times.end());
    return times;
}

int MonthSeeder::pickQueue() {
    static std::discrete_distribution<int> queues = [] {
        std::vector<double> weights(kQueues);
        for (const Kind& k : kKinds) {
            double sum = 0;
            for (int i = 0; i < k.queues; ++i) sum += 1.0 / (1.0 + 0.25 * i);
            for (int i = 0; i < k.queues; ++i) weights[static_cast<std::size_t>(k.firstQueue + i)] = k.share / (1.0 + 0.25 * i) / sum;
        }
        return std::discrete_distribution<int>(weights.begin(), weights.end());
    }();
    return queues(random_);
}

std::string MonthSeeder::pickChannel(int queue) {
    const Kind& k = kindOfQueue(queue);
    double roll = std::uniform_real_distribution<double>(0, 1)(random_);
    for (const auto& [channel, share] : k.channels) {
        if (roll < share) return channel;
        roll -= share;
    }
    return k.channels.back().first;
}

namespace {

const char* addressKindOf(const std::string& channel) {
    if (channel == "whatsapp" || channel == "voice") return "phone";
    if (channel == "email") return "email";
    return channel == "vk" ? "vk" : "webchat";
}

}  // namespace

void MonthSeeder::closedInteractions(std::int64_t count) {
    const auto started = std::chrono::steady_clock::now();
    progress_("the month's closed interactions: " + std::to_string(count) + " from " +
              std::to_string(shape_.days) + " local days");
    const std::vector<std::int64_t> created = creationTimes(count);
    static std::discrete_distribution<int> topicPick = [] {
        std::vector<double> weights;
        for (int i = 0; i < kRootTopics * kTopicsPerRoot; ++i) weights.push_back(1.0 / (1.0 + 0.15 * i));
        return std::discrete_distribution<int>(weights.begin(), weights.end());
    }();
    static std::discrete_distribution<int> ratingPick{11, 7, 10, 22, 50};  // 1 to 5
    // Progress every 5 %, said after the transaction that crossed it.
    const std::int64_t step = std::max<std::int64_t>(1, count / 20);
    std::int64_t nextReport = step;
    session_.execute("START TRANSACTION");
    for (std::int64_t i = 0; i < count; ++i) {
        const std::int64_t id = i + 1;
        const std::int64_t t0 = created[static_cast<std::size_t>(i)];
        int queue = pickQueue();
        const Kind& kind = kindOfQueue(queue);
        const std::string channel = pickChannel(queue);
        const std::int64_t client = uniform(random_, 1, kClients);
        auto hist = [&](const char* from, const char* to, const char* actorKind, const std::string& actor,
                        std::int64_t at) {
            history_->begin().num(id);
            if (from == nullptr) {
                history_->null();
            } else {
                history_->text(from);
            }
            history_->text(to).text(actorKind).text(actor).time(at).end();
            ++counts_.statusChanges;
        };
        const auto sl = [&](std::int64_t waitMicros) {
            return channel == "email" ? waitMicros <= 3600 * kSecond : waitMicros <= 20 * kSecond;
        };
        hist(nullptr, "new", "system", "", t0);
        const std::int64_t firstQueued = t0 + 500 * 1000;
        hist("new", "queued", "system", "", firstQueued);
        std::int64_t visitStart = firstQueued;

        interactions_->begin().num(id).text(channel).text("main").num(client).text(addressKindOf(channel))
            .text("client-" + std::to_string(client)).text("closed");
        const double roll = std::uniform_real_distribution<double>(0, 1)(random_);
        if (roll < kind.abandonShare) {
            // Gone while waiting: a third of them within the short-abandon time.
            const bool isShort = channel != "email" && chance(random_, 0.3);
            const std::int64_t wait = isShort ? uniform(random_, 500 * 1000, 4900 * 1000)
                                              : exponentialMicros(random_, kind.waitMeanSeconds * 2, 2 * 3600);
            const std::int64_t closedAt = visitStart + wait;
            hist("queued", "closed", "client", "", closedAt);
            visits_->begin().num(id).text(queueId(queue)).text(channel).time(visitStart).time(closedAt)
                .text("abandoned").num(wait / 1000).null().num(isShort).num(0).num(isShort ? 0 : 1).end();
            ++counts_.queueVisits;
            interactions_->text(queueId(queue)).null().text("abandoned").time(t0).time(closedAt).null().time(closedAt)
                .null().null().null().time(firstQueued).time(visitStart).null().end();
            ++counts_.closed;
        } else {
            if (roll < kind.abandonShare + 0.05 && kindOfQueue(queue).queues > 1) {
                // A supervisor moved it to a sibling queue while it waited: that visit left, the next one answered.
                const std::int64_t wait = exponentialMicros(random_, kind.waitMeanSeconds, 3600);
                const std::int64_t movedAt = visitStart + wait;
                hist("queued", "transferred", "supervisor", "supervisor", movedAt);
                visits_->begin().num(id).text(queueId(queue)).text(channel).time(visitStart).time(movedAt).text("left")
                    .num(wait / 1000).null().num(0).num(0).num(0).end();
                ++counts_.queueVisits;
                queue = kind.firstQueue + (queue - kind.firstQueue + 1) % kind.queues;
                visitStart = movedAt + kSecond;
                hist("transferred", "queued", "system", "", visitStart);
            }
            const std::int64_t wait = exponentialMicros(random_, kind.waitMeanSeconds, 2 * 3600);
            const std::int64_t acceptedAt = visitStart + wait;
            const std::int64_t offeredAt = std::max(visitStart + 1000, acceptedAt - uniform(random_, kSecond, 8 * kSecond));
            const std::string op = operatorId(shifts_.pick(groupOfQueue(queue), acceptedAt, random_));
            hist("queued", "offered", "system", "", offeredAt);
            hist("offered", "assigned", "operator", op, acceptedAt);
            visits_->begin().num(id).text(queueId(queue)).text(channel).time(visitStart).time(acceptedAt)
                .text("answered").num(wait / 1000).text(op).num(0).num(sl(wait)).num(1).end();
            ++counts_.queueVisits;

            std::int64_t handle = uniform(random_, kind.handleMinSeconds, kind.handleMaxSeconds) * kSecond;
            std::int64_t closedAt = acceptedAt + handle;
            const double detour = std::uniform_real_distribution<double>(0, 1)(random_);
            if (detour < 0.03) {
                // Put off for half an hour: not handle time.
                const std::int64_t at = acceptedAt + handle / 2;
                hist("assigned", "postponed", "operator", op, at);
                hist("postponed", "assigned", "system", "", at + 30 * kMinute);
                closedAt += 30 * kMinute;
            } else if (detour < 0.11) {
                hist("assigned", "waiting", "operator", op, acceptedAt + handle * 4 / 10);
                hist("waiting", "assigned", "client", "", acceptedAt + handle * 6 / 10);
            }
            hist("assigned", "closed", "operator", op, closedAt);

            interactions_->text(queueId(queue)).text(op).text("answered").time(t0);
            std::int64_t ratedAt = 0;
            int rating = 0;
            if (chance(random_, kind.ratedShare)) {
                ratedAt = closedAt + uniform(random_, 30, 20 * 60) * kSecond;
                rating = ratingPick(random_) + 1;
                if (ratedAt >= shape_.now) ratedAt = 0;
            }
            interactions_->time(ratedAt != 0 ? ratedAt : closedAt);
            if (kind.firstResponseMaxSeconds > 0) {
                interactions_->time(std::min(
                    closedAt - kSecond,
                    acceptedAt + uniform(random_, kind.firstResponseMinSeconds, kind.firstResponseMaxSeconds) * kSecond));
            } else {
                interactions_->null();
            }
            interactions_->time(closedAt);
            if (ratedAt != 0) {
                interactions_->num(rating).time(closedAt).time(ratedAt);
                ++counts_.ratings;
            } else {
                interactions_->null().time(closedAt).null();
            }
            interactions_->time(firstQueued).time(visitStart).time(acceptedAt).end();
            ++counts_.closed;

            // Filed under a topic at the close, now and then under two.
            const double filed = std::uniform_real_distribution<double>(0, 1)(random_);
            if (filed < 0.85) {
                const int first = kRootTopics + 1 + topicPick(random_);
                topics_->begin().num(id).num(first).end();
                ++counts_.topicFilings;
                if (filed < 0.10) {
                    const int second = kRootTopics + 1 + (first - kRootTopics + uniform(random_, 0, 38)) % 40;
                    if (second != first) {
                        topics_->begin().num(id).num(second).end();
                        ++counts_.topicFilings;
                    }
                }
            }
        }
        if ((i + 1) % 5000 == 0 || i + 1 == count) {
            interactions_->flush();
            history_->flush();
            visits_->flush();
            topics_->flush();
            session_.execute("COMMIT");
            if (i + 1 >= nextReport || i + 1 == count) {
                nextReport += step;
                progress_("  " + std::to_string(i + 1) + " of " + std::to_string(count) + " interactions (" +
                          std::to_string((i + 1) * 100 / count) + " %), " + std::to_string(counts_.statusChanges) +
                          " status changes, " + std::to_string(counts_.queueVisits) + " queue visits; " +
                          elapsed(started));
            }
            if (i + 1 < count) session_.execute("START TRANSACTION");
        }
    }
    counts_.interactions += count;
}

void MonthSeeder::operatorHistories(const std::vector<std::vector<StatusChange>>& changes) {
    const auto started = std::chrono::steady_clock::now();
    Rows rows(session_, "INSERT INTO operator_status_history (operator_id, from_status, to_status, reason, actor_kind, "
                        "created_at) VALUES ");
    session_.execute("START TRANSACTION");
    for (int op = 0; op < kOperators; ++op) {
        const std::string id = operatorId(op);
        rows.begin().text(id).null().text("offline").text("created").text("admin").time(monthStart_ - 7 * kDay).end();
        std::string from = "offline";
        for (const StatusChange& c : changes[static_cast<std::size_t>(op)]) {
            // Who changes what: the operator their own ready, breaks and sign-outs; the daemon the rest.
            const bool own = c.status == "ready" || c.status == "break" || c.status == "offline";
            rows.begin().text(id).text(from).text(c.status).text(c.reason).text(own ? "operator" : "system")
                .time(c.at).end();
            from = c.status;
            ++counts_.operatorChanges;
        }
        if ((op + 1) % (kOperators / 10) == 0) {
            rows.flush();
            session_.execute("COMMIT");
            progress_("  operators' status histories: " + std::to_string(op + 1) + " of " +
                      std::to_string(kOperators) + " operators (" + std::to_string((op + 1) * 100 / kOperators) +
                      " %), " + std::to_string(counts_.operatorChanges) + " changes; " + elapsed(started));
            session_.execute("START TRANSACTION");
        }
    }
    rows.flush();
    session_.execute("COMMIT");
}

void MonthSeeder::liveState(const std::vector<std::vector<StatusChange>>& changes, std::int64_t firstId) {
    std::int64_t id = firstId;
    session_.execute("START TRANSACTION");
    std::map<std::string, int> statuses;
    for (int op = 0; op < kOperators; ++op) {
        const auto& mine = changes[static_cast<std::size_t>(op)];
        const StatusChange now = mine.empty() ? StatusChange{monthStart_ - 7 * kDay, "offline", ""} : mine.back();
        ++statuses[now.status];
        std::string sql = "UPDATE operators SET status = '" + now.status + "', status_reason = '" + now.reason +
                          "', status_since = ";
        appendDbTime(sql, now.at);
        session_.execute(sql + " WHERE id = '" + operatorId(op) + "'");
        if (now.status != "busy" && now.status != "wrap_up") continue;

        // Busy: at capacity on every channel; in a wrap-up: still holding one.
        const int group = op / (kOperators / kGroups);
        const Kind& kind = kindOfGroup(group);
        std::vector<int> queues;
        for (int q = 0; q < kQueues; ++q) {
            if (groupOfQueue(q) == group) queues.push_back(q);
        }
        for (const auto& [channel, capacity] : kind.capacities) {
            const int holds = now.status == "busy" ? capacity : 1;
            for (int n = 0; n < holds; ++n, ++id) {
                const int queue = queues[static_cast<std::size_t>(uniform(random_, 0, static_cast<std::int64_t>(queues.size()) - 1))];
                const std::string opId = operatorId(op);
                const std::int64_t t0 = shape_.now - uniform(random_, 2 * 60, 20 * 60) * kSecond;
                const std::int64_t queued = t0 + 500 * 1000;
                const std::int64_t acceptedAt = queued + std::min(exponentialMicros(random_, kind.waitMeanSeconds, 3600),
                                                                  (shape_.now - queued) / 2);
                const std::int64_t offeredAt = std::max(queued + 1000, acceptedAt - kSecond);
                for (const auto& [from, to, actorKind, actor, at] :
                     std::vector<std::tuple<const char*, const char*, const char*, std::string, std::int64_t>>{
                         {nullptr, "new", "system", "", t0},
                         {"new", "queued", "system", "", queued},
                         {"queued", "offered", "system", "", offeredAt},
                         {"offered", "assigned", "operator", opId, acceptedAt}}) {
                    history_->begin().num(id);
                    if (from == nullptr) {
                        history_->null();
                    } else {
                        history_->text(from);
                    }
                    history_->text(to).text(actorKind).text(actor).time(at).end();
                    ++counts_.statusChanges;
                }
                const std::int64_t wait = acceptedAt - queued;
                visits_->begin().num(id).text(queueId(queue)).text(channel).time(queued).time(acceptedAt)
                    .text("answered").num(wait / 1000).text(opId).num(0)
                    .num(channel == std::string("email") ? wait <= 3600 * kSecond : wait <= 20 * kSecond).num(1).end();
                ++counts_.queueVisits;
                const std::int64_t client = uniform(random_, 1, kClients);
                interactions_->begin().num(id).text(channel).text("main").num(client).text(addressKindOf(channel))
                    .text("client-" + std::to_string(client)).text("assigned").text(queueId(queue)).text(opId).null()
                    .time(t0).time(acceptedAt).null().null().null().null().null().time(queued).time(queued)
                    .time(acceptedAt).end();
                ++counts_.inWork;
            }
        }
    }
    interactions_->flush();
    history_->flush();
    visits_->flush();
    session_.execute("COMMIT");
    std::string mix;
    for (const auto& [status, n] : statuses) mix += (mix.empty() ? "" : ", ") + status + " " + std::to_string(n);
    progress_("live state: operators " + mix + "; " + std::to_string(counts_.inWork) + " interactions in work");

    // Waiting now: queued minutes ago (mail hours ago), in the queues as busy as their share of the traffic.
    std::vector<std::tuple<std::int64_t, int, std::string>> waiting;
    for (int n = 0; n < shape_.waiting; ++n) {
        const int queue = pickQueue();
        const Kind& kind = kindOfQueue(queue);
        const double mean = kind.waitMeanSeconds < 100 ? 360 : 2400;
        waiting.emplace_back(shape_.now - kSecond - exponentialMicros(random_, mean, 2 * 3600), queue, pickChannel(queue));
    }
    std::sort(waiting.begin(), waiting.end());
    session_.execute("START TRANSACTION");
    for (const auto& [t0, queue, channel] : waiting) {
        const std::int64_t queued = t0 + 500 * 1000;
        const std::int64_t client = uniform(random_, 1, kClients);
        history_->begin().num(id).null().text("new").text("system").text("").time(t0).end();
        history_->begin().num(id).text("new").text("queued").text("system").text("").time(queued).end();
        counts_.statusChanges += 2;
        interactions_->begin().num(id).text(channel).text("main").num(client).text(addressKindOf(channel))
            .text("client-" + std::to_string(client)).text("queued").text(queueId(queue)).null().null().time(t0)
            .time(queued).null().null().null().null().null().time(queued).time(queued).null().end();
        ++id;
        ++counts_.waiting;
    }
    interactions_->flush();
    history_->flush();
    session_.execute("COMMIT");
    counts_.interactions += counts_.inWork + counts_.waiting;
    progress_("live state: " + std::to_string(counts_.waiting) + " interactions waiting in queues");
}

}  // namespace omnigate::bench
