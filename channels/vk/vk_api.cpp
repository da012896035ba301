#include "vk_api.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <thread>

namespace omnigate::vk {

Poco::Dynamic::Var VkApi::call(const std::string& method, FormParams params, const std::atomic<bool>& cancel,
                                std::chrono::milliseconds timeout) const {
    params.emplace_back("access_token", config_.accessToken);
    params.emplace_back("v", config_.apiVersion);
    if (timeout.count() <= 0) timeout = std::chrono::duration_cast<std::chrono::milliseconds>(config_.requestTimeout);
    const std::string body = VkHttp::postForm(config_.apiUrl + "/" + method, params, timeout, cancel);
    Poco::JSON::Object::Ptr answer;
    try {
        const Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(body);
        if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) answer = parsed.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
    }
    if (!answer) throw VkTransportError(method + " answered something that is not a JSON object");
    if (const Poco::JSON::Object::Ptr error = answer->getObject("error")) {
        int code = 0;
        std::string text;
        try {
            code = error->optValue<int>("error_code", 0);
            text = error->optValue<std::string>("error_msg", "");
        } catch (const Poco::Exception&) {
        }
        throw VkApiError(code, text.empty() ? "no error_msg" : text);
    }
    if (!answer->has("response")) throw VkTransportError(method + " answered neither 'response' nor 'error'");
    return answer->get("response");
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
