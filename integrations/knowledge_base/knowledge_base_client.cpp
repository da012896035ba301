#include "knowledge_base_client.h"

#include <curl/curl.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "omnigate/support/bounded_download.h"
#include "utf8_text.h"

namespace omnigate::knowledge_base {

namespace {

// A search query longer than this says nothing more to a search engine; it only makes the URL too long.
constexpr std::size_t maxQueryBytes = 1000;
constexpr double defaultScore = 0.5;

std::optional<std::string> stringField(const Poco::JSON::Object& item, const std::string& field) {
    if (!item.has(field) || item.isNull(field)) return std::nullopt;
    const Poco::Dynamic::Var value = item.get(field);
    if (!value.isString()) throw KnowledgeBaseError("'" + field + "' is not a string");
    return value.extract<std::string>();
}

// One result, or nothing when it breaks the contract.
std::optional<Suggestion> suggestionOf(const Poco::Dynamic::Var& entry) {
    if (entry.type() != typeid(Poco::JSON::Object::Ptr)) return std::nullopt;
    const Poco::JSON::Object::Ptr item = entry.extract<Poco::JSON::Object::Ptr>();
    Suggestion s;
    s.source = "knowledge_base";
    try {
        const auto text = stringField(*item, "text");
        if (!text || isBlank(*text) || !isValidUtf8(*text)) return std::nullopt;
        s.text = truncateUtf8(*text, maxTextBytes);
    } catch (const KnowledgeBaseError&) {
        return std::nullopt;
    }
    // The text is the answer; a title or link of the wrong type is only left out.
    try {
        const auto title = stringField(*item, "title");
        if (title && isValidUtf8(*title)) s.title = truncateUtf8(*title, maxTitleCharacters * 4);
    } catch (const KnowledgeBaseError&) {
    }
    try {
        const auto url = stringField(*item, "url");
        if (url && (url->rfind("http://", 0) == 0 || url->rfind("https://", 0) == 0) && url->size() <= 2048 &&
            isValidUtf8(*url)) {
            s.url = *url;
        }
    } catch (const KnowledgeBaseError&) {
    }
    s.score = defaultScore;
    if (item->has("score") && !item->isNull("score")) {
        const Poco::Dynamic::Var score = item->get("score");
        if (!score.isNumeric() || score.type() == typeid(bool)) return std::nullopt;
        const double value = score.convert<double>();
        if (!(value == value)) return std::nullopt;  // NaN
        s.score = std::clamp(value, 0.0, 1.0);
    }
    return s;
}

}  // namespace

using support::CurlDeleter;
using support::Download;
using support::HeadersDeleter;
using support::onBody;
using support::onProgress;

std::vector<Suggestion> parseSearchAnswer(const std::string& body, std::size_t limit) {
    Poco::Dynamic::Var parsed;
    try {
        parsed = Poco::JSON::Parser().parse(body);
    } catch (const Poco::Exception& e) {
        throw KnowledgeBaseError("the answer is not JSON: " + e.displayText());
    } catch (const std::exception& e) {
        throw KnowledgeBaseError(std::string("the answer is not JSON: ") + e.what());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) throw KnowledgeBaseError("the answer is not a JSON object");
    const Poco::JSON::Object::Ptr root = parsed.extract<Poco::JSON::Object::Ptr>();
    if (!root->has("results") || root->get("results").type() != typeid(Poco::JSON::Array::Ptr)) {
        throw KnowledgeBaseError("the answer has no \"results\" array");
    }
    const Poco::JSON::Array::Ptr results = root->getArray("results");
    std::vector<Suggestion> suggestions;
    for (std::size_t i = 0; i < results->size() && suggestions.size() < limit; ++i) {
        if (auto s = suggestionOf(results->get(static_cast<unsigned>(i)))) suggestions.push_back(std::move(*s));
    }
    if (suggestions.empty() && results->size() > 0) {
        throw KnowledgeBaseError("none of the " + std::to_string(results->size()) +
                                 " results has a usable \"text\" (a non-empty string) and a numeric \"score\"");
    }
    return suggestions;
}

KnowledgeBaseClient::KnowledgeBaseClient(const KnowledgeBaseConfig& config)
    : searchUrl_(config.searchUrl),
      authHeader_(config.authHeader),
      timeoutMs_(static_cast<long>(config.timeout.count())),
      maxResponseBytes_(config.maxResponseBytes) {}

std::string KnowledgeBaseClient::urlFor(const std::string& text, std::size_t limit) const {
    std::string query;
    Poco::URI::encode(truncateUtf8(text, maxQueryBytes), "!#$&'()*+,/:;=?@[]", query);
    const char separator = searchUrl_.find('?') == std::string::npos ? '?' : '&';
    return searchUrl_ + separator + "q=" + query + "&limit=" + std::to_string(limit);
}

std::vector<Suggestion> KnowledgeBaseClient::search(const std::string& text, std::size_t limit,
                                                    const std::atomic<bool>& cancel) const {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) throw KnowledgeBaseError("libcurl could not start a request");
    std::unique_ptr<curl_slist, HeadersDeleter> headers(curl_slist_append(nullptr, "Accept: application/json"));
    if (!authHeader_.empty()) {
        // Appending to a non-empty list returns that same list, or null (and leaves it alone) when out of memory.
        if (!headers || !curl_slist_append(headers.get(), ("Authorization: " + authHeader_).c_str())) {
            throw KnowledgeBaseError("libcurl could not build the request headers");
        }
    }
    Download download;
    download.limit = maxResponseBytes_;
    download.cancel = &cancel;
    const std::string url = urlFor(text, limit);
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_USERAGENT, "omnigate-knowledge-base/1");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we are one thread of many
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeoutMs_);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeoutMs_);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is not an answer (and may loop)
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(maxResponseBytes_));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &download);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &download);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);

    const CURLcode result = curl_easy_perform(c);
    if (download.tooLarge || result == CURLE_FILESIZE_EXCEEDED) {
        throw KnowledgeBaseError("the answer is larger than max_response_bytes (" + std::to_string(maxResponseBytes_) +
                                 " bytes)");
    }
    if (result == CURLE_ABORTED_BY_CALLBACK) throw KnowledgeBaseError("cancelled: the plugin is stopping");
    if (result == CURLE_OPERATION_TIMEDOUT) {
        throw KnowledgeBaseError("no answer within timeout_ms (" + std::to_string(timeoutMs_) + " ms)");
    }
    if (result != CURLE_OK) throw KnowledgeBaseError(std::string("the request failed: ") + curl_easy_strerror(result));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) throw KnowledgeBaseError("it answered HTTP " + std::to_string(status));
    return parseSearchAnswer(download.body, limit);
}

}  // namespace omnigate::knowledge_base
