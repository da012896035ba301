#include "api/api_tokens_api.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <regex>

#include "api/api_support.h"
#include "omnigate/sdk/api_error.h"
#include "store/api_token_store.h"

namespace omnigate {

namespace {

// The name is the actor id of everything done with the token, so it is held to what X-Omnigate-Actor allows.
std::string validName(const Poco::JSON::Object::Ptr& body) {
    static const std::regex name(R"([A-Za-z0-9_.@-]{1,64})");
    const std::string value = api::requiredString(body, "name");
    if (!std::regex_match(value, name)) {
        throw ApiError::badRequest("'name' must be 1 to 64 letters, digits, '_', '.', '@' or '-' (it names the "
                                   "integration in the audit); got '" + value + "'");
    }
    return value;
}

std::string knownScopes() {
    std::string text;
    for (Permission scope : grantableScopes()) text += (text.empty() ? "" : ", ") + std::string(toString(scope));
    return text;
}

// Distinct scopes in the order given; 400 naming every unknown one and the known ones.
std::vector<std::string> validScopes(const Poco::JSON::Object::Ptr& body) {
    if (!body->has("scopes") || body->isNull("scopes")) throw ApiError::badRequest("'scopes' is required");
    const Poco::Dynamic::Var value = body->get("scopes");
    if (value.type() != typeid(Poco::JSON::Array::Ptr)) {
        throw ApiError::badRequest("'scopes' must be an array of scopes (" + knownScopes() + ")");
    }
    const auto list = value.extract<Poco::JSON::Array::Ptr>();
    std::vector<std::string> scopes;
    std::string unknown;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Poco::Dynamic::Var item = list->get(static_cast<unsigned>(i));
        if (!item.isString()) throw ApiError::badRequest("'scopes[" + std::to_string(i) + "]' must be a string");
        const std::string name = item.extract<std::string>();
        if (!parseScope(name)) {
            unknown += (unknown.empty() ? "'" : ", '") + name + "'";
        } else if (std::find(scopes.begin(), scopes.end(), name) == scopes.end()) {
            scopes.push_back(name);
        }
    }
    if (!unknown.empty()) {
        throw ApiError::badRequest("'scopes': no scope " + unknown + "; the scopes are " + knownScopes());
    }
    if (scopes.empty()) throw ApiError::badRequest("'scopes' needs at least one of " + knownScopes());
    return scopes;
}

}  // namespace

ApiTokensApi::ApiTokensApi(Authenticator& authenticator, WriteBatcher& writer, ConnectionPool& pool)
    : authenticator_(authenticator), writer_(writer), pool_(pool) {}

void ApiTokensApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/api-tokens", Access::needs(Permission::TokensManage),
               [this](const HttpRequest&, const Actor&) { return list(); });
    router.add("POST", "/api/v1/api-tokens", Access::needs(Permission::TokensManage),
               [this](const HttpRequest& r, const Actor&) { return create(r); });
    router.add("GET", "/api/v1/api-tokens/{id}", Access::needs(Permission::TokensManage),
               [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("DELETE", "/api/v1/api-tokens/{id}", Access::needs(Permission::TokensManage),
               [this](const HttpRequest& r, const Actor&) { return revoke(r); });
}

HttpResponse ApiTokensApi::list() {
    const auto tokens = api::readWith<std::vector<ApiToken>>(
        pool_, "the API tokens", [](DbSession& session) { return ApiTokenStore(session).all(); });
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const ApiToken& token : tokens) list->add(toJson(token));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("api_tokens", list);
    return api::jsonResponse(200, body);
}

HttpResponse ApiTokensApi::get(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    const auto token = api::readWith<std::optional<ApiToken>>(
        pool_, "the API token", [&](DbSession& session) { return ApiTokenStore(session).find(id); });
    if (!token) throw ApiError::notFound("no API token " + std::to_string(id));
    return api::jsonResponse(200, toJson(*token));
}

HttpResponse ApiTokensApi::create(const HttpRequest& request) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"name", "scopes"}, "an API token");
    const std::string name = validName(body);
    const std::vector<std::string> scopes = validScopes(body);
    const std::string token = newApiToken();
    const std::string hash = hashApiToken(token);
    ApiToken created;
    writer_.run([&](DbSession& session) { created = ApiTokenStore(session).create(name, scopes, hash); });
    // The only time the token leaves the daemon; it is in no log and no event.
    Poco::JSON::Object::Ptr answer = toJson(created);
    answer->set("token", token);
    return api::jsonResponse(201, answer);
}

HttpResponse ApiTokensApi::revoke(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    ApiToken revoked;
    writer_.run([&](DbSession& session) { revoked = ApiTokenStore(session).revoke(id); });
    authenticator_.forget(id);
    return api::jsonResponse(200, toJson(revoked));
}

}  // namespace omnigate
