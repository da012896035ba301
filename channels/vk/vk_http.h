// The plugin's only door to the network: libcurl behind four small calls (a form POST for API methods, a GET for
// Long Poll, a multipart POST for uploads, a size-bounded download for media), each with a timeout and a cancel
// flag so a stopping plugin never waits for a hanging peer. Tests point every URL at a local server.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace omnigate::vk {

// The call did not produce an HTTP 2xx answer (network, timeout, cancelled, too large, another status).
class VkTransportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A download was redirected to a URL that is not https://: not followed, and asking again would not help.
class VkRefusedRedirect : public VkTransportError {
public:
    using VkTransportError::VkTransportError;
};

using FormParams = std::vector<std::pair<std::string, std::string>>;

struct HttpAnswer {
    std::string body;
    std::string contentType;
};

class VkHttp {
public:
    static std::string encodeForm(const FormParams& params);

    static std::string postForm(const std::string& url, const FormParams& params, std::chrono::milliseconds timeout,
                                const std::atomic<bool>& cancel, std::size_t limit = 4 * 1024 * 1024);
    static std::string get(const std::string& url, std::chrono::milliseconds timeout, const std::atomic<bool>& cancel,
                           std::size_t limit = 4 * 1024 * 1024);
    static std::string postFile(const std::string& url, const std::string& field, const std::string& bytes,
                                const std::string& fileName, const std::string& mimeType,
                                std::chrono::milliseconds timeout, const std::atomic<bool>& cancel);
    // Follows redirects to https:// URLs only (VkRefusedRedirect otherwise). Throws VkTransportError, saying
    // "larger than" when the file exceeds `limit`.
    static HttpAnswer download(const std::string& url, std::size_t limit, std::chrono::milliseconds timeout,
                               const std::atomic<bool>& cancel);
};

}  // namespace omnigate::vk
