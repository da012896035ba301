#include "bot_api.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "bot_answer.h"
#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/secrets.h"
#include "webhook_payload.h"

namespace omnigate::chatbot {

namespace {

const std::string base = "/api/v1/integrations/chatbot/{integration}";

// The body as a JSON object; an empty body is an empty object (every field of handoff and close is optional).
Poco::JSON::Object::Ptr parseBody(const HttpRequest& request) {
    if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return new Poco::JSON::Object;
    try {
        const Poco::Dynamic::Var v = Poco::JSON::Parser().parse(request.body);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    throw ApiError::badRequest("the body must be a JSON object");
}

}  // namespace

BotApi::BotApi(BotHost& host, const std::vector<ChatbotConfig>& configs, BotStats& stats)
    : host_(host), configs_(configs), stats_(stats) {}

void BotApi::registerRoutes() {
    host_.addRoute("POST", base + "/interactions/{id}/messages", [this](const HttpRequest& r) { return reply(r); });
    host_.addRoute("POST", base + "/interactions/{id}/handoff", [this](const HttpRequest& r) { return handOff(r); });
    host_.addRoute("POST", base + "/interactions/{id}/close", [this](const HttpRequest& r) { return close(r); });
    host_.addRoute("GET", base + "/stats", [this](const HttpRequest& r) { return stats(r); });
}

const ChatbotConfig& BotApi::requireIntegration(const HttpRequest& request) const {
    for (const ChatbotConfig& config : configs_) {
        if (request.param("integration") == config.id) return config;
    }
    throw ApiError::notFound("no chatbot integration '" + request.param("integration") + "'");
}

std::int64_t BotApi::authorize(const HttpRequest& request, const ChatbotConfig*& config) const {
    const std::string token = request.bearerToken();
    bool anyBot = false;
    for (const ChatbotConfig& c : configs_) anyBot = constantTimeEquals(token, c.botToken) || anyBot;
    if (!anyBot) throw ApiError::unauthorized("the bot token is missing or not valid");
    const ChatbotConfig& named = requireIntegration(request);
    // Another integration's bot: its token opens only its own paths.
    if (!constantTimeEquals(token, named.botToken)) {
        throw ApiError::unauthorized("the bot token is not the one of the chatbot integration '" + named.id + "'");
    }
    config = &named;
    const std::string text = request.param("id");
    std::int64_t id = 0;
    const bool digits = !text.empty() && text.size() <= 18 && text.find_first_not_of("0123456789") == std::string::npos;
    if (digits) id = std::stoll(text);
    if (id <= 0) throw ApiError::notFound("no interaction '" + text + "'");
    return id;
}

HttpResponse BotApi::interactionResponse(std::int64_t id) {
    const std::optional<std::string> found = host_.interaction(id);
    if (!found) throw ApiError::notFound("no interaction " + std::to_string(id));
    return HttpResponse::json(200, *found);
}

HttpResponse BotApi::reply(const HttpRequest& request) {
    const ChatbotConfig* config = nullptr;
    const std::int64_t id = authorize(request, config);
    const Poco::JSON::Object::Ptr body = parseBody(request);
    std::string text;
    try {
        text = replyText(body->has("text") ? body->get("text") : Poco::Dynamic::Var(), "text");
    } catch (const BotAnswerError& e) {
        throw ApiError::badRequest(e.what());
    }
    return HttpResponse::json(201, messageJson(host_.replyAsBot(config->id, id, text)));
}

HttpResponse BotApi::handOff(const HttpRequest& request) {
    const ChatbotConfig* config = nullptr;
    const std::int64_t id = authorize(request, config);
    BotHandOff fields;
    try {
        fields = handOffOf(parseBody(request), "");
    } catch (const BotAnswerError& e) {
        throw ApiError::badRequest(e.what());
    }
    BotHost::HandOff h;
    h.queue = fields.queue;
    h.priority = fields.priority;
    h.topics = fields.topics;
    h.reason = fields.comment;
    host_.handOffToPeople(config->id, id, h);
    return interactionResponse(id);
}

HttpResponse BotApi::close(const HttpRequest& request) {
    const ChatbotConfig* config = nullptr;
    const std::int64_t id = authorize(request, config);
    std::string resolution;
    try {
        resolution = resolutionOf(parseBody(request), "");
    } catch (const BotAnswerError& e) {
        throw ApiError::badRequest(e.what());
    }
    host_.closeAsBot(config->id, id, resolution);
    return interactionResponse(id);
}

HttpResponse BotApi::stats(const HttpRequest& request) {
    if (!host_.isAdmin(request)) throw ApiError::unauthorized("the admin token is missing or not valid");
    const ChatbotConfig& config = requireIntegration(request);
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("integration", config.id);
    Poco::JSON::Object::Ptr counts = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [name, value] : stats_.counts()) counts->set(name, value);
    body->set("counts", counts);
    std::ostringstream out;
    body->stringify(out);
    return HttpResponse::json(200, out.str());
}

}  // namespace omnigate::chatbot
