#include "vk_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "omnigate/support/bounded_download.h"

namespace omnigate::vk {

using support::CurlDeleter;
using support::Download;
using support::onBody;
using support::onProgress;

namespace {

struct MimeDeleter {
    void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};

std::unique_ptr<CURL, CurlDeleter> handle(const std::string& url, Download& download,
                                          std::chrono::milliseconds timeout) {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) throw VkTransportError("libcurl could not start a request");
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_USERAGENT, "omnigate-vk/1");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we are one thread of many
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long long>(timeout.count(), 10000)));
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(download.limit));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &download);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &download);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    return curl;
}

// Never the URL in the message: API calls carry the access token in their form, uploads a signed URL.
std::string perform(CURL* c, Download& download, std::string* contentType = nullptr) {
    const CURLcode result = curl_easy_perform(c);
    if (download.tooLarge || result == CURLE_FILESIZE_EXCEEDED) {
        throw VkTransportError("the answer is larger than " + std::to_string(download.limit) + " bytes");
    }
    if (result == CURLE_ABORTED_BY_CALLBACK) throw VkTransportError("cancelled: the plugin is stopping");
    if (result == CURLE_UNSUPPORTED_PROTOCOL) {
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 300 && status <= 399) {
            throw VkRefusedRedirect("redirected to a URL that is not https://");
        }
    }
    if (result != CURLE_OK) throw VkTransportError(std::string("the request failed: ") + curl_easy_strerror(result));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) throw VkTransportError("the server answered HTTP " + std::to_string(status));
    if (contentType != nullptr) {
        char* type = nullptr;
        curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
        if (type != nullptr) *contentType = type;
    }
    return std::move(download.body);
}

}  // namespace

std::string VkHttp::encodeForm(const FormParams& params) {
    std::string out;
    for (const auto& [name, value] : params) {
        if (!out.empty()) out += '&';
        for (const std::string* part : {&name, &value}) {
            for (const unsigned char c : *part) {
                if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
                    out += static_cast<char>(c);
                } else {
                    static const char hex[] = "0123456789ABCDEF";
                    out += '%';
                    out += hex[c >> 4];
                    out += hex[c & 15];
                }
            }
            if (part == &name) out += '=';
        }
    }
    return out;
}

std::string VkHttp::postForm(const std::string& url, const FormParams& params, std::chrono::milliseconds timeout,
                             const std::atomic<bool>& cancel, std::size_t limit) {
    Download download;
    download.limit = limit;
    download.cancel = &cancel;
    auto curl = handle(url, download, timeout);
    const std::string body = encodeForm(params);
    curl_easy_setopt(curl.get(), CURLOPT_POST, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
    return perform(curl.get(), download);
}

std::string VkHttp::get(const std::string& url, std::chrono::milliseconds timeout, const std::atomic<bool>& cancel,
                        std::size_t limit) {
    Download download;
    download.limit = limit;
    download.cancel = &cancel;
    auto curl = handle(url, download, timeout);
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
    return perform(curl.get(), download);
}

std::string VkHttp::postFile(const std::string& url, const std::string& field, const std::string& bytes,
                             const std::string& fileName, const std::string& mimeType,
                             std::chrono::milliseconds timeout, const std::atomic<bool>& cancel) {
    Download download;
    download.limit = 1024 * 1024;
    download.cancel = &cancel;
    auto curl = handle(url, download, timeout);
    std::unique_ptr<curl_mime, MimeDeleter> mime(curl_mime_init(curl.get()));
    curl_mimepart* part = curl_mime_addpart(mime.get());
    curl_mime_name(part, field.c_str());
    curl_mime_data(part, bytes.data(), bytes.size());
    curl_mime_filename(part, fileName.empty() ? "file" : fileName.c_str());
    if (!mimeType.empty()) curl_mime_type(part, mimeType.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_MIMEPOST, mime.get());
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
    return perform(curl.get(), download);
}

HttpAnswer VkHttp::download(const std::string& url, std::size_t limit, std::chrono::milliseconds timeout,
                            const std::atomic<bool>& cancel) {
    Download download;
    download.limit = limit;
    download.cancel = &cancel;
    auto curl = handle(url, download, timeout);
    // VK's media CDN answers from other hosts now and then, always over https: a redirect elsewhere (to http, to a
    // plaintext service inside our network) is someone else's choice of where the daemon connects.
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(curl.get(), CURLOPT_MAXREDIRS, 3L);
    HttpAnswer answer;
    answer.body = perform(curl.get(), download, &answer.contentType);
    return answer;
}

}  // namespace omnigate::vk
