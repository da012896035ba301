#include "whatsapp_plugin.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <sstream>

#include "customer_service_window.h"
#include "hub_signature.h"
#include "media_fetcher.h"
#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/secrets.h"

OMNIGATE_PLUGIN(omnigate::whatsapp::WhatsappPlugin)

namespace omnigate::whatsapp {

namespace {

constexpr std::size_t recentCapacity = 4096;
constexpr std::size_t historyDepth = 200;         // messages read back to find the client's latest one
constexpr std::size_t maximumChallengeLength = 1024;
constexpr std::int64_t maximumRetryDelaySeconds = 3600;

std::int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string pendingNote(const std::string& kind) {
    return "(the " + kind + " is still being downloaded from WhatsApp; it is attached as soon as it arrives)";
}

std::string withNote(const std::string& text, const std::string& note) {
    return text.empty() ? note : text + "\n" + note;
}

std::string jsonText(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

DeliveryStatus deliveryStatusOf(const std::string& status) {
    if (status == "sent") return DeliveryStatus::Sent;
    if (status == "delivered") return DeliveryStatus::Delivered;
    if (status == "read") return DeliveryStatus::Read;
    return DeliveryStatus::Failed;
}

// Meta's template review events in the registry's four statuses; empty: no change (FLAGGED only warns).
std::string registryStatusOf(const std::string& event) {
    if (event == "APPROVED" || event == "REINSTATED") return "APPROVED";
    if (event == "PENDING" || event == "IN_APPEAL") return "PENDING";
    if (event == "PAUSED") return "PAUSED";
    if (event == "REJECTED" || event == "DISABLED" || event == "DELETED" || event == "PENDING_DELETION" ||
        event == "ARCHIVED") {
        return "REJECTED";
    }
    return {};
}

}  // namespace

WhatsappPlugin::WhatsappPlugin() = default;

WhatsappPlugin::~WhatsappPlugin() { stop(); }

LoadResult WhatsappPlugin::load(ChannelHost& host) {
    host_ = &host;
    if (host.accounts().empty()) return LoadResult::decline("no whatsapp accounts configured");
    for (const AccountConfig& account : host.accounts()) {
        if (!accounts_.emplace(account.id, parseWhatsappConfig(account.settings)).second) {
            return LoadResult::failure("the whatsapp account '" + account.id +
                                       "' is configured twice: give every account its own id");
        }
    }
    templates_ = std::make_unique<TemplateRegistry>(host);
    sender_ = std::make_unique<WhatsappSender>(host, stopping_);
    pending_ = std::make_unique<PendingMedia>(host);

    auto guarded = [this](HttpResponse (WhatsappPlugin::*handler)(const HttpRequest&)) -> HttpHandler {
        return [this, handler](const HttpRequest& request) {
            try {
                return (this->*handler)(request);
            } catch (const Poco::Exception& e) {
                host_->log(LogLevel::Error, "whatsapp: " + request.method + " " + request.path + " failed: " +
                                                e.displayText());
                throw ApiError(500, "internal_error",
                               "the whatsapp channel failed on this request; see the daemon's log");
            }
        };
    };
    host.addRoute("GET", "/webhooks/whatsapp/{account}", guarded(&WhatsappPlugin::verifySubscription));
    host.addRoute("POST", "/webhooks/whatsapp/{account}", guarded(&WhatsappPlugin::receiveWebhook));
    templates_->registerRoutes();

    std::string ids;
    for (const auto& account : accounts_) ids += (ids.empty() ? "" : ", ") + account.first;
    // No call to Meta here: an unreachable Graph API must not keep the daemon from starting.
    host.log(LogLevel::Info, "whatsapp: serving account(s) " + ids + " at /webhooks/whatsapp/{account}");
    return LoadResult::success();
}

void WhatsappPlugin::start() {
    if (accounts_.empty()) return;  // declined: nothing to retry
    stopping_ = false;
    std::chrono::seconds idle = std::chrono::seconds(60);
    for (const auto& account : accounts_) {
        host_->setReadiness(account.first, true, "");
        idle = std::min(idle, account.second.mediaRetryInterval);
    }
    mediaRetries_ = std::make_unique<PollingThread>(std::chrono::duration_cast<std::chrono::milliseconds>(idle));
    mediaRetries_->start([this] {
        retryPendingMedia();
        return std::size_t{0};  // wait for the next interval either way: the due times are in the items
    },
                         [this](const std::exception& e) {
                             host_->log(LogLevel::Warning, std::string("whatsapp: retrying media failed: ") + e.what());
                         });
}

void WhatsappPlugin::stop() {
    stopping_ = true;
    if (mediaRetries_) mediaRetries_->stop();
}

const WhatsappConfig& WhatsappPlugin::configOf(const std::string& account) const {
    const auto found = accounts_.find(account);
    if (found == accounts_.end()) {
        throw ApiError(404, "unknown_account", "no whatsapp account '" + account + "' is configured");
    }
    return found->second;
}

std::string WhatsappPlugin::accountFor(const std::string& urlAccount, const std::string& phoneNumberId,
                                      const std::set<std::string>& signers, const std::string& what) const {
    if (phoneNumberId.empty() || configOf(urlAccount).phoneNumberId == phoneNumberId) return urlAccount;
    // One Meta app delivers the webhooks of all its numbers to one callback URL, signed with that app's secret: a
    // number of another app's account is only believed from a webhook that app's secret signed.
    std::string otherApp;
    for (const auto& [id, config] : accounts_) {
        if (config.phoneNumberId != phoneNumberId) continue;
        if (signers.count(id) != 0) return id;
        otherApp = id;
    }
    host_->log(LogLevel::Warning,
               "whatsapp: " + urlAccount + ": " + what + " is for phone number id " + phoneNumberId +
                   (otherApp.empty() ? ", which no account has"
                                      : " of account " + otherApp + ", whose app_secret did not sign this webhook") +
                   ": dropped");
    return {};
}

HttpResponse WhatsappPlugin::verifySubscription(const HttpRequest& request) {
    const WhatsappConfig& config = configOf(request.param("account"));
    const std::string mode = request.queryParam("hub.mode");
    const std::string token = request.queryParam("hub.verify_token");
    const std::string challenge = request.queryParam("hub.challenge");
    if (mode != "subscribe" || !constantTimeEquals(token, config.verifyToken) || challenge.empty() ||
        challenge.size() > maximumChallengeLength) {
        throw ApiError(403, "verification_failed",
                       "the webhook check needs hub.mode=subscribe, this account's verify_token as hub.verify_token "
                       "and a hub.challenge");
    }
    HttpResponse response;
    response.status = 200;
    response.contentType = "text/plain";
    response.body = challenge;
    return response;
}

HttpResponse WhatsappPlugin::receiveWebhook(const HttpRequest& request) {
    const std::string urlAccount = request.param("account");
    const WhatsappConfig& config = configOf(urlAccount);
    const std::string signature = request.header("x-hub-signature-256");
    if (signature.empty()) {
        throw ApiError(401, "missing_signature", "the webhook carries no X-Hub-Signature-256 header");
    }
    if (!verifyHubSignature(config.appSecret, request.body, signature)) {
        host_->log(LogLevel::Warning, "whatsapp: " + urlAccount + ": refused a webhook with a wrong signature from " +
                                          request.remoteAddress);
        throw ApiError(401, "invalid_signature",
                       "X-Hub-Signature-256 does not match the body: check the account's app_secret");
    }

    WebhookPayload payload;
    try {
        payload = parseWebhookPayload(request.body);
    } catch (const PayloadError& e) {
        throw ApiError(400, "invalid_payload", std::string("not a WhatsApp webhook: ") + e.what());
    }
    std::set<std::string> signers;
    for (const auto& [id, other] : accounts_) {
        if (id == urlAccount || verifyHubSignature(other.appSecret, request.body, signature)) signers.insert(id);
    }
    std::size_t skipped = payload.notes.size();
    for (const std::string& note : payload.notes) host_->log(LogLevel::Info, "whatsapp: " + urlAccount + ": " + note);

    std::size_t stored = 0;
    for (const ParsedMessage& message : payload.messages) {
        const std::string account = accountFor(urlAccount, message.phoneNumberId, signers, "message " + message.wamid);
        if (account.empty()) {
            ++skipped;
            continue;
        }
        storeMessage(account, configOf(account), message);
        ++stored;
    }
    std::size_t statuses = 0;
    for (const ParsedStatus& status : payload.statuses) {
        const std::string account =
            accountFor(urlAccount, status.phoneNumberId, signers, "the status of message " + status.wamid);
        if (account.empty()) {
            ++skipped;
            continue;
        }
        StatusUpdate update;
        update.account = account;
        update.externalId = status.wamid;
        update.status = deliveryStatusOf(status.status);
        update.errorCode = status.errorCode;
        update.errorText = status.errorText;
        host_->updateDeliveryStatus(update);
        ++statuses;
    }
    for (const TemplateStatusChange& change : payload.templateChanges) {
        const std::string status = registryStatusOf(change.event);
        if (status.empty()) {
            host_->log(LogLevel::Info, "whatsapp: template " + change.name + "/" + change.language + ": Meta's event " +
                                           change.event + " leaves its status as it is");
            continue;
        }
        switch (templates_->applyReview(change.name, change.language, status, signers)) {
            case ReviewOutcome::Applied:
                host_->log(LogLevel::Info, "whatsapp: template " + change.name + "/" + change.language + " is " +
                                               status + " after Meta's " + change.event + " (reason: " +
                                               change.reason + ")");
                break;
            case ReviewOutcome::NotRegistered:
                host_->log(LogLevel::Info, "whatsapp: Meta reviewed template " + change.name + "/" + change.language +
                                               " (" + change.event + "), which is not in the registry: ignored");
                ++skipped;
                break;
            case ReviewOutcome::NotTheSigners:
                host_->log(LogLevel::Warning, "whatsapp: " + urlAccount + ": a review of template " + change.name +
                                                  "/" + change.language + " (" + change.event + ") came signed by "
                                                  "no account the template is registered for: dropped");
                ++skipped;
                break;
        }
    }
    Poco::JSON::Object reply(Poco::JSON_PRESERVE_KEY_ORDER);
    reply.set("messages", static_cast<Poco::UInt64>(stored));
    reply.set("statuses", static_cast<Poco::UInt64>(statuses));
    reply.set("skipped", static_cast<Poco::UInt64>(skipped));
    return HttpResponse::json(200, jsonText(reply));
}

std::mutex& WhatsappPlugin::stripeFor(const std::string& key) {
    return stripes_[std::hash<std::string>{}(key) % stripes_.size()];
}

bool WhatsappPlugin::recentlyStored(const std::string& key) {
    std::lock_guard<std::mutex> lock(recentMutex_);
    return recent_.count(key) != 0;
}

void WhatsappPlugin::rememberStored(const std::string& key) {
    std::lock_guard<std::mutex> lock(recentMutex_);
    if (!recent_.insert(key).second) return;
    recentOrder_.push_back(key);
    if (recentOrder_.size() > recentCapacity) {
        recent_.erase(recentOrder_.front());
        recentOrder_.pop_front();
    }
}

void WhatsappPlugin::storeMessage(const std::string& account, const WhatsappConfig& config,
                                  const ParsedMessage& message) {
    InboundMessage in;
    in.account = account;
    in.externalId = message.wamid;
    if (!message.phone.empty()) {
        in.from = Address{"whatsapp", message.phone};
        // The user id too, so a later message that names only the user id finds the same client.
        if (!message.userId.empty()) in.contacts.push_back(Address{"whatsapp_user", message.userId});
    } else {
        in.from = Address{"whatsapp_user", message.userId};
    }
    in.clientName = message.profileName;
    in.text = message.text;

    const std::string key = account + "\n" + message.wamid;
    std::lock_guard<std::mutex> sameMessage(stripeFor(key));
    bool addedPending = false;
    if (message.hasMedia && !recentlyStored(key)) {
        if (pending_->has(account, message.wamid)) {
            in.text = withNote(message.text, pendingNote(message.media.kind));  // already being retried
        } else {
            GraphApiClient client(config, stopping_);
            const FetchedMedia media = fetchMedia(client, config, message.media.mediaId, message.media.mimeType);
            std::string failure = media.error;
            bool permanent = media.permanent;
            if (media.ok) {
                try {
                    in.attachments.push_back(host_->storeFile(media.bytes, media.mimeType, message.media.fileName));
                } catch (const ApiError& e) {
                    if (e.status() >= 500) throw;  // the store is down: Meta retries the whole webhook later
                    failure = std::string("the file store refused it: ") + e.what();
                    permanent = true;
                }
            }
            if (in.attachments.empty()) {
                host_->log(LogLevel::Warning, "whatsapp: " + account + ": the " + message.media.kind + " of " +
                                                  message.wamid + ": " + failure);
                if (permanent) {
                    in.text = withNote(message.text,
                                       "(the " + message.media.kind + " could not be kept: " + failure + ")");
                } else {
                    PendingMediaItem item;
                    item.account = account;
                    item.wamid = message.wamid;
                    item.mediaId = message.media.mediaId;
                    item.kind = message.media.kind;
                    item.mimeType = message.media.mimeType;
                    item.fileName = message.media.fileName;
                    item.finalText = message.text;
                    item.attempts = 1;
                    item.nextAttemptAt = unixNow() + config.mediaRetryInterval.count();
                    item.lastError = failure;
                    // Durable before the message is: the retry can never be forgotten for a stored message.
                    pending_->put(item);
                    addedPending = true;
                    in.text = withNote(message.text, pendingNote(message.media.kind));
                }
            }
        }
    }

    const SubmitResult result = host_->submitInbound(in);
    rememberStored(key);
    if (result.duplicate && addedPending) {
        // The first delivery of this wamid was stored with its media (or gave it up): nothing is pending.
        pending_->erase(account, message.wamid);
    }
}

std::size_t WhatsappPlugin::retryPendingMedia() {
    std::size_t attached = 0;
    if (!pending_) return attached;
    const std::int64_t now = unixNow();
    for (PendingMediaItem& item : pending_->all()) {
        if (stopping_) break;
        if (item.nextAttemptAt > now) continue;
        const auto found = accounts_.find(item.account);
        if (found == accounts_.end()) {
            host_->log(LogLevel::Warning, "whatsapp: pending media of " + item.wamid + " belongs to account '" +
                                              item.account + "', which is no longer configured: dropped");
            pending_->erase(item.account, item.wamid);
            continue;
        }
        const WhatsappConfig& config = found->second;
        try {
            std::lock_guard<std::mutex> sameMessage(stripeFor(item.account + "\n" + item.wamid));
            GraphApiClient client(config, stopping_);
            const FetchedMedia media = fetchMedia(client, config, item.mediaId, item.mimeType);
            std::string failure = media.error;
            bool permanent = media.permanent;
            if (media.ok) {
                Attachment attachment;
                try {
                    attachment = host_->storeFile(media.bytes, media.mimeType, item.fileName);
                } catch (const ApiError& e) {
                    if (e.status() >= 500) throw;
                    failure = std::string("the file store refused it: ") + e.what();
                    permanent = true;
                }
                if (!attachment.fileId.empty()) {
                    InboundAmendment amendment;
                    amendment.account = item.account;
                    amendment.externalId = item.wamid;
                    amendment.replaceText = true;
                    amendment.byClient = false;  // our placeholder goes: the client did not edit anything
                    amendment.text = item.finalText;
                    amendment.addAttachments.push_back(attachment);
                    if (host_->amendInbound(amendment)) {
                        pending_->erase(item.account, item.wamid);
                        host_->log(LogLevel::Info, "whatsapp: " + item.account + ": the " + item.kind + " of " +
                                                       item.wamid + " arrived after " +
                                                       std::to_string(item.attempts + 1) + " attempts and is attached");
                        ++attached;
                        continue;
                    }
                    failure = "its message is not stored (yet)";
                }
            }
            ++item.attempts;
            item.lastError = failure;
            if (permanent || item.attempts >= config.mediaMaxAttempts) {
                InboundAmendment amendment;
                amendment.account = item.account;
                amendment.externalId = item.wamid;
                amendment.replaceText = true;
                amendment.byClient = false;
                amendment.text = withNote(item.finalText, "(the " + item.kind + " could not be downloaded from "
                                                          "WhatsApp: " + failure + ")");
                host_->amendInbound(amendment);
                pending_->erase(item.account, item.wamid);
                host_->log(LogLevel::Warning, "whatsapp: " + item.account + ": gave up the " + item.kind + " of " +
                                                  item.wamid + " after " + std::to_string(item.attempts) +
                                                  " attempts: " + failure);
                continue;
            }
            const std::int64_t shift = std::min(item.attempts - 1, 12);
            item.nextAttemptAt = now + std::min<std::int64_t>(config.mediaRetryInterval.count() << shift,
                                                              maximumRetryDelaySeconds);
            pending_->put(item);
        } catch (const std::exception& e) {
            host_->log(LogLevel::Warning, "whatsapp: retrying the " + item.kind + " of " + item.wamid +
                                              " failed: " + e.what());
        }
    }
    return attached;
}

void WhatsappPlugin::prepareOutbound(OutboundMessage& message) {
    if (!message.visibility.empty()) {
        throw ApiError::badRequest("'visibility': WhatsApp has no public answers; leave it out");
    }
    if (accounts_.count(message.account) == 0) return;  // send() fails it with a reason

    if (!message.templateName.empty()) {
        if (message.templateLanguage.empty()) {
            throw ApiError::badRequest("'template.language' is required: the language code the template was "
                                       "approved in, such as en_US");
        }
        if (!message.attachments.empty()) {
            throw ApiError::badRequest("'attachments': a WhatsApp template message carries no attachments");
        }
        const std::optional<WhatsappTemplate> t = templates_->find(message.templateName, message.templateLanguage);
        if (!t) {
            throw ApiError(400, "unknown_template",
                           "'template.name': no WhatsApp template '" + message.templateName + "' in language '" +
                               message.templateLanguage + "' is registered (see /api/v1/whatsapp/templates)");
        }
        if (t->status != "APPROVED") {
            throw ApiError(400, "template_not_approved",
                           "'template.name': the WhatsApp template '" + t->name + "' (" + t->language + ") is " +
                               t->status + "; WhatsApp delivers only APPROVED templates");
        }
        if (!t->usableBy(message.account)) {
            throw ApiError(400, "template_not_for_account",
                           "'template.name': the WhatsApp template '" + t->name + "' is not registered for account '" +
                               message.account + "'");
        }
        const int expected = parameterCount(t->body);
        if (static_cast<int>(message.templateParameters.size()) != expected) {
            throw ApiError(400, "template_parameters",
                           "'template.parameters': the WhatsApp template '" + t->name + "' takes " +
                               std::to_string(expected) + " parameter(s) ({{1}}..{{" + std::to_string(expected) +
                               "}}), got " + std::to_string(message.templateParameters.size()));
        }
        for (std::size_t i = 0; i < message.templateParameters.size(); ++i) {
            if (message.templateParameters[i].empty()) {
                throw ApiError(400, "template_parameters",
                               "'template.parameters[" + std::to_string(i) + "]' must not be empty");
            }
        }
        message.text = renderTemplate(t->body, message.templateParameters);
        return;
    }

    const WindowState window = customerServiceWindow(host_->history(message.account, message.to, historyDepth),
                                                     std::chrono::system_clock::now());
    if (!window.open) {
        std::string when = "has never written to this WhatsApp number";
        if (window.lastInbound) {
            const auto hours = std::chrono::duration_cast<std::chrono::hours>(std::chrono::system_clock::now() -
                                                                              *window.lastInbound)
                                   .count();
            when = "last wrote " + std::to_string(hours) + " hours ago";
        }
        throw ApiError(409, "outside_customer_service_window",
                       "the client " + when + ": WhatsApp delivers free text and media only within 24 hours of the "
                       "client's last message, so use an approved WhatsApp template (\"template\": {\"name\", "
                       "\"language\", \"parameters\"})");
    }
}

SendResult WhatsappPlugin::send(const OutboundMessage& message) {
    const auto found = accounts_.find(message.account);
    if (found == accounts_.end()) {
        SendResult result;
        result.status = DeliveryStatus::Failed;
        result.errorCode = "unknown_account";
        result.errorText = "no whatsapp account '" + message.account + "' is configured";
        return result;
    }
    return sender_->send(message.account, found->second, message);
}

}  // namespace omnigate::whatsapp
