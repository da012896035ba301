// The pieces of a libcurl call a plugin makes to an outside service (a provider's API, a bot, a knowledge base): the
// answer collected up to a size limit (beyond it libcurl stops), a cancel flag checked while it runs (a stopping
// plugin does not wait for a hanging peer), and owners for the handles.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <cstddef>
#include <string>

namespace omnigate::support {

struct Download {
    std::string body;
    std::size_t limit = 0;
    bool tooLarge = false;
    const std::atomic<bool>* cancel = nullptr;
};

// CURLOPT_WRITEFUNCTION with a Download as CURLOPT_WRITEDATA.
size_t onBody(char* data, size_t size, size_t count, void* user);

// CURLOPT_XFERINFOFUNCTION with a Download as CURLOPT_XFERINFODATA: a non-zero answer aborts the transfer.
int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

struct CurlDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct HeadersDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace omnigate::support
