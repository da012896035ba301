#include "campaigns/campaigns_api.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>

#include <chrono>

#include "api/api_support.h"
#include "api/sheet_writer.h"
#include "campaigns/unsubscribe_token.h"
#include "db/db_time.h"
#include "model/routing_fields.h"
#include "model/template_text.h"
#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/content_disposition.h"
#include "store/campaign_opt_out_store.h"
#include "store/campaign_recipient_store.h"
#include "store/campaign_store.h"
#include "store/client_store.h"
#include "store/response_template_store.h"

namespace omnigate {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string nowIso() { return dbTimeToIso(nowDbTime()); }

std::string readTime(const std::string& text, const std::string& field) {
    return Poco::DateTimeFormatter::format(api::parseTime(text, field), "%Y-%m-%dT%H:%M:%S.%iZ");
}

// What a running campaign does now, as far as the API can tell without asking the daemon that sends.
std::string phaseOf(const Campaign& c) {
    if (c.state != "running") return "";
    if (!c.schedule.startsAt.empty() && nowIso() < c.schedule.startsAt) return "scheduled";
    if (!c.prepared) return "preparing";
    const auto& hours = c.schedule.allowedHours;
    if (hours && !c.schedule.clientTimeZone && !hours->contains(std::chrono::system_clock::now())) return "waiting";
    return "sending";
}

Campaign campaignOf(CampaignStore& store, std::int64_t id, bool forUpdate = false) {
    auto campaign = store.find(id, forUpdate);
    if (!campaign) throw ApiError::notFound("no campaign " + std::to_string(id));
    return *campaign;
}

// Every variable a campaign may use with a stand-in value: what the channel checks of a template's parameters
// (none empty, as many as it takes) does not depend on the client.
std::string sample(const std::string& text) {
    std::map<std::string, std::string> values{{"client.name", "x"}, {"client.id", "1"}, {"channel", "x"},
                                              {"account", "x"}};
    std::string out = renderTemplate(text, values, Campaign::isVariable);
    return out.empty() ? "x" : out;
}

std::string html(const std::string& title, const std::string& body) {
    return "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
           "content=\"width=device-width\"><title>" + title + "</title></head><body style=\"font-family:sans-serif;"
           "max-width:32rem;margin:3rem auto\">" + body + "</body></html>";
}

std::string tokenOf(const HttpRequest& request) {
    const auto found = request.pathParams.find("token");
    return found == request.pathParams.end() ? std::string() : found->second;
}

HttpResponse htmlResponse(int status, const std::string& title, const std::string& body) {
    HttpResponse response;
    response.status = status;
    response.contentType = "text/html; charset=utf-8";
    response.body = html(title, body);
    return response;
}

}  // namespace

void CampaignsApi::registerRoutes(Router& router) {
    const Access manage = Access::needs(Permission::CampaignsManage);
    router.add("GET", "/api/v1/campaigns", manage, [this](const HttpRequest& r, const Actor&) { return list(r); });
    router.add("POST", "/api/v1/campaigns", manage,
               [this](const HttpRequest& r, const Actor& a) { return create(r, a); });
    router.add("POST", "/api/v1/campaigns/audience", Access::needs(Permission::SegmentsRead),
               [this](const HttpRequest& r, const Actor&) { return audience(r); });
    router.add("GET", "/api/v1/campaigns/{id}", manage, [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("PATCH", "/api/v1/campaigns/{id}", manage,
               [this](const HttpRequest& r, const Actor&) { return update(r); });
    router.add("DELETE", "/api/v1/campaigns/{id}", manage,
               [this](const HttpRequest& r, const Actor&) { return remove(r); });
    for (const char* action : {"launch", "pause", "resume", "cancel"}) {
        router.add("POST", std::string("/api/v1/campaigns/{id}/") + action, manage,
                   [this, action](const HttpRequest& r, const Actor&) { return act(r, action); });
    }
    router.add("GET", "/api/v1/campaigns/{id}/results", manage,
               [this](const HttpRequest& r, const Actor&) { return results(r); });
    router.add("GET", "/api/v1/campaigns/{id}/audience", Access::needs(Permission::SegmentsRead),
               [this](const HttpRequest& r, const Actor&) { return audienceOf(r); });
    for (const char* method : {"GET", "PUT", "DELETE"}) {
        router.add(method, "/api/v1/clients/{id}/opt-out", manage,
                   [this, method](const HttpRequest& r, const Actor&) { return optOut(r, method); });
    }
    // The address in a campaign's mail: whoever holds it is the client it was sent to (its signature says so).
    router.add("GET", "/api/v1/unsubscribe/{token}", Access::open(),
               [this](const HttpRequest& r, const Actor&) { return unsubscribePage(r); });
    router.add("POST", "/api/v1/unsubscribe/{token}", Access::open(),
               [this](const HttpRequest& r, const Actor&) { return unsubscribe(r); });
}

Campaign::Limits CampaignsApi::limits() const {
    return {config_.stats.utcOffsetMinutes, config_.campaigns.maxRatePerMinute};
}

void CampaignsApi::checkAgainstDeployment(const Campaign& campaign) {
    std::string accounts;
    bool configured = false;
    for (const PluginEntry& entry : config_.channels) {
        if (entry.type != campaign.channel) continue;
        configured = configured || entry.id == campaign.account;
        accounts += (accounts.empty() ? "" : ", ") + entry.id;
    }
    if (!configured) {
        throw ApiError::badRequest("'account': no " + campaign.channel + " account '" + campaign.account +
                                   "' is configured (" + (accounts.empty() ? "none is" : "configured: " + accounts) +
                                   ")");
    }
    ChannelPlugin* plugin = channels_(campaign.channel);
    if (plugin == nullptr) throw ApiError::badRequest("'channel': no '" + campaign.channel + "' channel is loaded");
    if (campaign.channel == "email" &&
        (config_.campaigns.publicUrl.empty() || config_.campaigns.unsubscribeSecret.empty())) {
        throw ApiError::badRequest("'channel': an email campaign carries a one-click unsubscribe address; set "
                                   "campaigns.public_url and campaigns.unsubscribe_secret in " + config_.file);
    }
    if (campaign.channel == "whatsapp") {
        OutboundMessage dry;
        dry.account = campaign.account;
        dry.to = Address{"whatsapp", "0"};
        dry.templateName = campaign.message.whatsappTemplate;
        dry.templateLanguage = campaign.message.whatsappLanguage;
        for (const std::string& p : campaign.message.whatsappParameters) dry.templateParameters.push_back(sample(p));
        try {
            MessageService::prepareOutbound(*plugin, campaign.channel, dry);
        } catch (const ApiError& e) {
            // The channel names its own request's fields; here they sit under message.whatsapp_template.
            std::string text = e.what();
            for (const std::string from : {"'template.", "'template'"}) {
                if (const auto at = text.find(from); at != std::string::npos) {
                    text.replace(at, from.size(), from == "'template'" ? "'message.whatsapp_template'"
                                                                       : "'message.whatsapp_template.");
                }
            }
            throw ApiError(e.status() == 409 ? 400 : e.status(), e.code(), text);
        }
    }
    if (campaign.message.templateId != 0) {
        const auto found = api::readWith<std::optional<ResponseTemplate>>(pool_, "the template", [&](DbSession& s) {
            return ResponseTemplateStore(s).find(campaign.message.templateId);
        });
        if (found && found->owner.empty()) {
            const auto unknown = unknownTemplateVariables(found->text, Campaign::isVariable);
            if (!unknown.empty()) {
                throw ApiError::badRequest("'message.template_id': response template " +
                                           std::to_string(found->id) + " uses {" + unknown.front() +
                                           "}, which a campaign cannot fill (it has no operator or interaction)");
            }
        }
    }
    if (!campaign.schedule.endsAt.empty() && campaign.schedule.endsAt <= nowIso()) {
        throw ApiError::badRequest("'schedule.ends_at' (" + campaign.schedule.endsAt + ") is in the past");
    }
}

Poco::JSON::Object::Ptr CampaignsApi::withLife(const Campaign& campaign, DbSession& session) {
    Object::Ptr o = campaign.toJson();
    const std::string phase = phaseOf(campaign);
    o->set("phase", phase.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(phase));
    o->set("results", CampaignStore(session).totals(campaign).toJson());
    return o;
}

HttpResponse CampaignsApi::list(const HttpRequest& request) {
    for (const auto& [name, value] : request.query) {
        if (name != "state") throw ApiError::badRequest("unknown query parameter '" + name + "'");
    }
    const std::string state = request.queryParam("state");
    static const std::set<std::string> kStates{"draft", "running", "paused", "cancelled", "finished"};
    if (!state.empty() && !kStates.count(state)) {
        throw ApiError::badRequest("'state' must be one of draft, running, paused, cancelled, finished; got '" +
                                   state + "'");
    }
    const Array::Ptr items = api::readWith<Array::Ptr>(pool_, "the campaigns", [&](DbSession& s) {
        Array::Ptr out = new Array;
        for (const Campaign& c : CampaignStore(s).list()) {
            if (state.empty() || c.state == state) out->add(withLife(c, s));
        }
        return out;
    });
    Object::Ptr body = new Object;
    body->set("campaigns", items);
    return api::jsonResponse(200, body);
}

HttpResponse CampaignsApi::get(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    return api::jsonResponse(200, api::readWith<Object::Ptr>(pool_, "the campaign", [&](DbSession& s) {
        CampaignStore store(s);
        return withLife(campaignOf(store, id), s);
    }));
}

HttpResponse CampaignsApi::create(const HttpRequest& request, const Actor& actor) {
    Campaign draft = Campaign::parse(api::parseBody(request), readTime, limits());
    checkAgainstDeployment(draft);
    draft.createdBy = actor.user.empty() ? actor.kind + (actor.id.empty() ? "" : ":" + actor.id) : actor.user;
    Object::Ptr body;
    transactions_.run([&](DbSession& session) {
        const Campaign created = CampaignStore(session).create(draft);
        body = withLife(created, session);
    });
    return api::jsonResponse(201, body);
}

HttpResponse CampaignsApi::update(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    Object::Ptr patch = api::parseBody(request);
    std::optional<int> expected;
    if (patch->has("version")) {
        expected = static_cast<int>(routing_fields::optionalInt(patch, "version", "version", 1, 1 << 30).value_or(0));
        patch->remove("version");
    }
    Campaign next = api::readWith<Campaign>(pool_, "the campaign", [&](DbSession& s) {
        CampaignStore store(s);
        return campaignOf(store, id);
    });
    // Said before the body is judged: a running campaign is not edited, whatever the change.
    if (next.state != "draft" && next.state != "paused") {
        throw ApiError(409, "campaign_not_editable", "campaign " + std::to_string(id) + " is " + next.state +
                                                         ": only a draft or a paused campaign changes");
    }
    next.apply(patch, readTime, limits());
    checkAgainstDeployment(next);
    Object::Ptr body;
    transactions_.run([&](DbSession& session) {
        CampaignStore store(session);
        // What was read may have been launched meanwhile: the store checks the state again under the row's lock.
        const Campaign current = campaignOf(store, id, true);
        if (current.prepared && (current.channel != next.channel || current.account != next.account)) {
            throw ApiError(409, "campaign_launched", "campaign " + std::to_string(id) + " chose its recipients "
                                                     "meanwhile; read it again");
        }
        body = withLife(store.update(next, expected), session);
    });
    runner_.wake();
    return api::jsonResponse(200, body);
}

HttpResponse CampaignsApi::remove(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    transactions_.run([&](DbSession& session) { CampaignStore(session).remove(id); });
    return api::noContent();
}

HttpResponse CampaignsApi::act(const HttpRequest& request, const std::string& action) {
    const std::int64_t id = api::pathId(request);
    static const std::map<std::string, std::pair<std::set<std::string>, std::string>> kMoves{
        {"launch", {{"draft"}, "running"}},
        {"pause", {{"running"}, "paused"}},
        {"resume", {{"paused"}, "running"}},
        {"cancel", {{"draft", "running", "paused"}, "cancelled"}},
    };
    const auto& [from, to] = kMoves.at(action);
    if (to == "running") {
        const Campaign campaign = api::readWith<Campaign>(pool_, "the campaign", [&](DbSession& s) {
            CampaignStore store(s);
            return campaignOf(store, id);
        });
        // What was fine when it was saved may not be now: the account removed, the template no longer approved.
        checkAgainstDeployment(campaign);
    }
    Object::Ptr body;
    transactions_.run([&](DbSession& session) {
        CampaignStore store(session);
        const Campaign current = campaignOf(store, id, true);
        if (!from.count(current.state)) {
            std::string allowed;
            for (const std::string& s : from) allowed += (allowed.empty() ? "" : " or ") + s;
            throw ApiError(409, "campaign_state", "campaign " + std::to_string(id) + " is " + current.state +
                                                      ": only a " + allowed + " campaign can " + action);
        }
        // Replies are looked for from now on: nothing before the first launch can answer a campaign.
        if (action == "launch") CampaignRecipientStore(session).replyCursor();
        Campaign moved = current;
        moved.state = to;
        body = withLife(store.setState(current, to, phaseOf(moved)), session);
    });
    runner_.wake();
    return api::jsonResponse(200, body);
}

HttpResponse CampaignsApi::results(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    for (const auto& [name, value] : request.query) {
        if (name != "format") throw ApiError::badRequest("unknown query parameter '" + name + "'");
    }
    const std::string format = request.queryParam("format").empty() ? "json" : request.queryParam("format");
    if (format != "json" && format != "csv" && format != "xlsx") {
        throw ApiError::badRequest("'format' must be json, csv or xlsx; got '" + format + "'");
    }
    Campaign campaign;
    CampaignTotals totals;
    std::vector<CampaignFailure> failures;
    api::readWith<bool>(pool_, "the campaign's results", [&](DbSession& s) {
        CampaignStore store(s);
        campaign = campaignOf(store, id);
        totals = store.totals(campaign);
        failures = store.failures(id);
        return true;
    });
    if (format == "json") {
        Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        body->set("campaign_id", id);
        body->set("name", campaign.name);
        body->set("state", campaign.state);
        const std::string phase = phaseOf(campaign);
        body->set("phase", phase.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(phase));
        const Object::Ptr counts = totals.toJson();
        for (const std::string& key : counts->getNames()) body->set(key, counts->get(key));
        Array::Ptr items = new Array;
        for (const CampaignFailure& f : failures) {
            Object::Ptr item = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
            item->set("error_code", f.errorCode);
            item->set("error_text", f.errorText);
            item->set("count", f.count);
            items->add(item);
        }
        body->set("failures", items);
        return api::jsonResponse(200, body);
    }
    // One row per recipient, read a page at a time as the body is written.
    HttpResponse response;
    response.contentType = format == "csv" ? "text/csv; charset=utf-8"
                                           : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    response.headers.emplace_back("Content-Disposition", contentDisposition("attachment", "campaign-" +
                                                                                            std::to_string(id) +
                                                                                            "-results." + format));
    response.stream = [this, id, totals, format](std::ostream& out) {
        SheetWriter writer(format == "csv" ? SheetWriter::Format::Csv : SheetWriter::Format::Xlsx, out,
                           "Campaign " + std::to_string(id),
                           {"Recipient", "Client", "Address", "State", "Attempts", "Sent at", "Delivered at", "Read at",
                            "Replied at", "Reply interaction", "Opted out at", "Error code", "Error"});
        api::readWith<bool>(pool_, "the campaign's recipients", [&](DbSession& s) {
            CampaignStore(s).forEachRecipient(id, [&](const CampaignRecipientRow& r) {
                writer.row({SheetCell::of(r.id), SheetCell::of(r.clientId), SheetCell::of(r.address),
                            SheetCell::of(r.state), SheetCell::of(static_cast<std::int64_t>(r.attempts)),
                            SheetCell::of(r.sentAt), SheetCell::of(r.deliveredAt), SheetCell::of(r.readAt),
                            SheetCell::of(r.repliedAt),
                            r.replyInteractionId == 0 ? SheetCell::of(std::string()) : SheetCell::of(r.replyInteractionId),
                            SheetCell::of(r.optedOutAt), SheetCell::of(r.errorCode), SheetCell::of(r.errorText)});
            });
            return true;
        });
        writer.lastRow({SheetCell::of(std::string("Total")), SheetCell::of(totals.targeted),
                        SheetCell::of("pending " + std::to_string(totals.pending + totals.sending) + ", sent " +
                                      std::to_string(totals.sent) + ", delivered " + std::to_string(totals.delivered) +
                                      ", read " + std::to_string(totals.read) + ", failed " +
                                      std::to_string(totals.failed) + ", skipped " + std::to_string(totals.skipped) +
                                      ", replied " + std::to_string(totals.replied) + ", opted out " +
                                      std::to_string(totals.optedOut) + ", offers activated " +
                                      std::to_string(totals.offersActivated))});
        writer.finish();
    };
    return response;
}

std::int64_t CampaignsApi::count(const Campaign& campaign) {
    return api::readWith<std::int64_t>(pool_, "the segment", [&](DbSession& s) {
        CampaignRecipientStore store(s);
        std::int64_t total = 0;
        std::int64_t after = 0;
        for (;;) {
            after = store.audiencePage(campaign, after, 1000, [&](std::int64_t, const Address&) { ++total; });
            if (after == 0) return total;
        }
    });
}

HttpResponse CampaignsApi::audience(const HttpRequest& request) {
    const Object::Ptr body = api::parseBody(request);
    api::rejectUnknownFields(body, {"channel", "account", "segment"}, "an audience");
    // The campaign's own parsing, with a stand-in message: the segment and channel are checked as when saved.
    Object::Ptr probe = new Object(*body);
    probe->set("name", std::string("audience"));
    if (!probe->has("account")) probe->set("account", std::string("any"));
    Object::Ptr message = new Object;
    const std::string channel = body->optValue<std::string>("channel", "");
    if (channel == "whatsapp") {
        Object::Ptr t = new Object;
        t->set("name", std::string("x"));
        t->set("language", std::string("x"));
        message->set("whatsapp_template", t);
    } else {
        message->set("text", std::string("x"));
        if (channel == "email") message->set("subject", std::string("x"));
    }
    probe->set("message", message);
    const Campaign campaign = Campaign::parse(probe, readTime, limits());
    Object::Ptr answer = new Object;
    answer->set("count", count(campaign));
    return api::jsonResponse(200, answer);
}

HttpResponse CampaignsApi::audienceOf(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    const Campaign campaign = api::readWith<Campaign>(pool_, "the campaign", [&](DbSession& s) {
        CampaignStore store(s);
        return campaignOf(store, id);
    });
    Object::Ptr answer = new Object;
    answer->set("count", count(campaign));
    return api::jsonResponse(200, answer);
}

HttpResponse CampaignsApi::optOut(const HttpRequest& request, const std::string& method) {
    const std::int64_t clientId = api::pathId(request);
    std::optional<CampaignOptOut> state;
    transactions_.run([&](DbSession& session) {
        const auto alias = ClientStore(session).aliasOf(clientId);
        if (!alias) throw ApiError::notFound("no client " + std::to_string(clientId));
        if (*alias != 0) {
            throw ApiError(409, "client_merged", "client " + std::to_string(clientId) + " was merged into client " +
                                                     std::to_string(*alias) + ": use that one");
        }
        CampaignOptOutStore store(session);
        if (method == "PUT") store.optOut(clientId, "api", 0);
        if (method == "DELETE") store.optIn(clientId);
        state = store.find(clientId);
    });
    Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("client_id", clientId);
    body->set("opted_out", state.has_value());
    body->set("source", state ? Poco::Dynamic::Var(state->source) : Poco::Dynamic::Var());
    body->set("campaign_id", state && state->campaignId != 0 ? Poco::Dynamic::Var(state->campaignId)
                                                             : Poco::Dynamic::Var());
    body->set("opted_out_at", state ? Poco::Dynamic::Var(state->optedOutAt) : Poco::Dynamic::Var());
    return api::jsonResponse(200, body);
}

HttpResponse CampaignsApi::unsubscribePage(const HttpRequest& request) {
    if (!UnsubscribeToken::verify(config_.campaigns.unsubscribeSecret, tokenOf(request))) {
        return htmlResponse(404, "Unsubscribe", "<p>Эта ссылка для отписки недействительна.</p>"
                                                "<p>This unsubscribe link is not valid.</p>");
    }
    // A GET changes nothing (mail scanners open links): the client confirms with the button, as RFC 8058's POST.
    return htmlResponse(200, "Unsubscribe",
                        "<p>Отписаться от наших рассылок? / Unsubscribe from our campaigns?</p>"
                        "<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                        "<button type=\"submit\">Отписаться / Unsubscribe</button></form>");
}

HttpResponse CampaignsApi::unsubscribe(const HttpRequest& request) {
    // Answered as a page: a person pressing the button reads it, as a mail client ignores it.
    const auto recipientId = UnsubscribeToken::verify(config_.campaigns.unsubscribeSecret, tokenOf(request));
    if (!recipientId) {
        return htmlResponse(404, "Unsubscribe", "<p>Эта ссылка для отписки недействительна.</p>"
                                                "<p>This unsubscribe link is not valid.</p>");
    }
    bool known = false;
    transactions_.run([&](DbSession& session) {
        const auto recipient = CampaignRecipientStore(session).find(*recipientId);
        if (!recipient) return;  // its campaign was deleted since: nobody to opt out
        known = true;
        CampaignOptOutStore(session).optOut(recipient->clientId, "unsubscribe", recipient->campaignId);
    });
    if (!known) {
        return htmlResponse(404, "Unsubscribe", "<p>Эта рассылка удалена.</p><p>This campaign was deleted.</p>");
    }
    return htmlResponse(200, "Unsubscribed", "<p>Вы отписаны от наших рассылок.</p>"
                                             "<p>You are unsubscribed from our campaigns.</p>");
}

}  // namespace omnigate
