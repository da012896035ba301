#include "graph_api_client.h"

#include <curl/curl.h>

#include <memory>

#include "omnigate/support/bounded_download.h"

namespace omnigate::whatsapp {

namespace {

using support::CurlDeleter;
using support::Download;
using support::HeadersDeleter;

constexpr std::size_t maximumAnswerBytes = 1024 * 1024;  // a JSON answer of the Graph API is a few hundred bytes

struct MimeDeleter {
    void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};

}  // namespace

GraphApiClient::GraphApiClient(const WhatsappConfig& config, const std::atomic<bool>& cancel)
    : config_(config), cancel_(cancel) {}

namespace {

struct Call {
    std::unique_ptr<CURL, CurlDeleter> curl{curl_easy_init()};
    std::unique_ptr<curl_slist, HeadersDeleter> headers;
    Download download;

    void header(const std::string& line) {
        curl_slist* list = curl_slist_append(headers.get(), line.c_str());
        if (list && !headers) headers.reset(list);
    }
};

GraphResponse perform(Call& call, const WhatsappConfig& config, const std::atomic<bool>& cancel,
                      const std::string& url, std::size_t limit) {
    GraphResponse response;
    if (!call.curl) {
        response.transportError = "libcurl could not start a request";
        response.connectFailed = true;
        return response;
    }
    call.header("Authorization: Bearer " + config.accessToken);
    call.header("Expect:");
    call.download.limit = limit;
    call.download.cancel = &cancel;
    const long timeoutMs = static_cast<long>(config.requestTimeout.count());
    CURL* c = call.curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, call.headers.get());
    curl_easy_setopt(c, CURLOPT_USERAGENT, "omnigate-whatsapp/1");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeoutMs);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeoutMs);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limit));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, support::onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &call.download);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, support::onProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &call.download);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);

    const CURLcode result = curl_easy_perform(c);
    if (call.download.tooLarge || result == CURLE_FILESIZE_EXCEEDED) {
        response.transportError = "the answer is larger than " + std::to_string(limit) + " bytes";
        return response;
    }
    if (result != CURLE_OK) {
        response.transportError = result == CURLE_ABORTED_BY_CALLBACK ? "cancelled: the plugin is stopping"
                                                                      : curl_easy_strerror(result);
        response.connectFailed = result == CURLE_COULDNT_CONNECT || result == CURLE_COULDNT_RESOLVE_HOST;
        return response;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.httpStatus);
    char* type = nullptr;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    if (type) response.contentType = type;
    response.body = std::move(call.download.body);
    return response;
}

}  // namespace

GraphResponse GraphApiClient::get(const std::string& url, std::size_t limit) const {
    Call call;
    return perform(call, config_, cancel_, url, limit);
}

GraphResponse GraphApiClient::postJson(const std::string& url, const std::string& json) const {
    Call call;
    call.header("Content-Type: application/json");
    if (call.curl) {
        curl_easy_setopt(call.curl.get(), CURLOPT_POST, 1L);
        curl_easy_setopt(call.curl.get(), CURLOPT_POSTFIELDS, json.data());
        curl_easy_setopt(call.curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json.size()));
    }
    return perform(call, config_, cancel_, url, maximumAnswerBytes);
}

GraphResponse GraphApiClient::uploadMedia(const std::string& url, const std::string& bytes,
                                          const std::string& mimeType, const std::string& fileName) const {
    Call call;
    std::unique_ptr<curl_mime, MimeDeleter> form;
    if (call.curl) {
        form.reset(curl_mime_init(call.curl.get()));
        curl_mimepart* part = curl_mime_addpart(form.get());
        curl_mime_name(part, "messaging_product");
        curl_mime_data(part, "whatsapp", CURL_ZERO_TERMINATED);
        part = curl_mime_addpart(form.get());
        curl_mime_name(part, "type");
        curl_mime_data(part, mimeType.c_str(), CURL_ZERO_TERMINATED);
        part = curl_mime_addpart(form.get());
        curl_mime_name(part, "file");
        curl_mime_data(part, bytes.data(), bytes.size());
        curl_mime_filename(part, fileName.empty() ? "file" : fileName.c_str());
        curl_mime_type(part, mimeType.c_str());
        curl_easy_setopt(call.curl.get(), CURLOPT_MIMEPOST, form.get());
    }
    return perform(call, config_, cancel_, url, maximumAnswerBytes);
}

}  // namespace omnigate::whatsapp
