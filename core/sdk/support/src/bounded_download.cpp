#include "omnigate/support/bounded_download.h"

namespace omnigate::support {

size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto* download = static_cast<Download*>(user);
    const std::size_t bytes = size * count;
    if (download->body.size() + bytes > download->limit) {
        download->tooLarge = true;
        return 0;  // libcurl stops with CURLE_WRITE_ERROR
    }
    download->body.append(data, bytes);
    return bytes;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Download*>(user)->cancel->load() ? 1 : 0;
}

}  // namespace omnigate::support
