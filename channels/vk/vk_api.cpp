#include "vk_api.h"

#include <thread>

#include "vk_answer.h"

namespace omnigate::vk {

Poco::Dynamic::Var VkApi::call(const std::string& method, FormParams params, const std::atomic<bool>& cancel,
                                std::chrono::milliseconds timeout) const {
    params.emplace_back("access_token", config_.accessToken);
    params.emplace_back("v", config_.apiVersion);
    if (timeout.count() <= 0) timeout = std::chrono::duration_cast<std::chrono::milliseconds>(config_.requestTimeout);
    const std::string body = VkHttp::postForm(config_.apiUrl + "/" + method, params, timeout, cancel);
    return apiResponseOf(method, body);
}

Poco::Dynamic::Var VkApi::callRetrying(const std::string& method, const FormParams& params,
                                       const std::atomic<bool>& cancel) const {
    for (int attempt = 0;; ++attempt) {
        try {
            return call(method, params, cancel);
        } catch (const VkApiError& e) {
            if (!e.transient() || attempt >= config_.sendRetries) throw;
        } catch (const VkTransportError&) {
            if (attempt >= config_.sendRetries || cancel) throw;
        }
        // Waits in small steps so a stopping plugin is not held up by a back-off.
        const auto wait = config_.retryBase * (1 << std::min(attempt, 10));
        const auto until = std::chrono::steady_clock::now() + wait;
        while (std::chrono::steady_clock::now() < until) {
            if (cancel) throw VkTransportError("cancelled: the plugin is stopping");
            std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
                std::chrono::milliseconds(20), until - std::chrono::steady_clock::now()));
        }
    }
}

}  // namespace omnigate::vk
