#include "api/supervisor_api.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <set>

#include "api/api_support.h"
#include "api/spreadsheet_export.h"
#include "db/db_time.h"
#include "model/local_day.h"
#include "omnigate/sdk/api_error.h"
#include "store/unified_queue_store.h"

namespace omnigate {

namespace {

constexpr std::size_t kDefaultPage = 100;
constexpr std::size_t kMaxPage = 1000;
constexpr std::size_t kMaxExportRows = 100000;
constexpr std::int64_t kMicrosPerDay = 24LL * 60 * 60 * 1000 * 1000;

const std::set<std::string> kFilterParams{"status",           "queue",     "channel", "account", "operator",
                                          "min_wait_seconds", "unassigned"};

// Only the first of a repeated parameter would count; say so rather than ignore the rest. Unknown ones are
// refused, so a typo ("queu=") does not silently show the whole queue.
void checkParams(const HttpRequest& request, const std::set<std::string>& extra) {
    std::set<std::string> given;
    for (const auto& [name, value] : request.query) {
        if (kFilterParams.count(name) == 0 && extra.count(name) == 0) {
            throw ApiError::badRequest("unknown query parameter '" + name + "'");
        }
        if (!given.insert(name).second) {
            throw ApiError::badRequest("'" + name + "' is given twice; use one (a comma list for 'status')");
        }
    }
}

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

UnifiedQueueFilter parseFilter(const HttpRequest& request) {
    UnifiedQueueFilter filter;
    const std::string statuses = request.queryParam("status");
    if (!statuses.empty()) {
        const auto& shown = UnifiedQueueStore::statuses();
        std::string unknown;
        std::size_t start = 0;
        for (;;) {
            const std::size_t comma = statuses.find(',', start);
            const std::string name =
                statuses.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (std::find(shown.begin(), shown.end(), name) == shown.end()) {
                unknown += (unknown.empty() ? "'" : ", '") + name + "'";
            } else if (std::find(filter.statuses.begin(), filter.statuses.end(), name) == filter.statuses.end()) {
                filter.statuses.push_back(name);
            }
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        if (!unknown.empty()) {
            throw ApiError::badRequest("'status': " + unknown + " is not a status the unified queue shows; it shows " +
                                       join(shown));
        }
    }
    filter.queue = request.queryParam("queue");
    filter.channel = request.queryParam("channel");
    filter.account = request.queryParam("account");
    filter.operatorId = request.queryParam("operator");
    const auto minWait = api::queryInt(request, "min_wait_seconds");
    if (minWait && *minWait < 0) throw ApiError::badRequest("'min_wait_seconds' must be 0 or more");
    filter.minWaitSeconds = minWait.value_or(0);
    const std::string unassigned = request.queryParam("unassigned");
    if (unassigned == "true") {
        filter.unassigned = true;
    } else if (unassigned == "false") {
        filter.unassigned = false;
    } else if (!unassigned.empty()) {
        throw ApiError::badRequest("'unassigned' must be true or false, not '" + unassigned + "'");
    }
    if (filter.unassigned.value_or(false) && !filter.operatorId.empty()) {
        throw ApiError::badRequest("'unassigned=true' and 'operator' contradict each other; give one of them");
    }
    return filter;
}

std::optional<QueueCursor> parseCursor(const HttpRequest& request) {
    const std::string cursor = request.queryParam("cursor");
    if (cursor.empty()) return std::nullopt;
    return QueueCursor::decode(cursor);
}

Poco::JSON::Object::Ptr pageJson(const UnifiedQueuePage& page) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("as_of", dbTimeToIso(page.asOf));
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const QueueEntry& e : page.entries) items->add(e.toJson());
    body->set("interactions", items);
    body->set("next_cursor", page.next ? Poco::Dynamic::Var(page.next->encode()) : Poco::Dynamic::Var());
    return body;
}

std::string operatorIdOf(const HttpRequest& request) {
    const std::string id = request.param("id");
    if (id.empty() || id.size() > 64) throw ApiError::badRequest("'id' must be an operator id of 1 to 64 characters");
    return id;
}

ApiError noOperator(const std::string& id) { return ApiError::notFound("no operator '" + id + "'"); }

// An unescaped '+' arrives as a space (form decoding of the query string), so a leading space is read as the '+'
// it was.
int utcOffsetParam(const std::string& given) {
    if (given.empty()) return 0;
    std::string text = given;
    if (text[0] == ' ') text[0] = '+';
    const std::optional<int> offset = parseUtcOffset(text);
    if (!offset) {
        throw ApiError::badRequest("'utc_offset' must be an offset like +03:00 from -12:00 to +14:00 (send '+' as "
                                   "%2B), not '" + given + "'");
    }
    return *offset;
}

std::string dbTime(std::int64_t epochMicros) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(epochMicros), "%Y-%m-%d %H:%M:%S.%i");
}

}  // namespace

SupervisorApi::SupervisorApi(ConnectionPool& pool) : pool_(pool) {}

void SupervisorApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/supervisor/interactions", Access::needs(Permission::InteractionsSupervise),
               [this](const HttpRequest& r, const Actor&) { return queue(r); });
    router.add("GET", "/api/v1/supervisor/interactions/export", Access::needs(Permission::InteractionsSupervise),
               [this](const HttpRequest& r, const Actor&) { return exportQueue(r); });
    router.add("GET", "/api/v1/operators/{id}/interactions",
               Access::needs(Permission::InteractionsRead, Ownership::Operator),
               [this](const HttpRequest& r, const Actor&) { return operatorInteractions(r); });
    router.add("GET", "/api/v1/operators/{id}/stats", Access::needs(Permission::OperatorsStatus, Ownership::Operator),
               [this](const HttpRequest& r, const Actor&) { return operatorStats(r); });
}

HttpResponse SupervisorApi::queue(const HttpRequest& request) {
    checkParams(request, {"group_by", "limit", "cursor"});
    const UnifiedQueueFilter filter = parseFilter(request);
    const std::string groupBy = request.queryParam("group_by");
    if (!groupBy.empty()) {
        const auto& columns = UnifiedQueueStore::groupColumns();
        if (std::find(columns.begin(), columns.end(), groupBy) == columns.end()) {
            throw ApiError::badRequest("'group_by' must be one of " + join(columns) + ", not '" + groupBy + "'");
        }
        // The groups are the whole filtered queue at once: there is nothing to page through.
        for (const char* paging : {"limit", "cursor"}) {
            if (!request.queryParam(paging).empty()) {
                throw ApiError::badRequest(std::string("'") + paging + "' pages the list; it does not go with 'group_by'");
            }
        }
        const std::string asOf = nowDbTime();
        const auto groups = api::readWith<std::vector<QueueGroup>>(pool_, "the unified queue", [&](DbSession& s) {
            return UnifiedQueueStore(s).group(filter, groupBy, asOf);
        });
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        body->set("as_of", dbTimeToIso(asOf));
        body->set("group_by", groupBy);
        Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
        std::int64_t total = 0;
        for (const QueueGroup& g : groups) {
            items->add(g.toJson());
            total += g.count;
        }
        body->set("groups", items);
        body->set("total", total);
        return api::jsonResponse(200, body);
    }
    const std::size_t limit = api::queryLimit(request, kDefaultPage, kMaxPage);
    const auto cursor = parseCursor(request);
    const auto page = api::readWith<UnifiedQueuePage>(pool_, "the unified queue", [&](DbSession& s) {
        return UnifiedQueueStore(s).page(filter, limit, cursor);
    });
    return api::jsonResponse(200, pageJson(page));
}

HttpResponse SupervisorApi::exportQueue(const HttpRequest& request) {
    checkParams(request, {"format"});
    const std::string format = request.queryParam("format");
    if (format != "csv" && format != "xlsx") {
        throw ApiError::badRequest("'format' must be csv or xlsx" +
                                   (format.empty() ? std::string() : ", not '" + format + "'"));
    }
    const UnifiedQueueFilter filter = parseFilter(request);
    const auto page = api::readWith<UnifiedQueuePage>(pool_, "the unified queue", [&](DbSession& s) {
        return UnifiedQueueStore(s).page(filter, kMaxExportRows);
    });

    SpreadsheetExport sheet("Unified queue",
                            {"ID", "Channel", "Account", "Kind", "Client ID", "Client name", "Subject", "Status",
                             "Queue", "Operator", "Priority", "Priority step per minute", "Effective priority",
                             "Waited (seconds)", "Created at (UTC)", "Queued at (UTC)", "Offer expires at (UTC)"});
    using Cell = SpreadsheetExport::Cell;
    for (const QueueEntry& e : page.entries) {
        sheet.addRow({Cell::of(e.id), Cell::of(e.channel), Cell::of(e.account), Cell::of(e.kind), Cell::of(e.clientId),
                      Cell::of(e.clientName), Cell::of(e.subject), Cell::of(e.status), Cell::of(e.queue),
                      Cell::of(e.operatorId), Cell::of(static_cast<std::int64_t>(e.priority)), Cell::of(e.priorityStep),
                      Cell::of(e.effectivePriority), Cell::of(e.waitedSeconds), Cell::of(e.createdAt),
                      Cell::of(e.queuedAt), Cell::of(e.offerExpiresAt)});
    }

    // unified-queue-20261126-013000Z.csv: the moment the rows were read, in UTC.
    std::string stamp = page.asOf.substr(0, 19);
    stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }), stamp.end());
    std::replace(stamp.begin(), stamp.end(), ' ', '-');
    HttpResponse response = api::spreadsheetResponse(sheet, format, "unified-queue-" + stamp + "Z." + format);
    // More lines than an export holds: the file has the first ones in queue order, and says so.
    response.headers.emplace_back("X-Omnigate-Export-Truncated", page.next ? "true" : "false");
    return response;
}

HttpResponse SupervisorApi::operatorInteractions(const HttpRequest& request) {
    const std::string id = operatorIdOf(request);
    for (const auto& [name, value] : request.query) {
        if (name != "limit" && name != "cursor") throw ApiError::badRequest("unknown query parameter '" + name + "'");
    }
    const std::size_t limit = api::queryLimit(request, kDefaultPage, kMaxPage);
    const auto cursor = parseCursor(request);
    UnifiedQueueFilter filter;
    filter.operatorId = id;
    filter.statuses = UnifiedQueueStore::operatorOpenStatuses();
    const auto page = api::readWith<UnifiedQueuePage>(pool_, "the operator's interactions", [&](DbSession& s) {
        UnifiedQueueStore store(s);
        if (!store.operatorExists(id)) throw noOperator(id);
        return store.page(filter, limit, cursor);
    });
    auto body = pageJson(page);
    body->set("operator_id", id);
    return api::jsonResponse(200, body);
}

HttpResponse SupervisorApi::operatorStats(const HttpRequest& request) {
    const std::string id = operatorIdOf(request);
    for (const auto& [name, value] : request.query) {
        if (name != "utc_offset") throw ApiError::badRequest("unknown query parameter '" + name + "'");
    }
    const int offset = utcOffsetParam(request.queryParam("utc_offset"));
    // The local day that contains now, as UTC bounds: [local midnight, next local midnight) minus the offset.
    const std::int64_t dayStart = localDayStart(Poco::Timestamp().epochMicroseconds(), offset);
    const std::string from = dbTime(dayStart);
    const std::string to = dbTime(dayStart + kMicrosPerDay);
    const auto stats = api::readWith<OperatorDayStats>(pool_, "the operator's counters", [&](DbSession& s) {
        UnifiedQueueStore store(s);
        if (!store.operatorExists(id)) throw noOperator(id);
        return store.operatorStats(id, from, to);
    });

    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("operator_id", id);
    Poco::JSON::Object::Ptr day = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    day->set("from", dbTimeToIso(from));
    day->set("to", dbTimeToIso(to));
    day->set("utc_offset", formatUtcOffset(offset));
    body->set("day", day);
    body->set("handled_today", stats.handledToday);
    body->set("average_handling_seconds_today",
              stats.averageHandlingSecondsToday ? Poco::Dynamic::Var(*stats.averageHandlingSecondsToday)
                                                : Poco::Dynamic::Var());
    Poco::JSON::Object::Ptr open = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    std::int64_t total = 0;
    for (const auto& [channel, count] : stats.openByChannel) {
        open->set(channel, count);
        total += count;
    }
    body->set("open_by_channel", open);
    body->set("open_total", total);
    return api::jsonResponse(200, body);
}

}  // namespace omnigate
