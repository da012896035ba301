#include "whatsapp_sender.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <set>
#include <sstream>
#include <thread>

#include "omnigate/support/json_fields.h"
#include "omnigate/sdk/address_rule.h"

namespace omnigate::whatsapp {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// Documented throttling codes: 4 (app calls), 80007 (WABA rate limit), 130429 (throughput), 131056 (pair rate).
const std::set<std::string>& rateLimitCodes() {
    static const std::set<std::string> codes{"4", "80007", "130429", "131056"};
    return codes;
}

std::string stringify(const Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

Object::Ptr newObject() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

// The recipient: a phone number in "to" (digits only), a business-scoped user id in "recipient".
Object::Ptr envelope(const Address& to, const std::string& type) {
    Object::Ptr o = newObject();
    o->set("messaging_product", std::string("whatsapp"));
    o->set("recipient_type", std::string("individual"));
    if (to.kind == "whatsapp_user") {
        o->set("recipient", to.value);
    } else {
        o->set("to", phoneDigits(to.value));
    }
    o->set("type", type);
    return o;
}

bool captionable(const std::string& mediaType) {
    return mediaType == "image" || mediaType == "video" || mediaType == "document";
}

SendResult failed(const std::string& code, const std::string& text, const std::string& externalId = "") {
    SendResult r;
    r.status = DeliveryStatus::Failed;
    r.errorCode = code;
    r.errorText = text;
    r.externalId = externalId;
    return r;
}

// A whole message that Meta refused: transient when nothing of it went out.
SendResult failed(const WhatsappSender::Outcome& outcome) {
    SendResult r = failed(outcome.errorCode, outcome.errorText);
    r.transient = outcome.transient;
    return r;
}

}  // namespace

std::string WhatsappSender::mediaTypeOf(const std::string& mimeType) {
    const std::string base = mimeType.substr(0, mimeType.find(';'));
    if (base == "image/jpeg" || base == "image/png") return "image";
    if (base == "video/mp4" || base == "video/3gpp") return "video";
    if (base.rfind("audio/", 0) == 0) return "audio";
    return "document";  // anything else reaches the client as a file to open
}

void WhatsappSender::setReady(const std::string& account, bool ready, const std::string& reason) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const bool wasReady = notReady_.count(account) == 0;
        if (ready) notReady_.erase(account);
        else notReady_.insert(account);
        if (wasReady == ready) return;  // no change worth telling the host about
    }
    host_.setReadiness(account, ready, reason);
}

bool WhatsappSender::sleepUnlessStopping(std::chrono::milliseconds delay) const {
    const auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until) {
        if (cancel_.load()) return false;
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
            std::chrono::milliseconds(20),
            std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()) +
                std::chrono::milliseconds(1)));
    }
    return !cancel_.load();
}

WhatsappSender::Outcome WhatsappSender::call(const std::string& account, const WhatsappConfig& config,
                                             const std::string& what, const std::function<GraphResponse()>& request,
                                             const std::string& idPath) {
    Outcome outcome;
    std::chrono::milliseconds backoff = config.retryBackoff;
    for (int attempt = 1; attempt <= config.sendAttempts; ++attempt) {
        const GraphResponse response = request();
        if (response.ok()) {
            const Object::Ptr body = support::parseObject(response.body);
            if (idPath == "messages") {
                if (body && body->has("messages") && body->get("messages").type() == typeid(Array::Ptr)) {
                    const Array::Ptr messages = body->getArray("messages");
                    if (messages->size() > 0 && messages->get(0).type() == typeid(Object::Ptr)) {
                        outcome.id = support::stringOr(messages->getObject(0), "id");
                    }
                }
            } else {
                outcome.id = support::stringOr(body, "id");
            }
            if (outcome.id.empty()) {
                outcome.errorCode = "bad_response";
                outcome.errorText = what + ": the Graph API answered " + std::to_string(response.httpStatus) +
                                    " without an id";
                return outcome;
            }
            setReady(account, true, "");
            outcome.ok = true;
            return outcome;
        }

        const GraphError error = graphErrorOf(response.body);
        const bool rateLimited = rateLimitCodes().count(error.code) != 0 || response.httpStatus == 429;
        const bool serverError = response.httpStatus >= 500 || response.connectFailed;
        if (rateLimited || serverError) {
            outcome.errorCode = !error.code.empty() ? error.code
                                : response.httpStatus != 0 ? "http_" + std::to_string(response.httpStatus)
                                                           : "unreachable";
            std::string why;
            if (rateLimited) {
                why = "WhatsApp's rate limit (" + error.message + ")";
            } else if (!response.transportError.empty()) {
                why = "the Graph API is unreachable (" + response.transportError + ")";
            } else {
                why = "the Graph API failed (HTTP " + std::to_string(response.httpStatus) +
                      (error.message.empty() ? "" : ": " + error.message) + ")";
            }
            outcome.errorText = what + ": " + why + "; gave up after " + std::to_string(attempt) + " attempt(s)";
            // A 5xx may come after Meta took the message; a rate limit or no connection surely did not.
            outcome.transient = rateLimited || response.connectFailed;
            if (attempt < config.sendAttempts) {
                host_.log(LogLevel::Warning, "whatsapp: " + account + ": " + what + " failed (" + outcome.errorCode +
                                                 "), trying again in " + std::to_string(backoff.count()) + " ms");
                if (!sleepUnlessStopping(backoff)) {
                    outcome.errorText = what + ": not sent, the daemon is stopping";
                    return outcome;
                }
                backoff *= 2;
                continue;
            }
            return outcome;
        }
        if (!response.transportError.empty()) {
            // The request may have reached Meta: trying again could deliver it twice.
            outcome.errorCode = "unreachable";
            outcome.errorText = what + ": " + response.transportError;
            return outcome;
        }
        outcome.errorCode = error.code.empty() ? "http_" + std::to_string(response.httpStatus) : error.code;
        if (error.code == "131047") {
            outcome.errorText = "more than 24 hours have passed since the client last wrote, so WhatsApp delivers "
                                "only an approved template now: send one (\"template\": {\"name\", \"language\", "
                                "\"parameters\"}) instead of free text";
        } else if (error.code == "190") {
            outcome.errorText = "the WhatsApp access token of account '" + account + "' is expired or invalid (" +
                                error.message + "): set a new access_token and restart";
            setReady(account, false, outcome.errorText);
        } else {
            outcome.errorText = what + ": " + (error.message.empty() ? "HTTP " + std::to_string(response.httpStatus)
                                                                     : error.message);
        }
        return outcome;
    }
    return outcome;
}

SendResult WhatsappSender::send(const std::string& account, const WhatsappConfig& config,
                                const OutboundMessage& message) {
    // A plain phone address is a WhatsApp number too (an outbound interaction to a client known by phone).
    const bool reachable =
        message.to.kind == "whatsapp" || message.to.kind == "whatsapp_user" || message.to.kind == "phone";
    if (!reachable || message.to.value.empty()) {
        return failed("bad_address", "the whatsapp channel reaches phone numbers and WhatsApp user ids only, not a '" +
                                         message.to.kind + "' address '" + message.to.value + "'");
    }
    const std::string messagesUrl = config.endpoint(config.phoneNumberId + "/messages");
    auto post = [&](const Object::Ptr& body, const std::string& what) {
        const std::string json = stringify(*body);
        GraphApiClient client(config, cancel_);
        return call(account, config, what, [&] { return client.postJson(messagesUrl, json); }, "messages");
    };

    if (!message.templateName.empty()) {
        Object::Ptr body = envelope(message.to, "template");
        Object::Ptr tmpl = newObject();
        tmpl->set("name", message.templateName);
        Object::Ptr language = newObject();
        language->set("code", message.templateLanguage);
        tmpl->set("language", language);
        if (!message.templateParameters.empty()) {
            Array::Ptr parameters = new Array;
            for (const std::string& p : message.templateParameters) {
                Object::Ptr parameter = newObject();
                parameter->set("type", std::string("text"));
                parameter->set("text", p);
                parameters->add(parameter);
            }
            Object::Ptr component = newObject();
            component->set("type", std::string("body"));
            component->set("parameters", parameters);
            Array::Ptr components = new Array;
            components->add(component);
            tmpl->set("components", components);
        }
        body->set("template", tmpl);
        const Outcome sent = post(body, "the template message");
        if (!sent.ok) return failed(sent);
        SendResult result;
        result.externalId = sent.id;
        return result;
    }

    std::string firstId;
    auto sendText = [&](const std::string& text) {
        Object::Ptr body = envelope(message.to, "text");
        Object::Ptr content = newObject();
        content->set("preview_url", false);
        content->set("body", text);
        body->set("text", content);
        return post(body, "the text message");
    };

    if (message.attachments.empty()) {
        if (message.text.empty()) return failed("empty_message", "there is nothing to send: no text, no attachments");
        const Outcome sent = sendText(message.text);
        if (!sent.ok) return failed(sent);
        SendResult result;
        result.externalId = sent.id;
        return result;
    }

    // The text rides as the caption of the first attachment that takes one; audio cannot, so then it goes first.
    bool captionPending = !message.text.empty();
    bool anyCaptionable = false;
    for (const Attachment& a : message.attachments) anyCaptionable |= captionable(mediaTypeOf(a.mimeType));
    if (captionPending && !anyCaptionable) {
        const Outcome sent = sendText(message.text);
        if (!sent.ok) return failed(sent.errorCode, sent.errorText);
        firstId = sent.id;
        captionPending = false;
    }
    for (const Attachment& attachment : message.attachments) {
        const std::optional<PluginHost::File> file = host_.readFile(attachment.fileId);
        if (!file) {
            return failed("attachment_missing", "the attachment " + attachment.fileId + " (" + attachment.name +
                                                    ") is no longer in the file store", firstId);
        }
        const std::string mime = file->meta.mimeType.empty() ? "application/octet-stream" : file->meta.mimeType;
        const std::string type = mediaTypeOf(mime);
        const std::string name = file->meta.name.empty() ? attachment.name : file->meta.name;
        GraphApiClient client(config, cancel_);
        const std::string uploadUrl = config.endpoint(config.phoneNumberId + "/media");
        const Outcome uploaded = call(
            account, config, "uploading " + name,
            [&] { return client.uploadMedia(uploadUrl, file->bytes, mime, name); }, "id");
        if (!uploaded.ok) return failed(uploaded.errorCode, uploaded.errorText, firstId);

        Object::Ptr body = envelope(message.to, type);
        Object::Ptr media = newObject();
        media->set("id", uploaded.id);
        if (captionPending && captionable(type)) {
            media->set("caption", message.text);
            captionPending = false;
        }
        if (type == "document") media->set("filename", name);
        body->set(type, media);
        const Outcome sent = post(body, "the " + type + " message");
        if (!sent.ok) return failed(sent.errorCode, sent.errorText, firstId);
        if (firstId.empty()) firstId = sent.id;
    }
    SendResult result;
    result.externalId = firstId;
    return result;
}

}  // namespace omnigate::whatsapp
