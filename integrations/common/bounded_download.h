// The pieces of a libcurl call an integration makes to an outside service (a bot, a knowledge base): the answer
// collected up to a size limit (beyond it libcurl stops), a cancel flag checked while it runs (a stopping plugin
// does not wait for a hanging peer), and owners for the handles. Header-only, shared by the integration plugins.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <cstddef>
#include <string>

namespace omnigate::integrations {

struct Download {
    std::string body;
    std::size_t limit = 0;
    bool tooLarge = false;
    const std::atomic<bool>* cancel = nullptr;
};

// CURLOPT_WRITEFUNCTION with a Download as CURLOPT_WRITEDATA.
inline size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto* download = static_cast<Download*>(user);
    const std::size_t bytes = size * count;
    if (download->body.size() + bytes > download->limit) {
        download->tooLarge = true;
        return 0;  // libcurl stops with CURLE_WRITE_ERROR
    }
    download->body.append(data, bytes);
    return bytes;
}

// CURLOPT_XFERINFOFUNCTION with a Download as CURLOPT_XFERINFODATA: a non-zero answer aborts the transfer.
inline int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Download*>(user)->cancel->load() ? 1 : 0;
}

struct CurlDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct HeadersDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace omnigate::integrations
