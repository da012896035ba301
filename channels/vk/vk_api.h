// VK's API methods for one community: `{api_url}/{method}` POSTed form-encoded with the access token and the API
// version, the answer's `response` handed back and its `error` turned into a VkApiError with VK's code. The
// back-off policy for "too many requests" lives here too, so every caller waits the same way.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>

#include "vk_config.h"
#include "vk_http.h"

namespace omnigate::vk {

class VkApiError : public std::runtime_error {
public:
    VkApiError(int code, const std::string& message)
        : std::runtime_error("VK error " + std::to_string(code) + ": " + message), code_(code), text_(message) {}
    int code() const noexcept { return code_; }
    const std::string& text() const noexcept { return text_; }

    // 6 too many requests per second, 9 flood control, 10 internal server error: the same call later may pass.
    bool transient() const noexcept { return code_ == 6 || code_ == 9 || code_ == 10; }

private:
    int code_;
    std::string text_;
};

// The documented codes this channel acts on.
namespace vk_errors {
constexpr int authorizationFailed = 5;  // the access token expired or was revoked
constexpr int tooManyRequests = 6;
constexpr int flood = 9;
constexpr int noPermissionToWrite = 901;  // the user has not allowed messages from the community
constexpr int privacySettings = 902;      // the user's privacy settings forbid it
}  // namespace vk_errors

class VkApi {
public:
    explicit VkApi(const VkConfig& config) : config_(config) {}

    // One call, within `timeout` (0: the account's request_timeout_seconds). Throws VkApiError (VK said no) or
    // VkTransportError (no answer, or not JSON).
    Poco::Dynamic::Var call(const std::string& method, FormParams params, const std::atomic<bool>& cancel,
                            std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) const;
    // The call again after a transient VK error or a failed transfer, config.sendRetries times with doubling waits
    // from config.retryBase; only for calls that are safe to repeat (reads, or writes carrying random_id/guid).
    Poco::Dynamic::Var callRetrying(const std::string& method, const FormParams& params,
                                    const std::atomic<bool>& cancel) const;

    const VkConfig& config() const { return config_; }

private:
    const VkConfig& config_;
};

}  // namespace omnigate::vk
