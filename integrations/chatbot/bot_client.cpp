#include "bot_client.h"

#include <curl/curl.h>

#include <chrono>
#include <memory>

#include "omnigate/support/bounded_download.h"
#include "omnigate/sdk/secrets.h"

namespace omnigate::chatbot {

using support::CurlDeleter;
using support::Download;
using support::HeadersDeleter;
using support::onBody;
using support::onProgress;

BotClient::BotClient(const ChatbotConfig& config) : config_(config) {}

std::string BotClient::post(const std::string& event, const std::string& deliveryId, const std::string& body,
                            const std::atomic<bool>& cancel) const {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) throw BotCallError("libcurl could not start a request");
    const std::string timestamp = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    std::unique_ptr<curl_slist, HeadersDeleter> headers;
    for (const std::string& h :
         {std::string("Content-Type: application/json"), std::string("Accept: application/json"),
          "X-Omnigate-Event: " + event, "X-Omnigate-Delivery: " + deliveryId, "X-Omnigate-Timestamp: " + timestamp,
          "X-Omnigate-Signature: " + webhookSignature(config_.secret, timestamp, body), std::string("Expect:")}) {
        curl_slist* list = curl_slist_append(headers.get(), h.c_str());
        if (!list) throw BotCallError("libcurl could not build the request headers");
        if (!headers) headers.reset(list);
    }
    Download download;
    download.limit = config_.maxResponseBytes;
    download.cancel = &cancel;
    const long timeoutMs = static_cast<long>(config_.timeout.count());
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, config_.botUrl.c_str());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_USERAGENT, "omnigate-chatbot/1");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we are one thread of many
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeoutMs);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeoutMs);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is not an answer (and may loop)
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(config_.maxResponseBytes));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &download);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &download);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);

    const CURLcode result = curl_easy_perform(c);
    if (download.tooLarge || result == CURLE_FILESIZE_EXCEEDED) {
        throw BotCallError("the answer is larger than max_response_bytes (" +
                           std::to_string(config_.maxResponseBytes) + " bytes)");
    }
    if (result == CURLE_ABORTED_BY_CALLBACK) throw BotCallError("cancelled: the plugin is stopping");
    if (result == CURLE_OPERATION_TIMEDOUT) {
        throw BotCallError("no answer within timeout_ms (" + std::to_string(timeoutMs) + " ms)");
    }
    if (result != CURLE_OK) throw BotCallError(std::string("the call failed: ") + curl_easy_strerror(result));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) throw BotCallError("it answered HTTP " + std::to_string(status));
    return download.body;
}

}  // namespace omnigate::chatbot
