#include "api/interactions_api.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>

#include <algorithm>
#include <set>

#include "api/api_support.h"
#include "api/files_api.h"
#include "omnigate/sdk/api_error.h"
#include "store/message_store.h"

namespace omnigate {

namespace {

constexpr std::size_t kTextFieldMax = 255;  // reason, resolution, subject: VARCHAR(255) columns
constexpr std::size_t kMessagesMax = 1000;
constexpr std::size_t kAttachmentsMax = 20;

std::string toDbTime(const Poco::DateTime& time) {
    return Poco::DateTimeFormatter::format(time, "%Y-%m-%d %H:%M:%S.%i");
}
std::string toIso(const Poco::DateTime& time) { return Poco::DateTimeFormatter::format(time, "%Y-%m-%dT%H:%M:%S.%iZ"); }

std::optional<std::string> boundedString(const Poco::JSON::Object::Ptr& body, const std::string& field,
                                         std::size_t max) {
    auto value = api::optionalString(body, field);
    if (value && value->size() > max) {
        throw ApiError::badRequest("'" + field + "' is longer than " + std::to_string(max) + " bytes");
    }
    return value;
}

bool blank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string requiredText(const Poco::JSON::Object::Ptr& body, const std::string& field) {
    const std::string value = api::requiredString(body, field);
    if (blank(value)) throw ApiError::badRequest("'" + field + "' is empty");
    return value;
}

std::optional<int> optionalVersion(const Poco::JSON::Object::Ptr& body) {
    const auto version = api::optionalInt(body, "version");
    if (!version) return std::nullopt;
    if (*version < 1 || *version > INT32_MAX) throw ApiError::badRequest("'version' must be a positive integer");
    return static_cast<int>(*version);
}

// {kind, value}: 400 naming `field` (or its member) when it is not such an object.
Address requiredAddress(const Poco::JSON::Object::Ptr& body, const std::string& field) {
    if (!body->has(field) || body->isNull(field)) throw ApiError::badRequest("'" + field + "' is required");
    const Poco::JSON::Object::Ptr object = body->getObject(field);
    if (!object) throw ApiError::badRequest("'" + field + "' must be an object {kind, value}");
    Address address;
    for (auto [name, target] : {std::pair{"kind", &address.kind}, std::pair{"value", &address.value}}) {
        const auto value = api::optionalString(object, name);
        if (!value || blank(*value)) throw ApiError::badRequest("'" + field + "." + name + "' is required");
        if (value->size() > kTextFieldMax) {
            throw ApiError::badRequest("'" + field + "." + name + "' is longer than 255 bytes");
        }
        *target = *value;
    }
    return address;
}

std::string statusNames() {
    std::string names;
    for (InteractionStatus s : allInteractionStatuses()) names += (names.empty() ? "" : ", ") + std::string(toString(s));
    return names;
}

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

struct TemplateChoice {
    std::string name;
    std::string language;
    std::vector<std::string> parameters;
};

// "template": {"name", "language", "parameters": [strings]}: a provider's pre-approved message (WhatsApp). Whether
// the channel knows it is the channel's to say (prepareOutbound); here only the shape is checked.
std::optional<TemplateChoice> optionalTemplate(const Poco::JSON::Object::Ptr& body) {
    if (!body->has("template") || body->isNull("template")) return std::nullopt;
    const Poco::JSON::Object::Ptr object = body->getObject("template");
    if (!object) throw ApiError::badRequest("'template' must be an object {name, language, parameters}");
    api::rejectUnknownFields(object, {"name", "language", "parameters"}, "a template");
    TemplateChoice choice;
    const auto name = boundedString(object, "name", 512);
    if (!name || blank(*name)) throw ApiError::badRequest("'template.name' is required");
    choice.name = *name;
    const auto language = boundedString(object, "language", 15);
    if (!language || blank(*language)) throw ApiError::badRequest("'template.language' is required (e.g. \"ru\")");
    choice.language = *language;
    if (object->has("parameters") && !object->isNull("parameters")) {
        const Poco::JSON::Array::Ptr list = object->getArray("parameters");
        if (!list) throw ApiError::badRequest("'template.parameters' must be an array of strings");
        for (std::size_t i = 0; i < list->size(); ++i) {
            const Poco::Dynamic::Var value = list->get(static_cast<unsigned>(i));
            if (!value.isString()) {
                throw ApiError::badRequest("'template.parameters[" + std::to_string(i) + "]' must be a string");
            }
            choice.parameters.push_back(value.extract<std::string>());
        }
    }
    return choice;
}

// "visibility": "public" | "private": how to answer a public appeal (a VK wall comment).
std::string optionalVisibility(const Poco::JSON::Object::Ptr& body) {
    const std::string value = api::optionalString(body, "visibility").value_or("");
    if (!value.empty() && value != "public" && value != "private") {
        throw ApiError::badRequest("'visibility' must be \"public\" or \"private\"");
    }
    return value;
}

}  // namespace

InteractionsApi::InteractionsApi(InteractionService& interactions, MessageService& messages, FileStore& files)
    : interactions_(interactions), messages_(messages), files_(files) {}

void InteractionsApi::registerRoutes(Router& router) {
    const auto route = [&](const char* method, const char* pattern, Access access,
                           HttpResponse (InteractionsApi::*handler)(const HttpRequest&, const Actor&)) {
        router.add(method, pattern, access,
                   [this, handler](const HttpRequest& r, const Actor& actor) { return (this->*handler)(r, actor); });
    };
    // An integration (a CRM, a bot) reads, starts outbound interactions and replies; the lifecycle stays the
    // operators' and the supervisors'. An operator works on what is offered to or held by them: the list is
    // theirs, and an interaction they start is theirs.
    using P = Permission;
    route("GET", "/api/v1/interactions", Access::needs(P::InteractionsRead, Ownership::Caller), &InteractionsApi::list);
    route("POST", "/api/v1/interactions", Access::needs(P::InteractionsWrite, Ownership::Caller),
          &InteractionsApi::create);
    route("GET", "/api/v1/interactions/{id}", Access::needs(P::InteractionsRead, Ownership::Interaction),
          &InteractionsApi::get);
    route("POST", "/api/v1/interactions/{id}/status", Access::needs(P::InteractionsHandle, Ownership::Interaction),
          &InteractionsApi::changeStatus);
    route("PUT", "/api/v1/interactions/{id}/topics", Access::needs(P::InteractionsHandle, Ownership::Interaction),
          &InteractionsApi::classify);
    route("POST", "/api/v1/interactions/{id}/channel", Access::needs(P::InteractionsHandle, Ownership::Interaction),
          &InteractionsApi::switchChannel);
    route("POST", "/api/v1/interactions/{id}/rating", Access::needs(P::InteractionsHandle, Ownership::Interaction),
          &InteractionsApi::rate);
    route("POST", "/api/v1/interactions/{id}/messages", Access::needs(P::InteractionsWrite, Ownership::Interaction),
          &InteractionsApi::reply);
    route("GET", "/api/v1/interactions/{id}/messages", Access::needs(P::InteractionsRead, Ownership::Interaction),
          &InteractionsApi::listMessages);
}

HttpResponse InteractionsApi::list(const HttpRequest& request, const Actor& actor) {
    static const std::set<std::string> known{"status", "channel",      "account",    "queue", "operator", "client_id",
                                             "topic",  "created_from", "created_to", "limit", "cursor"};
    std::set<std::string> given;
    for (const auto& [name, value] : request.query) {
        if (known.count(name) == 0) throw ApiError::badRequest("unknown query parameter '" + name + "'");
        // Only the first would count; say so rather than ignore the rest ("status=a&status=b").
        if (!given.insert(name).second) {
            throw ApiError::badRequest("'" + name + "' is given twice; use one (a comma list for 'status')");
        }
    }
    InteractionFilter filter;
    const std::string statuses = request.queryParam("status");
    if (!statuses.empty()) {
        std::string unknown;
        std::size_t start = 0;
        for (;;) {
            const std::size_t comma = statuses.find(',', start);
            const std::string name =
                statuses.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!parseInteractionStatus(name)) {
                unknown += (unknown.empty() ? "'" : ", '") + name + "'";
            } else if (std::find(filter.statuses.begin(), filter.statuses.end(), name) == filter.statuses.end()) {
                filter.statuses.push_back(name);
            }
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        if (!unknown.empty()) {
            throw ApiError::badRequest("'status': no status " + unknown + "; the statuses are " + statusNames());
        }
    }
    filter.channel = request.queryParam("channel");
    filter.account = request.queryParam("account");
    filter.queue = request.queryParam("queue");
    filter.operatorId = request.queryParam("operator");
    if (actor.ownOnly) {
        if (!filter.operatorId.empty() && filter.operatorId != actor.id) {
            throw ApiError(403, "forbidden", "operator " + actor.id + " lists only their own interactions (operator=" +
                                                 actor.id + " or no 'operator'), not operator " + filter.operatorId +
                                                 "'s; that needs the permission 'interactions:read'");
        }
        filter.operatorId = actor.id;
    }
    for (auto [name, target] : {std::pair{"client_id", &filter.clientId}, std::pair{"topic", &filter.topicId}}) {
        const auto value = api::queryInt(request, name);
        if (value && *value < 1) throw ApiError::badRequest(std::string("'") + name + "' must be a positive integer");
        *target = value.value_or(0);
    }
    std::optional<Poco::DateTime> from, to;
    if (!request.queryParam("created_from").empty())
        from = api::parseTime(request.queryParam("created_from"), "created_from");
    if (!request.queryParam("created_to").empty()) to = api::parseTime(request.queryParam("created_to"), "created_to", true);
    if (from && to && *from > *to) throw ApiError::badRequest("'created_from' is after 'created_to'");
    if (from) filter.createdFrom = toDbTime(*from);
    if (to) filter.createdTo = toDbTime(*to);
    const std::size_t limit = api::queryLimit(request, 50, 200);
    const std::string cursor = request.queryParam("cursor");
    if (!cursor.empty()) filter.beforeId = api::decodeCursor(cursor);
    if (!cursor.empty() && filter.beforeId == 0)
        throw ApiError::badRequest("'cursor' is not a cursor this API returned");

    const InteractionPage page = interactions_.list(filter, limit);
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const Interaction& i : page.interactions) items->add(toJson(i));
    auto body = object();
    body->set("interactions", items);
    body->set("next_cursor", page.continueBefore == 0 ? Poco::Dynamic::Var()
                                                      : Poco::Dynamic::Var(api::encodeCursor(page.continueBefore)));
    return api::jsonResponse(200, body);
}

HttpResponse InteractionsApi::create(const HttpRequest& request, const Actor& actor) {
    const auto body = api::parseBody(request);
    OutboundDraft draft;
    draft.clientId = api::requiredInt(body, "client_id");
    if (draft.clientId < 1) throw ApiError::badRequest("'client_id' must be a positive integer");
    draft.channel = requiredText(body, "channel");
    draft.account = requiredText(body, "account");
    if (body->has("address") && !body->isNull("address")) draft.address = requiredAddress(body, "address");
    draft.subject = boundedString(body, "subject", kTextFieldMax).value_or("");
    const auto chosen = optionalTemplate(body);
    if (chosen) {
        draft.templateName = chosen->name;
        draft.templateLanguage = chosen->language;
        draft.templateParameters = chosen->parameters;
        draft.text = api::optionalString(body, "text").value_or("");
    } else {
        draft.text = requiredText(body, "text");
    }
    const OutboundResult created = interactions_.createOutbound(draft, actor);
    auto answer = object();
    answer->set("interaction", toJson(created.interaction));
    answer->set("message", toJson(created.message));
    return api::jsonResponse(201, answer);
}

HttpResponse InteractionsApi::get(const HttpRequest& request, const Actor& /*actor*/) {
    const InteractionDetails details = interactions_.get(api::pathId(request));
    Poco::JSON::Array::Ptr messages = new Poco::JSON::Array;
    for (const StoredMessage& m : details.messages) messages->add(toJson(m));
    Poco::JSON::Array::Ptr history = new Poco::JSON::Array;
    for (const StatusChange& c : details.statusHistory) history->add(toJson(c));
    auto body = object();
    body->set("interaction", toJson(details.interaction));
    body->set("messages", messages);
    body->set("status_history", history);
    return api::jsonResponse(200, body);
}

HttpResponse InteractionsApi::changeStatus(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    const std::string name = api::requiredString(body, "status");
    const auto status = parseInteractionStatus(name);
    if (!status) throw ApiError::badRequest("'status': no status '" + name + "'; the statuses are " + statusNames());
    const std::string reason = boundedString(body, "reason", kTextFieldMax).value_or("");
    const auto resolution = boundedString(body, "resolution", kTextFieldMax);
    if (resolution && *status != InteractionStatus::Closed) {
        throw ApiError::badRequest("'resolution' belongs to closing; it cannot go with status " + name);
    }
    std::string postponedUntil;
    if (const auto until = api::optionalString(body, "postponed_until")) {
        if (*status != InteractionStatus::Postponed) {
            throw ApiError::badRequest("'postponed_until' belongs to postponing; it cannot go with status " + name);
        }
        const Poco::DateTime time = api::parseTime(*until, "postponed_until");
        if (time <= Poco::DateTime()) throw ApiError::badRequest("'postponed_until' is not in the future");
        postponedUntil = toIso(time);
    }
    const Interaction updated = interactions_.changeStatus(id, *status, actor, reason, resolution.value_or(""),
                                                           postponedUntil, optionalVersion(body));
    return api::jsonResponse(200, toJson(updated));
}

HttpResponse InteractionsApi::classify(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    if (!body->has("topic_ids") || body->isNull("topic_ids")) throw ApiError::badRequest("'topic_ids' is required");
    const Poco::JSON::Array::Ptr list = body->getArray("topic_ids");
    if (!list) throw ApiError::badRequest("'topic_ids' must be an array of topic ids");
    std::vector<std::int64_t> topics;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Poco::Dynamic::Var item = list->get(static_cast<unsigned>(i));
        if (!item.isInteger() || item.convert<std::int64_t>() < 1) {
            throw ApiError::badRequest("'topic_ids[" + std::to_string(i) + "]' must be a positive integer");
        }
        topics.push_back(item.convert<std::int64_t>());
    }
    return api::jsonResponse(200, toJson(interactions_.classify(id, topics, actor, optionalVersion(body))));
}

HttpResponse InteractionsApi::switchChannel(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    const std::string channel = requiredText(body, "channel");
    const std::string account = requiredText(body, "account");
    const Address address = requiredAddress(body, "address");
    return api::jsonResponse(
        200, toJson(interactions_.switchChannel(id, channel, account, address, actor, optionalVersion(body))));
}

HttpResponse InteractionsApi::rate(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    const std::int64_t rating = api::requiredInt(body, "rating");
    if (rating < 1 || rating > 5) throw ApiError::badRequest("'rating' must be from 1 to 5");
    const std::string comment = api::optionalString(body, "comment").value_or("");
    return api::jsonResponse(200, toJson(interactions_.rate(id, static_cast<int>(rating), comment, actor)));
}

HttpResponse InteractionsApi::reply(const HttpRequest& request, const Actor& actor) {
    const std::int64_t id = api::pathId(request);
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"text", "attachments", "visibility", "template"}, "a reply");
    // Files uploaded first (POST /api/v1/files), named here by id; the text may then be empty.
    std::vector<Attachment> attachments;
    if (body->has("attachments") && !body->isNull("attachments")) {
        const Poco::JSON::Array::Ptr ids = body->getArray("attachments");
        if (!ids) throw ApiError::badRequest("'attachments' must be an array of file ids");
        if (ids->size() > kAttachmentsMax) {
            throw ApiError::badRequest("'attachments' may name at most " + std::to_string(kAttachmentsMax) + " files");
        }
        for (std::size_t i = 0; i < ids->size(); ++i) {
            const std::string field = "attachments[" + std::to_string(i) + "]";
            const Poco::Dynamic::Var value = ids->get(static_cast<unsigned>(i));
            if (!value.isString()) throw ApiError::badRequest("'" + field + "' must be a file id (a string)");
            const std::string fileId = value.extract<std::string>();
            const auto file = files_.record(fileId, id);
            if (!file) throw ApiError::badRequest("'" + field + "': no file '" + fileId + "'");
            if (file->deleted) throw ApiError(410, "file_deleted", "'" + field + "': file '" + fileId + "' was deleted");
            if (!file->meta.quarantine.empty()) {
                throw ApiError(403, "quarantined", "'" + field + "': file '" + fileId + "' is quarantined (" +
                                                       file->meta.quarantine + ") and is never sent");
            }
            // Only what the author uploaded, or what this conversation already carries: a file id seen elsewhere
            // (another client's document, a call's recording) must not leave through someone else's reply.
            if (file->createdBy != fileOwner(actor) && !file->inInteraction) {
                throw ApiError(403, "forbidden",
                               "'" + field + "': file '" + fileId + "' was uploaded by someone else and is not part "
                               "of interaction " + std::to_string(id) + "; upload it yourself (POST /api/v1/files)");
            }
            attachments.push_back(file->meta);
        }
    }
    OutboundMessage draft;
    const MessageAuthor author = messageAuthorOf(actor);
    draft.author = author.kind;
    draft.authorId = author.id;
    draft.visibility = optionalVisibility(body);
    if (const auto chosen = optionalTemplate(body)) {
        draft.templateName = chosen->name;
        draft.templateLanguage = chosen->language;
        draft.templateParameters = chosen->parameters;
    }
    // A template brings its own text; otherwise text, attachments or both.
    draft.text = attachments.empty() && draft.templateName.empty() ? requiredText(body, "text")
                                                                   : api::optionalString(body, "text").value_or("");
    draft.attachments = std::move(attachments);
    return api::jsonResponse(201, toJson(messages_.reply(id, std::move(draft))));
}

HttpResponse InteractionsApi::listMessages(const HttpRequest& request, const Actor& /*actor*/) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const StoredMessage& m : messages_.messagesOf(api::pathId(request), kMessagesMax)) list->add(toJson(m));
    auto body = object();
    body->set("messages", list);
    return api::jsonResponse(200, body);
}

}  // namespace omnigate
