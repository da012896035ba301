#include "vk_plugin.h"

#include <curl/curl.h>

#include <algorithm>

#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/secrets.h"

OMNIGATE_PLUGIN(omnigate::vk::VkPlugin)

namespace omnigate::vk {

namespace {

HttpResponse text(const std::string& body) {
    HttpResponse r;
    r.status = 200;
    r.contentType = "text/plain; charset=utf-8";
    r.body = body;
    return r;
}

}  // namespace

VkPlugin::VkPlugin() { curl_global_init(CURL_GLOBAL_DEFAULT); }

VkPlugin::~VkPlugin() {
    stop();
    curl_global_cleanup();
}

LoadResult VkPlugin::load(ChannelHost& host) {
    host_ = &host;
    if (host.accounts().empty()) return LoadResult::decline("no vk accounts configured");
    for (const AccountConfig& account : host.accounts()) {
        if (!accounts_.add(account.id, parseVkConfig(account.settings))) {
            return LoadResult::failure("the vk account '" + account.id +
                                       "' is configured twice: give every account its own id");
        }
    }
    media_ = std::make_unique<VkMediaFetcher>(host, accounts_, stopping_);
    inbound_ = std::make_unique<VkInbound>(host, accounts_, *media_, stopping_);
    sender_ = std::make_unique<VkSender>(host, accounts_, stopping_);

    host.addRoute("POST", "/webhooks/vk/{account}", [this](const HttpRequest& request) { return callback(request); });
    std::string ids;
    for (VkAccount* account : accounts_.all()) {
        ids += (ids.empty() ? "" : ", ") + account->id + " (group " + std::to_string(account->config.groupId) + ", " +
               (account->config.mode == VkMode::Callback ? "callback" : "longpoll") + ")";
        // Ready until VK says otherwise: the daemon must start even when VK cannot be reached.
        host.setReadiness(account->id, true, "");
    }
    host.log(LogLevel::Info, "vk: serving account(s) " + ids + "; Callback API at /webhooks/vk/{account}");
    return LoadResult::success();
}

void VkPlugin::start() {
    stopping_ = false;
    for (VkAccount* account : accounts_.all()) {
        if (account->config.mode != VkMode::LongPoll) continue;
        longPolls_.push_back(std::make_unique<VkLongPoll>(*host_, *account, *inbound_));
        longPolls_.back()->start();
    }
    // The shortest interval of any account: each entry carries its own due time.
    auto interval = std::chrono::seconds(3600);
    for (VkAccount* account : accounts_.all()) interval = std::min(interval, account->config.mediaRetryInterval);
    mediaRetry_ = std::make_unique<PollingThread>(interval);
    mediaRetry_->start([this] { return media_->retryDue(); },
                       [this](const std::exception& e) {
                           host_->log(LogLevel::Warning,
                                      std::string("vk: retrying media downloads failed: ") + e.what());
                       });
}

void VkPlugin::stop() {
    stopping_ = true;
    for (auto& poll : longPolls_) poll->stop();
    longPolls_.clear();
    if (mediaRetry_) mediaRetry_->stop();
}

HttpResponse VkPlugin::callback(const HttpRequest& request) {
    const std::string id = request.param("account");
    VkAccount* account = accounts_.find(id);
    if (account == nullptr) throw ApiError(404, "unknown_account", "no vk account '" + id + "' is configured");
    if (account->config.mode != VkMode::Callback) {
        throw ApiError(404, "unknown_account",
                       "the vk account '" + id + "' receives events by Long Poll, not by the Callback API");
    }
    VkEvent event;
    try {
        event = parseVkEvent(request.body);
    } catch (const VkParseError& e) {
        throw ApiError::badRequest(std::string("not a VK Callback API event: ") + e.what());
    }
    if (event.action == VkEvent::Action::Confirmation) {
        // VK sends no secret with the confirmation: the group is the only thing to check.
        if (event.groupId != account->config.groupId) {
            throw ApiError(403, "wrong_group", "the confirmation is for group " + std::to_string(event.groupId) +
                                                   ", the account '" + id + "' is group " +
                                                   std::to_string(account->config.groupId));
        }
        host_->log(LogLevel::Info, "vk: account '" + id + "': answered VK's server confirmation");
        return text(account->config.confirmation);
    }
    if (!constantTimeEquals(event.secret, account->config.secret)) {
        throw ApiError(403, "wrong_secret", "the event's 'secret' does not match the account's secret");
    }
    if (event.groupId != account->config.groupId) {
        throw ApiError(403, "wrong_group", "the event is for group " + std::to_string(event.groupId) +
                                               ", the account '" + id + "' is group " +
                                               std::to_string(account->config.groupId));
    }
    inbound_->handle(*account, event);  // throws (503) when the store is down: VK will send it again
    return text("ok");
}

SendResult VkPlugin::send(const OutboundMessage& message) { return sender_->send(message); }

void VkPlugin::prepareOutbound(OutboundMessage& message) {
    if (!message.templateName.empty()) {
        throw ApiError::badRequest("'template': the vk channel has no message templates; send free text");
    }
    if (message.visibility.empty()) return;
    if (message.visibility != "public" && message.visibility != "private") {
        throw ApiError::badRequest("'visibility' must be 'public' or 'private', got '" + message.visibility + "'");
    }
    if (!sender_->publicTarget(message.interactionId)) {
        throw ApiError::badRequest("'visibility': this interaction is a private conversation, not a public appeal; "
                                   "leave 'visibility' out");
    }
}

}  // namespace omnigate::vk
