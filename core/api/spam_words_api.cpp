#include "api/spam_words_api.h"

#include <cppconn/exception.h>

#include "api/api_support.h"
#include "omnigate/sdk/api_error.h"
#include "store/spam_word_store.h"

namespace omnigate {

namespace {

}  // namespace

SpamWordsApi::SpamWordsApi(WriteBatcher& writer, ConnectionPool& pool,
                           std::function<void()> catalogChanged)
    : writer_(writer), pool_(pool), catalogChanged_(std::move(catalogChanged)) {}

void SpamWordsApi::registerRoutes(Router& router) {
    router.add("GET", "/api/v1/spam-words", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest&, const Actor&) { return list(); });
    router.add("POST", "/api/v1/spam-words", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return add(r); });
    router.add("GET", "/api/v1/spam-words/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return get(r); });
    router.add("DELETE", "/api/v1/spam-words/{id}", Access::needs(Permission::CatalogsWrite),
               [this](const HttpRequest& r, const Actor&) { return remove(r); });
}

HttpResponse SpamWordsApi::list() {
    const auto words = api::readWith<std::vector<SpamWord>>(pool_, "the spam words",
                                                       [](DbSession& session) { return SpamWordStore(session).all(); });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const SpamWord& w : words) items->add(toJson(w));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("spam_words", items);
    return api::jsonResponse(200, body);
}

HttpResponse SpamWordsApi::get(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    const auto word = api::readWith<std::optional<SpamWord>>(
        pool_, "the spam word", [&](DbSession& session) { return SpamWordStore(session).find(id); });
    if (!word) throw ApiError::notFound("no spam word " + std::to_string(id));
    return api::jsonResponse(200, toJson(*word));
}

HttpResponse SpamWordsApi::add(const HttpRequest& request) {
    const auto body = api::parseBody(request);
    for (const std::string& name : body->getNames()) {
        if (name != "word") throw ApiError::badRequest("'" + name + "' is not a field of a spam word (word)");
    }
    const std::string word = SpamWordStore::normalize(api::requiredString(body, "word"));
    SpamWord added;
    writer_.run([&](DbSession& session) { added = SpamWordStore(session).add(word); });
    catalogChanged_();
    return api::jsonResponse(201, toJson(added));
}

HttpResponse SpamWordsApi::remove(const HttpRequest& request) {
    const std::int64_t id = api::pathId(request);
    writer_.run([&](DbSession& session) { SpamWordStore(session).remove(id); });
    catalogChanged_();
    return api::noContent();
}

}  // namespace omnigate
