#include "voice_plugin.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "byte_range.h"
#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/content_disposition.h"

OMNIGATE_PLUGIN(omnigate::voice::VoicePlugin)

namespace omnigate::voice {

namespace {

constexpr std::size_t maximumRecordings = 1000;  // messages scanned for an interaction's recordings
constexpr std::size_t maximumNumberLength = 32;

std::string stringify(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

std::int64_t interactionIdOf(const HttpRequest& request) {
    const std::string text = request.param("id");
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
        throw ApiError::badRequest("'id' must be a positive whole number, got '" + text + "'");
    }
    return std::stoll(text);
}

Poco::JSON::Object::Ptr parseJson(const std::string& text, const std::string& what) {
    try {
        const Poco::Dynamic::Var v = Poco::JSON::Parser().parse(text);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    throw ApiError::badRequest(what + " must be a JSON object");
}

std::string optionalString(const Poco::JSON::Object::Ptr& body, const std::string& field) {
    if (!body || !body->has(field) || body->isNull(field)) return {};
    if (!body->get(field).isString()) throw ApiError::badRequest("'" + field + "' must be a string");
    return body->getValue<std::string>(field);
}

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& field) {
    return o && o->has(field) && o->get(field).isString() ? o->getValue<std::string>(field) : "";
}

bool isPhoneNumber(const std::string& number) {
    return !number.empty() && number.size() <= maximumNumberLength &&
           number.find_first_not_of("+0123456789*#") == std::string::npos;
}

}  // namespace

LoadResult VoicePlugin::load(ChannelHost& host) {
    host_ = &host;
    if (host.accounts().empty()) return LoadResult::decline("no voice accounts configured");
    for (const AccountConfig& config : host.accounts()) {
        VoiceAccount account{config.id, parseVoiceConfig(config.settings)};
        for (const VoiceAccount& other : accounts_) {
            if (other.id == account.id) {
                return LoadResult::failure("the voice account '" + account.id +
                                           "' is configured twice: give every account its own id");
            }
            if (other.config.listenUrl() == account.config.listenUrl()) {
                return LoadResult::failure("the voice accounts '" + other.id + "' and '" + account.id +
                                           "' both listen on " + account.config.listenUrl());
            }
        }
        accounts_.push_back(std::move(account));
    }
    engine_ = std::make_unique<SipEngine>(host, accounts_);

    // An operator lists the recordings of, and calls back from, an interaction offered to or held by them, and
    // plays them through GET /api/v1/files/{id}. Any recording by its id is a supervisor's: interactions:supervise,
    // which no API token is granted, so an integration never downloads a recorded voice.
    host.addGuardedRoute("GET", "/api/v1/interactions/{id}/recordings",
                         {Permission::InteractionsRead, Ownership::Interaction},
                         [this](const HttpRequest& r) { return listRecordings(r); });
    host.addGuardedRoute("GET", "/api/v1/recordings/{fileId}", {Permission::InteractionsSupervise},
                         [this](const HttpRequest& r) { return getRecording(r); });
    host.addGuardedRoute("POST", "/api/v1/interactions/{id}/calls",
                         {Permission::InteractionsWrite, Ownership::Interaction},
                         [this](const HttpRequest& r) { return placeCall(r); });
    return LoadResult::success();
}

void VoicePlugin::start() {
    if (!engine_) return;
    const std::vector<std::string> errors = engine_->start();
    for (const VoiceAccount& account : accounts_) {
        std::string problem;
        for (const std::string& error : errors) {
            if (error.find("'" + account.id + "'") != std::string::npos) problem = error;
        }
        host_->setReadiness(account.id, problem.empty(), problem);
        if (problem.empty()) {
            host_->log(LogLevel::Info, "voice: account " + account.id + " takes calls on " + account.config.listenUrl() +
                                           " (UDP and TCP), RTP on " + account.config.rtpAddress + ":" +
                                           std::to_string(account.config.rtpPortMin) + "-" +
                                           std::to_string(account.config.rtpPortMax));
        } else {
            host_->log(LogLevel::Error, "voice: " + problem);
        }
    }
    host_->setGauge("active_calls", "Voice calls in progress", 0);
}

void VoicePlugin::stop() {
    if (engine_) engine_->stop();
}

SendResult VoicePlugin::send(const OutboundMessage&) {
    SendResult result;
    result.status = DeliveryStatus::Failed;
    result.errorCode = "voice_has_no_text";
    result.errorText = "a voice interaction cannot carry text messages: call the client (POST "
                       "/api/v1/interactions/{id}/calls) or answer on another channel";
    return result;
}

void VoicePlugin::onInteractionUpdate(const InteractionUpdate& update) {
    if (engine_) engine_->interactionUpdated(update.interactionId, update.status, update.operatorId);
}

const VoiceAccount* VoicePlugin::account(const std::string& id) const {
    for (const VoiceAccount& account : accounts_) {
        if (account.id == id) return &account;
    }
    return nullptr;
}

HttpResponse VoicePlugin::listRecordings(const HttpRequest& request) {
    const std::int64_t id = interactionIdOf(request);
    if (!host_->interaction(id)) throw ApiError::notFound("no interaction " + std::to_string(id));
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const StoredMessage& message : host_->messages(id, maximumRecordings)) {
        if (message.author != AuthorKind::System) continue;
        for (const Attachment& a : message.attachments) {
            if (a.mimeType != "audio/wav") continue;
            Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            item->set("file_id", a.fileId);
            item->set("name", a.name);
            item->set("mime_type", a.mimeType);
            item->set("size", a.size);
            item->set("message_id", message.id);
            item->set("created_at", message.createdAt);
            item->set("url", "/api/v1/recordings/" + a.fileId);
            items->add(item);
        }
    }
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("interaction_id", id);
    body->set("items", items);
    return HttpResponse::json(200, stringify(body));
}

HttpResponse VoicePlugin::getRecording(const HttpRequest& request) {
    const std::string fileId = request.param("fileId");
    std::optional<PluginHost::File> file = fileId.empty() ? std::nullopt : host_->readFile(fileId);
    if (!file || file->meta.mimeType != "audio/wav") throw ApiError::notFound("no recording '" + fileId + "'");
    const std::uint64_t size = file->bytes.size();
    HttpResponse response;
    response.contentType = "audio/wav";
    response.headers.emplace_back("Accept-Ranges", "bytes");
    response.headers.emplace_back("Content-Disposition", contentDisposition("inline", file->meta.name));
    ByteRange range;
    switch (parseRange(request.header("range"), size, range)) {
        case RangeAnswer::Whole:
            response.body = std::move(file->bytes);
            break;
        case RangeAnswer::Partial:
            response.status = 206;
            response.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                               std::to_string(range.last) + "/" + std::to_string(size));
            response.body = file->bytes.substr(range.first, range.last - range.first + 1);
            break;
        case RangeAnswer::Unsatisfiable:
            response.status = 416;
            response.contentType = "application/json";
            response.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
            response.body = R"({"error":{"code":"range_not_satisfiable","message":"the recording has )" +
                            std::to_string(size) + R"( bytes; the range asked for lies beyond them"}})";
            break;
    }
    return response;
}

HttpResponse VoicePlugin::placeCall(const HttpRequest& request) {
    const std::int64_t id = interactionIdOf(request);
    const Poco::JSON::Object::Ptr body = request.body.empty() ? Poco::JSON::Object::Ptr(new Poco::JSON::Object)
                                                              : parseJson(request.body, "the body");
    for (const std::string& name : body->getNames()) {
        if (name != "operator" && name != "number" && name != "account") {
            throw ApiError::badRequest("'" + name + "' is not a field of a call (known: operator, number, account)");
        }
    }
    const std::optional<std::string> json = host_->interaction(id);
    if (!json) throw ApiError::notFound("no interaction " + std::to_string(id));
    const Poco::JSON::Object::Ptr interaction = parseJson(*json, "the interaction");
    if (text(interaction, "status") == "closed") {
        throw ApiError(409, "interaction_closed", "interaction " + std::to_string(id) + " is closed");
    }

    std::string operatorId = optionalString(body, "operator");
    if (!request.actingOperator.empty() && !operatorId.empty() && operatorId != request.actingOperator) {
        throw ApiError(403, "not_yours", "operator " + request.actingOperator + " may ring only their own phone, not "
                                         "operator " + operatorId + "'s; placing calls for others is a supervisor's");
    }
    if (operatorId.empty()) operatorId = text(interaction, "operator");
    if (operatorId.empty()) {
        throw ApiError(409, "no_operator", "interaction " + std::to_string(id) +
                                               " has no operator: accept it first or name one in 'operator'");
    }

    std::string accountId = optionalString(body, "account");
    if (accountId.empty()) {
        accountId = text(interaction, "channel") == "voice" && account(text(interaction, "account"))
                        ? text(interaction, "account")
                        : accounts_.front().id;
    }
    const VoiceAccount* voice = account(accountId);
    if (voice == nullptr) throw ApiError::badRequest("'account': no voice account '" + accountId + "' is configured");
    if (voice->config.trunk.empty()) {
        throw ApiError(409, "no_trunk", "the voice account '" + accountId + "' has no `trunk` to call clients through");
    }
    // The desk phone of the workplace they signed in at, else the account's fixed address for them.
    std::string operatorUri = host_->operatorPhone(operatorId);
    if (operatorUri.empty()) {
        const auto configured = voice->config.operators.find(operatorId);
        if (configured == voice->config.operators.end()) {
            throw ApiError(409, "operator_has_no_phone",
                           "operator " + operatorId + " signed in at no workplace with a desk phone and has no SIP "
                           "address in the voice account '" + accountId + "' (settings.operators)");
        }
        operatorUri = configured->second;
    }

    std::string number = optionalString(body, "number");
    if (number.empty()) {
        const auto address = interaction->getObject("address");
        if (text(address, "kind") == "phone") number = text(address, "value");
    }
    if (number.empty()) {
        const std::optional<std::string> client =
            host_->client(interaction->optValue<std::int64_t>("client_id", 0));
        const auto card = client ? parseJson(*client, "the client") : nullptr;
        const auto addresses = card ? card->getArray("addresses") : nullptr;
        for (std::size_t i = 0; addresses && i < addresses->size() && number.empty(); ++i) {
            const auto entry = addresses->getObject(static_cast<unsigned>(i));
            if (text(entry, "kind") == "phone") number = text(entry, "value");
        }
    }
    if (number.empty()) {
        throw ApiError(409, "no_phone_number", "the client of interaction " + std::to_string(id) +
                                                   " has no phone number: give one in 'number'");
    }
    if (!isPhoneNumber(number)) {
        throw ApiError::badRequest("'number' must be up to 32 digits, '+', '*' or '#', got '" + number + "'");
    }

    const std::string callId = engine_->placeCall(accountId, id, operatorId, operatorUri, number);
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    out->set("call_id", callId);
    out->set("interaction_id", id);
    out->set("account", accountId);
    out->set("operator", operatorId);
    out->set("number", number);
    out->set("status", "calling_operator");
    return HttpResponse::json(202, stringify(out));
}

}  // namespace omnigate::voice
