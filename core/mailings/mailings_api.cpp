#include "mailings/mailings_api.h"

#include <Poco/JSON/Array.h>
#include <Poco/Timestamp.h>

#include <set>

#include "api/api_support.h"
#include "api/audit_trail.h"
#include "mailings/mailing_store.h"
#include "mailings/queue_readings.h"
#include "omnigate/sdk/api_error.h"
#include "stats/online_snapshot.h"

namespace omnigate {

namespace {

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

void noQuery(const HttpRequest& request, const std::set<std::string>& known = {}) {
    for (const auto& [name, value] : request.query) {
        if (known.count(name) == 0) throw ApiError::badRequest("unknown query parameter '" + name + "'");
    }
}

Mailing existing(ConnectionPool& pool, std::int64_t id) {
    const auto found = api::readWith<std::optional<Mailing>>(pool, "the mailing", [&](DbSession& session) {
        return MailingStore(session).find(id);
    });
    if (!found) throw ApiError::notFound("no mailing " + std::to_string(id));
    return *found;
}

}  // namespace

MailingsApi::MailingsApi(WriteBatcher& writer, ConnectionPool& pool, MailingRunner* runner, TodayAggregates& today,
                         int centreOffsetMinutes)
    : writer_(writer), pool_(pool), runner_(runner), today_(today), centreOffsetMinutes_(centreOffsetMinutes) {}

void MailingsApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/mailings", Access::needs(Permission::InteractionsSupervise),
               [this](const HttpRequest& r, const Actor&) { return list(r); });
    router.add("POST", "/api/v1/mailings", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor& a) { return create(r, a); });
    router.add("GET", "/api/v1/mailings/{id}", Access::needs(Permission::InteractionsSupervise),
               [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("PUT", "/api/v1/mailings/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor& a) { return replace(r, a); });
    router.add("DELETE", "/api/v1/mailings/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor& a) { return remove(r, a); });
    router.add("GET", "/api/v1/mailings/{id}/runs", Access::needs(Permission::InteractionsSupervise),
               [this](const HttpRequest& r, const Actor&) { return runs(r); });
    router.add("POST", "/api/v1/mailings/{id}/run", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return runNow(r); });
}

HttpResponse MailingsApi::list(const HttpRequest& request) {
    noQuery(request, {"kind"});
    const std::string kind = request.queryParam("kind");
    if (!kind.empty() && kind != "periodic" && kind != "threshold") {
        throw ApiError::badRequest("'kind' must be periodic or threshold, not '" + kind + "'");
    }
    const auto mailings = api::readWith<std::vector<Mailing>>(pool_, "the mailings", [](DbSession& session) {
        return MailingStore(session).all();
    });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const Mailing& m : mailings) {
        if (kind.empty() || kind == toString(m.kind)) items->add(m.toJson());
    }
    Poco::JSON::Object::Ptr body = object();
    body->set("mailings", items);
    body->set("smtp_configured", runner_ != nullptr);
    return api::jsonResponse(200, body);
}

HttpResponse MailingsApi::get(const HttpRequest& request) {
    noQuery(request);
    return api::jsonResponse(200, existing(pool_, api::pathId(request)).toJson());
}

HttpResponse MailingsApi::create(const HttpRequest& request, const Actor& actor) {
    noQuery(request);
    const Mailing draft = Mailing::parse(api::parseBody(request), centreOffsetMinutes_);
    Mailing created;
    writer_.run([&](DbSession& session) {
        created = MailingStore(session).create(draft);
        audit::record(session, actor, request, "mailing.created", "mailing:" + std::to_string(created.id), nullptr,
                      created.toJson());
    });
    return api::jsonResponse(201, created.toJson());
}

HttpResponse MailingsApi::replace(const HttpRequest& request, const Actor& actor) {
    noQuery(request);
    const std::int64_t id = api::pathId(request);
    Poco::JSON::Object::Ptr body = api::parseBody(request);
    std::optional<int> version;
    if (body->has("version")) {
        const Poco::Dynamic::Var v = body->get("version");
        if (!v.isInteger() || v.convert<std::int64_t>() < 1) throw ApiError::badRequest("'version' must be a positive integer");
        version = v.convert<int>();
        body->remove("version");
    }
    const Mailing draft = Mailing::parse(body, centreOffsetMinutes_);
    Mailing replaced;
    writer_.run([&](DbSession& session) {
        MailingStore store(session);
        const std::optional<Mailing> before = store.find(id);
        replaced = store.replace(id, draft, version);
        audit::record(session, actor, request, "mailing.updated", "mailing:" + std::to_string(id),
                      before ? before->toJson() : nullptr, replaced.toJson());
    });
    return api::jsonResponse(200, replaced.toJson());
}

HttpResponse MailingsApi::remove(const HttpRequest& request, const Actor& actor) {
    noQuery(request);
    const std::int64_t id = api::pathId(request);
    writer_.run([&](DbSession& session) {
        MailingStore store(session);
        const std::optional<Mailing> before = store.find(id, true);
        if (!before) throw ApiError::notFound("no mailing " + std::to_string(id));
        store.remove(id);
        audit::record(session, actor, request, "mailing.deleted", "mailing:" + std::to_string(id), before->toJson(),
                      nullptr);
    });
    return api::noContent();
}

HttpResponse MailingsApi::runs(const HttpRequest& request) {
    noQuery(request, {"limit", "cursor"});
    const std::int64_t id = api::pathId(request);
    const std::size_t limit = api::queryLimit(request, 50, 500);
    const std::string cursor = request.queryParam("cursor");
    const std::int64_t before = cursor.empty() ? 0 : api::decodeCursor(cursor);
    existing(pool_, id);
    auto found = api::readWith<std::vector<MailingRun>>(pool_, "the mailing's runs", [&](DbSession& session) {
        return MailingStore(session).runs(id, before, limit + 1);
    });
    Poco::Dynamic::Var next;
    if (found.size() > limit) {
        found.resize(limit);
        next = api::encodeCursor(found.back().id);
    }
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const MailingRun& run : found) items->add(run.toJson());
    Poco::JSON::Object::Ptr body = object();
    body->set("runs", items);
    body->set("next_cursor", next);
    return api::jsonResponse(200, body);
}

HttpResponse MailingsApi::runNow(const HttpRequest& request) {
    noQuery(request);
    if (!request.body.empty() && request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
        const Poco::JSON::Object::Ptr body = api::parseBody(request);
        if (body->size() != 0) throw ApiError::badRequest("the body must be empty: a run takes nothing");
    }
    const Mailing mailing = existing(pool_, api::pathId(request));
    if (runner_ == nullptr) {
        throw ApiError(409, "smtp_not_configured",
                       "no SMTP account is configured (mailings.smtp in the daemon's config), so nothing can be sent");
    }
    MailingRun run;
    if (mailing.kind == Mailing::Kind::Periodic) {
        run = *runner_->sendReports(mailing, "manual");
    } else {
        // The figure as it is now, judged by the same snapshot the board shows.
        const QueueReadings readings = api::readWith<QueueReadings>(pool_, "the online statistics", [&](DbSession& s) {
            return queueReadings(
                OnlineSnapshot::read(s, today_, centreOffsetMinutes_, Poco::Timestamp().epochMicroseconds()));
        });
        const auto name = readings.names.find(mailing.queue);
        run = runner_->sendAlert(mailing, "manual", readings.find(mailing.queue, mailing.metric).value_or(FigureReading{}),
                                 name == readings.names.end() ? mailing.queue : name->second, readings.asOf);
    }
    const auto recorded = api::readWith<std::optional<MailingRun>>(pool_, "the run", [&](DbSession& session) {
        return MailingStore(session).run(run.id);
    });
    return api::jsonResponse(201, (recorded ? *recorded : run).toJson());
}

}  // namespace omnigate
