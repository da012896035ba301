// A small working channel for the host's tests: it validates its accounts' settings like a real plugin (so config
// errors from inside a plugin can be checked), registers a route that echoes what it was given, one that throws
// (the host must contain it), a timer whose ticks a route reports, and answers send() without a provider. Its
// /test/echo/{account}/host/… routes hand query parameters to the ChannelHost calls a channel makes (submit, amend,
// close, system message, client lookup, delivery reports) and list the interaction updates it was told of, for the e2e tests.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/plugin.h"

namespace {

using namespace omnigate;

class EchoPlugin : public ChannelPlugin {
public:
    std::string name() const override { return "echo"; }

    LoadResult load(ChannelHost& host) override {
        for (const AccountConfig& account : host.accounts()) {
            account.settings.expectKeys({"greeting"});
            greetings_[account.id] = account.settings.getString("greeting");
        }
        host.addRoute("GET", "/test/echo/{account}", [this](const HttpRequest& request) {
            const auto it = greetings_.find(request.param("account"));
            if (it == greetings_.end()) throw ApiError::notFound("no echo account '" + request.param("account") + "'");
            HttpResponse response;
            response.contentType = "text/plain";
            response.body = "account=" + it->first + " greeting=" + it->second + " x-echo=" + request.header("x-echo");
            return response;
        });
        host.addRoute("GET", "/test/echo/{account}/throw",
                      [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom in a handler"); });
        host.addRoute("GET", "/test/echo/{account}/ticks", [this](const HttpRequest&) {
            HttpResponse response;
            response.contentType = "text/plain";
            response.body = std::to_string(ticks_.load());
            return response;
        });
        addHostRoutes(host);
        host_ = &host;
        return LoadResult::success();
    }

    void onInteractionUpdate(const InteractionUpdate& update) override {
        std::lock_guard lock(updatesMutex_);
        updates_ += std::to_string(update.interactionId) + " " + update.status + " " + update.operatorId + " " +
                    update.resolution + "\n";
    }

    // A template named "greeting" is the account's greeting followed by its parameters; the rest as by default.
    void prepareOutbound(OutboundMessage& message) override {
        if (message.templateName != "greeting") return ChannelPlugin::prepareOutbound(message);
        if (!message.visibility.empty()) throw ApiError::badRequest("'visibility': echo has no public answers");
        std::string text = greetings_.at(message.account);
        for (const std::string& p : message.templateParameters) text += " " + p;
        message.text = text;
    }

    void start() override {
        host_->addTimer(std::chrono::milliseconds(20), [this] { ++ticks_; });
        // A timer task that throws must not stop the timer thread or reach the daemon.
        host_->addTimer(std::chrono::milliseconds(20), [] { throw std::runtime_error("boom in a timer"); });
    }

    SendResult send(const OutboundMessage& message) override {
        SendResult result;
        result.status = DeliveryStatus::Sent;
        result.externalId = "echo:" + std::to_string(message.messageId);
        return result;
    }

private:
    static std::int64_t number(const HttpRequest& request, const std::string& name) {
        const std::string text = request.queryParam(name);
        return text.empty() ? 0 : std::stoll(text);
    }

    static HttpResponse text(std::string body) {
        HttpResponse response;
        response.contentType = "text/plain";
        response.body = std::move(body);
        return response;
    }

    void addHostRoutes(ChannelHost& host) {
        host.addRoute("POST", "/test/echo/{account}/host/inbound", [&host](const HttpRequest& request) {
            InboundMessage m;
            m.account = request.param("account");
            m.externalId = request.queryParam("id");
            const std::string kind = request.queryParam("kind");
            m.from = Address{kind.empty() ? "echo" : kind, request.queryParam("from")};
            if (!request.queryParam("email").empty()) m.contacts.push_back({"email", request.queryParam("email")});
            m.text = request.queryParam("text");
            m.threadKey = request.queryParam("thread");
            m.interactionId = number(request, "pin");
            const SubmitResult stored = host.submitInbound(m);
            return text("message=" + std::to_string(stored.message.id) +
                        " interaction=" + std::to_string(stored.message.interactionId) +
                        " duplicate=" + (stored.duplicate ? "1" : "0"));
        });
        host.addRoute("POST", "/test/echo/{account}/host/amend", [&host](const HttpRequest& request) {
            InboundAmendment a;
            a.account = request.param("account");
            a.externalId = request.queryParam("id");
            a.replaceText = !request.queryParam("text").empty();
            a.text = request.queryParam("text");
            a.deleted = request.queryParam("deleted") == "1";
            a.byClient = request.queryParam("by_client") != "0";
            return text(host.amendInbound(a) ? "found" : "unknown");
        });
        host.addRoute("POST", "/test/echo/{account}/host/close", [&host](const HttpRequest& request) {
            host.closeInteraction(number(request, "interaction"), request.queryParam("resolution"),
                                  request.queryParam("reason"));
            return text("closed");
        });
        host.addRoute("POST", "/test/echo/{account}/host/note", [&host](const HttpRequest& request) {
            const StoredMessage note =
                host.addSystemMessage(number(request, "interaction"), request.queryParam("text"), {});
            return text("message=" + std::to_string(note.id));
        });
        host.addRoute("POST", "/test/echo/{account}/host/status", [&host](const HttpRequest& request) {
            StatusUpdate u;
            u.account = request.param("account");
            u.externalId = request.queryParam("id");
            const std::string status = request.queryParam("status");
            u.status = status == "sent"        ? DeliveryStatus::Sent
                       : status == "delivered" ? DeliveryStatus::Delivered
                       : status == "read"      ? DeliveryStatus::Read
                                               : DeliveryStatus::Failed;
            if (u.status == DeliveryStatus::Failed) u.errorCode = "test_failure";
            host.updateDeliveryStatus(u);
            return text("reported");
        });
        host.addRoute("GET", "/test/echo/{account}/host/client", [&host](const HttpRequest& request) {
            const auto id = host.clientIdByAddress(Address{request.queryParam("kind"), request.queryParam("value")});
            if (!id) throw ApiError::notFound("no client at that address");
            return text(std::to_string(*id));
        });
        host.addRoute("GET", "/test/echo/{account}/host/updates", [this](const HttpRequest&) {
            std::lock_guard lock(updatesMutex_);
            return text(updates_);
        });
    }

    ChannelHost* host_ = nullptr;
    std::mutex updatesMutex_;
    std::string updates_;  // "<interaction> <status> <operator> <resolution>" lines, in the order told
    std::atomic<int> ticks_{0};
    std::map<std::string, std::string> greetings_;  // account id -> greeting; written in load(), read afterwards
};

}  // namespace

OMNIGATE_PLUGIN(EchoPlugin)
