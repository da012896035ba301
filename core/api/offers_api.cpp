#include "api/offers_api.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>

#include <algorithm>

#include "api/api_support.h"
#include "api/spreadsheet_export.h"
#include "db/db_time.h"
#include "model/routing_fields.h"
#include "model/template_text.h"
#include "omnigate/sdk/api_error.h"
#include "store/message_store.h"
#include "store/offer_store.h"
#include "store/response_template_store.h"

namespace omnigate {

namespace {

const std::set<std::string> kStates{"active", "scheduled", "expired", "retired"};

std::string nowIso() { return dbTimeToIso(nowDbTime()); }

std::string readTime(const std::string& text, const std::string& field) {
    return Poco::DateTimeFormatter::format(api::parseTime(text, field), "%Y-%m-%dT%H:%M:%S.%iZ");
}

// Who the records name: the calling operator, or for anyone else (a supervisor, the admin token) the operator
// holding the interaction, so the results count the operator the client talked to.
std::string actingOperator(const Actor& actor, const OfferSubject& subject) {
    const std::string self = actor.kind == "operator" ? actor.id : actor.operatorId;
    return self.empty() ? subject.holder : self;
}

// Why `offer` cannot be proposed in `subject` now, or empty when it can.
std::string unavailable(const Offer& offer, const OfferSubject& subject,
                        const std::map<std::int64_t, std::int64_t>& activations, const std::string& now) {
    const std::string state = offer.state(now);
    if (state != "active") return "offer " + std::to_string(offer.id) + " is " + state;
    std::string why;
    if (!offer.fits(subject.facts, &why)) return "offer " + std::to_string(offer.id) + " does not fit: " + why;
    const auto used = activations.find(offer.id);
    if (offer.clientLimit && used != activations.end() && used->second >= *offer.clientLimit) {
        return "the client has activated offer " + std::to_string(offer.id) + " " + std::to_string(used->second) +
               " time(s), its limit per client";
    }
    return "";
}

// Best first: the highest priority, then the one ending soonest (an offer without an end last), then the oldest.
bool ranksBefore(const Offer& a, const Offer& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.validTo != b.validTo) {
        if (a.validTo.empty() || b.validTo.empty()) return !a.validTo.empty();
        return a.validTo < b.validTo;
    }
    return a.id < b.id;
}

Poco::JSON::Object::Ptr withState(const Offer& offer, const std::string& now) {
    Poco::JSON::Object::Ptr o = offer.toJson();
    o->set("state", offer.state(now));
    return o;
}

OfferSubject subjectOf(OfferStore& store, std::int64_t interactionId) {
    auto subject = store.subject(interactionId);
    if (!subject) throw ApiError::notFound("no interaction " + std::to_string(interactionId));
    return *subject;
}

Offer offerOf(OfferStore& store, std::int64_t id, bool forUpdate = false) {
    auto offer = store.find(id, forUpdate);
    if (!offer) throw ApiError::notFound("no offer " + std::to_string(id));
    return *offer;
}

}  // namespace

void OffersApi::registerRoutes(Router& router) {
    const Access manage = Access::needs(Permission::OffersManage);
    router.add("GET", "/api/v1/offers", manage, [this](const HttpRequest& r, const Actor&) { return list(r); });
    router.add("POST", "/api/v1/offers", manage, [this](const HttpRequest& r, const Actor&) { return create(r); });
    router.add("GET", "/api/v1/offers/{id}", manage, [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("PATCH", "/api/v1/offers/{id}", manage,
               [this](const HttpRequest& r, const Actor&) { return update(r); });
    router.add("GET", "/api/v1/offers/{id}/results", manage,
               [this](const HttpRequest& r, const Actor&) { return results(r); });
    // An operator's own interactions, as with reading, replying in and handling them.
    router.add("GET", "/api/v1/interactions/{id}/offers",
               Access::needs(Permission::InteractionsRead, Ownership::Interaction),
               [this](const HttpRequest& r, const Actor& a) { return fitting(r, a); });
    router.add("POST", "/api/v1/interactions/{id}/offers/{offer}/send",
               Access::needs(Permission::InteractionsWrite, Ownership::Interaction),
               [this](const HttpRequest& r, const Actor& a) { return send(r, a); });
    router.add("POST", "/api/v1/interactions/{id}/offers/{offer}/activate",
               Access::needs(Permission::InteractionsHandle, Ownership::Interaction),
               [this](const HttpRequest& r, const Actor& a) { return activate(r, a); });
}

HttpResponse OffersApi::list(const HttpRequest& request) {
    for (const auto& [name, value] : request.query) {
        if (name != "state") throw ApiError::badRequest("unknown query parameter '" + name + "'");
    }
    const std::string state = request.queryParam("state");
    if (!state.empty() && !kStates.count(state)) {
        throw ApiError::badRequest("'state' must be one of active, scheduled, expired, retired; got '" + state + "'");
    }
    const auto offers = api::readWith<std::vector<Offer>>(pool_, "the offers",
                                                          [](DbSession& s) { return OfferStore(s).list(); });
    const std::string now = nowIso();
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const Offer& offer : offers) {
        if (state.empty() || offer.state(now) == state) items->add(withState(offer, now));
    }
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("offers", items);
    return api::jsonResponse(200, body);
}

HttpResponse OffersApi::get(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    const Offer offer =
        api::readWith<Offer>(pool_, "the offer", [&](DbSession& s) { OfferStore store(s); return offerOf(store, id); });
    return api::jsonResponse(200, withState(offer, nowIso()));
}

HttpResponse OffersApi::create(const HttpRequest& request) {
    const Offer draft = Offer::parse(api::parseBody(request), readTime);
    Offer created;
    writer_.run([&](DbSession& session) { created = OfferStore(session).create(draft); });
    return api::jsonResponse(201, withState(created, nowIso()));
}

HttpResponse OffersApi::update(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    Poco::JSON::Object::Ptr body = api::parseBody(request);
    std::optional<int> expected;
    if (body->has("version")) {
        expected = static_cast<int>(routing_fields::optionalInt(body, "version", "version", 1, 1 << 30).value_or(0));
        body->remove("version");
    }
    Offer updated;
    writer_.run([&](DbSession& session) {
        OfferStore store(session);
        Offer next = offerOf(store, id, true);
        next.apply(body, readTime);
        updated = store.update(next, expected);
    });
    return api::jsonResponse(200, withState(updated, nowIso()));
}

HttpResponse OffersApi::results(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    for (const auto& [name, value] : request.query) {
        if (name != "format" && name != "from" && name != "to") {
            throw ApiError::badRequest("unknown query parameter '" + name + "'");
        }
    }
    // What happened in the period (shown, sent or activated then); the whole life of the offer by default.
    const std::string from = api::queryDbTime(request, "from");
    const std::string to = api::queryDbTime(request, "to", true);
    const std::string format = request.queryParam("format").empty() ? "json" : request.queryParam("format");
    if (format != "json" && format != "csv" && format != "xlsx") {
        throw ApiError::badRequest("'format' must be json, csv or xlsx; got '" + format + "'");
    }
    Offer offer;
    const auto rows = api::readWith<std::vector<OfferResultRow>>(pool_, "the offer's results", [&](DbSession& s) {
        OfferStore store(s);
        offer = offerOf(store, id);
        return store.results(id, from, to);
    });
    OfferResultRow total;
    for (const OfferResultRow& row : rows) {
        total.shown += row.shown;
        total.sent += row.sent;
        total.activated += row.activated;
    }
    if (format != "json") {
        SpreadsheetExport sheet("Offer " + std::to_string(id), {"Operator", "Queue", "Shown", "Sent", "Activated"});
        for (const OfferResultRow& row : rows) {
            sheet.addRow({SheetCell::of(row.operatorId), SheetCell::of(row.queue), SheetCell::of(row.shown),
                          SheetCell::of(row.sent), SheetCell::of(row.activated)});
        }
        sheet.setTotals({SheetCell::of(std::string("Total")), SheetCell::of(std::string()), SheetCell::of(total.shown),
                         SheetCell::of(total.sent), SheetCell::of(total.activated)});
        return api::spreadsheetResponse(sheet, format, "offer-" + std::to_string(id) + "-results." + format);
    }
    const auto counts = [](const OfferResultRow& row) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("shown", row.shown);
        o->set("sent", row.sent);
        o->set("activated", row.activated);
        return o;
    };
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const OfferResultRow& row : rows) {
        Poco::JSON::Object::Ptr item = counts(row);
        item->set("operator_id", row.operatorId);
        item->set("queue", row.queue);
        items->add(item);
    }
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("offer_id", id);
    body->set("title", offer.title);
    body->set("totals", counts(total));
    body->set("rows", items);
    return api::jsonResponse(200, body);
}

HttpResponse OffersApi::fitting(const HttpRequest& request, const Actor& actor) {
    const std::int64_t interactionId = api::pathId(request);
    std::vector<Offer> fit;
    OfferSubject subject;
    // Read and matched on a pooled connection; only the shows go through the writer lane, which inbound messages
    // share, so matching many offers never holds their commits up.
    api::readWith<bool>(pool_, "the offers", [&](DbSession& session) {
        OfferStore store(session);
        subject = subjectOf(store, interactionId);
        const auto activations = store.activationsBy(subject.clientId);
        const std::string now = nowIso();
        for (Offer& offer : store.list()) {
            if (unavailable(offer, subject, activations, now).empty()) fit.push_back(std::move(offer));
        }
        return true;
    });
    std::sort(fit.begin(), fit.end(), ranksBefore);
    if (!fit.empty()) {
        std::vector<std::int64_t> ids;
        for (const Offer& offer : fit) ids.push_back(offer.id);
        // Serving the list is what counts an offer as shown.
        const std::string operatorId = actingOperator(actor, subject);
        writer_.run([&](DbSession& session) { OfferStore(session).recordShown(ids, subject, operatorId); });
    }
    const std::string now = nowIso();
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const Offer& offer : fit) items->add(withState(offer, now));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("offers", items);
    return api::jsonResponse(200, body);
}

HttpResponse OffersApi::send(const HttpRequest& request, const Actor& actor) {
    const std::int64_t interactionId = api::pathId(request);
    const std::int64_t offerId = api::pathId(request, "offer");
    OfferSubject subject;
    Offer offer;
    std::string text;
    std::vector<std::string> files;  // a template's, sent with its text
    api::readWith<bool>(pool_, "the offer", [&](DbSession& session) {
        OfferStore store(session);
        subject = subjectOf(store, interactionId);
        offer = offerOf(store, offerId);
        const std::string why = unavailable(offer, subject, store.activationsBy(subject.clientId), nowIso());
        if (!why.empty()) throw ApiError(409, "offer_unavailable", why);
        ResponseTemplateStore templates(session);
        std::string body = offer.text;
        if (offer.templateId != 0) {
            const auto templ = templates.find(offer.templateId);
            if (!templ || !templ->owner.empty()) {
                throw ApiError(409, "offer_template_missing", "offer " + std::to_string(offerId) +
                                                                  " sends response template " +
                                                                  std::to_string(offer.templateId) +
                                                                  ", which no longer exists");
            }
            body = templ->text;
            files = templ->files;
        }
        const auto context = templates.context(interactionId, actingOperator(actor, subject));
        text = renderTemplate(body, context ? context->values : std::map<std::string, std::string>{},
                              isResponseTemplateVariable);
        return true;
    });
    // The operator's reply path: the channel may refuse it, and a channel's failure is a failed message.
    OutboundMessage draft;
    const MessageAuthor author = messageAuthorOf(actor);
    draft.author = author.kind;
    draft.authorId = author.id;
    draft.text = text;
    draft.attachments = files_.sendable(files);
    const StoredMessage message = messages_.reply(interactionId, std::move(draft));
    // What the channel refused never reached the client: the answer shows the failed message, the results no send.
    if (message.status != DeliveryStatus::Failed) {
        writer_.run([&](DbSession& session) {
            OfferStore(session).recordSent(offer, subject, actingOperator(actor, subject), message.id);
        });
    }
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("offer_id", offerId);
    body->set("message", toJson(message));
    return api::jsonResponse(201, body);
}

HttpResponse OffersApi::activate(const HttpRequest& request, const Actor& actor) {
    const std::int64_t interactionId = api::pathId(request);
    const std::int64_t offerId = api::pathId(request, "offer");
    OfferSubject subject;
    OfferActivation activation;
    writer_.run([&](DbSession& session) {
        OfferStore store(session);
        subject = subjectOf(store, interactionId);
        const Offer offer = offerOf(store, offerId);
        // Locked per client: two operators activating for one client at once are counted one after the other.
        const auto activations = store.activationsBy(subject.clientId, true);
        if (store.activatedIn(offerId, interactionId)) {
            throw ApiError(409, "offer_already_activated", "offer " + std::to_string(offerId) +
                                                               " was activated in interaction " +
                                                               std::to_string(interactionId) + " already");
        }
        const std::string why = unavailable(offer, subject, activations, nowIso());
        if (!why.empty()) throw ApiError(409, "offer_unavailable", why);
        activation = store.activate(offer, subject, actingOperator(actor, subject));
    });
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("activation_id", activation.id);
    body->set("offer_id", offerId);
    body->set("interaction_id", interactionId);
    body->set("client_id", subject.clientId);
    body->set("activated_at", activation.activatedAt);
    return api::jsonResponse(201, body);
}

}  // namespace omnigate
