#include "http_transfers.h"

#include <curl/curl.h>

#include <algorithm>
#include <stdexcept>

namespace omnigate::crm {

struct HttpTransfers::Transfer {
    std::uint64_t tag = 0;
    OutgoingRequest request;
    curl_slist* headers = nullptr;
    std::string body;
    std::string retryAfter;
    bool tooLarge = false;
    char error[CURL_ERROR_SIZE] = {};
    CURL* easy = nullptr;

    ~Transfer() {
        if (headers != nullptr) curl_slist_free_all(headers);
        if (easy != nullptr) curl_easy_cleanup(easy);
    }
};

namespace {

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<HttpTransfers::Transfer*>(user);
    const std::size_t n = size * count;
    if (t->body.size() + n > t->request.maxResponseBytes) {
        t->tooLarge = true;
        return 0;  // curl aborts the transfer with CURLE_WRITE_ERROR
    }
    t->body.append(data, n);
    return n;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<HttpTransfers::Transfer*>(user);
    const std::size_t n = size * count;
    const std::string line(data, n);
    const std::string name = "retry-after:";
    if (line.size() > name.size()) {
        std::string head = line.substr(0, name.size());
        std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
        if (head == name) t->retryAfter = line.substr(name.size());
    }
    return n;
}

std::string describeFailure(CURLcode code, const HttpTransfers::Transfer& t) {
    if (t.tooLarge || code == CURLE_FILESIZE_EXCEEDED) {
        return "the answer's body is larger than " + std::to_string(t.request.maxResponseBytes) +
               " bytes (max_response_bytes)";
    }
    const std::string detail = t.error[0] != '\0' ? std::string(t.error) : std::string(curl_easy_strerror(code));
    if (code == CURLE_OPERATION_TIMEDOUT) {
        return "timed out (timeout_ms " + std::to_string(t.request.timeout.count()) + "): " + detail;
    }
    return detail;
}

}  // namespace

HttpTransfers::HttpTransfers() {
    multi_ = curl_multi_init();
    if (multi_ == nullptr) throw std::runtime_error("libcurl could not create a multi handle");
}

HttpTransfers::~HttpTransfers() {
    for (auto& [easy, transfer] : transfers_) curl_multi_remove_handle(static_cast<CURLM*>(multi_), easy);
    transfers_.clear();
    curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

void HttpTransfers::start(std::uint64_t tag, OutgoingRequest request) {
    auto t = std::make_unique<Transfer>();
    t->tag = tag;
    t->request = std::move(request);
    t->easy = curl_easy_init();
    if (t->easy == nullptr) throw std::runtime_error("libcurl could not create an easy handle");
    CURL* e = t->easy;
    for (const std::string& h : t->request.headers) t->headers = curl_slist_append(t->headers, h.c_str());
    // No "Expect: 100-continue" round trip before the body.
    t->headers = curl_slist_append(t->headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_URL, t->request.url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->request.body.size()));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(t->request.connectTimeout.count()));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(t->request.timeout.count()));
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t->request.maxResponseBytes));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &onBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &onHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "omnigate-crm/1");
    if (curl_multi_add_handle(static_cast<CURLM*>(multi_), e) != CURLM_OK) {
        throw std::runtime_error("libcurl refused a transfer");
    }
    transfers_[e] = std::move(t);
}

std::vector<std::pair<std::uint64_t, TransferResult>> HttpTransfers::run(std::chrono::milliseconds wait) {
    CURLM* multi = static_cast<CURLM*>(multi_);
    int active = 0;
    curl_multi_perform(multi, &active);
    curl_multi_poll(multi, nullptr, 0, static_cast<int>(std::max<std::int64_t>(wait.count(), 0)), nullptr);
    curl_multi_perform(multi, &active);

    std::vector<std::pair<std::uint64_t, TransferResult>> done;
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
        if (message->msg != CURLMSG_DONE) continue;
        CURL* easy = message->easy_handle;
        const CURLcode code = message->data.result;
        auto it = transfers_.find(easy);
        if (it == transfers_.end()) continue;
        Transfer& t = *it->second;
        TransferResult result;
        if (code == CURLE_OK) {
            long status = 0;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
            result.outcome.answered = true;
            result.outcome.status = status;
            result.outcome.retryAfter = t.retryAfter;
            result.body = std::move(t.body);
        } else {
            result.outcome.error = describeFailure(code, t);
        }
        done.emplace_back(t.tag, std::move(result));
        curl_multi_remove_handle(multi, easy);
        transfers_.erase(it);
    }
    return done;
}

void HttpTransfers::wake() { curl_multi_wakeup(static_cast<CURLM*>(multi_)); }

}  // namespace omnigate::crm
