#include "vk_config.h"

namespace omnigate::vk {

namespace {

// The secret is the only thing that tells VK's events from anyone else's POST: a short one is guessable.
constexpr std::size_t minimumSecretLength = 8;

}  // namespace

VkConfig parseVkConfig(const ConfigNode& settings) {
    settings.expectKeys({"group_id", "access_token", "secret", "confirmation", "api_url", "api_version", "mode",
                         "long_poll_wait_seconds", "request_timeout_seconds", "max_media_bytes",
                         "media_retry_seconds", "media_retry_attempts", "send_retries", "retry_base_ms",
                         "fetch_names"});
    VkConfig config;
    config.groupId = settings.getInt("group_id", 1, INT64_MAX);
    const ConfigNode token = settings.child("access_token");
    config.accessToken = token.asString();
    if (config.accessToken.empty()) token.fail("must not be empty (the community's access key, from its API settings)");

    const std::string mode = settings.getString("mode", "callback");
    if (mode == "callback") {
        config.mode = VkMode::Callback;
    } else if (mode == "longpoll") {
        config.mode = VkMode::LongPoll;
    } else {
        settings["mode"].fail("must be 'callback' or 'longpoll', got '" + mode + "'");
    }

    // Long Poll needs neither: VK sends nothing to us. Callback mode cannot work without them.
    if (config.mode == VkMode::Callback) {
        const ConfigNode secret = settings.child("secret");
        config.secret = secret.asString();
        if (config.secret.size() < minimumSecretLength) {
            secret.fail("must be at least " + std::to_string(minimumSecretLength) +
                        " characters long (the Callback API 'secret key': set the same value in the community's "
                        "Callback API settings and keep it in the environment, e.g. ${OMNIGATE_VK_SECRET})");
        }
        const ConfigNode confirmation = settings.child("confirmation");
        config.confirmation = confirmation.asString();
        if (config.confirmation.empty()) confirmation.fail("must not be empty (the string VK shows for the server)");
    } else {
        config.secret = settings.getString("secret", "");
        config.confirmation = settings.getString("confirmation", "");
    }

    config.apiUrl = settings.getString("api_url", config.apiUrl);
    if (config.apiUrl.rfind("http://", 0) != 0 && config.apiUrl.rfind("https://", 0) != 0) {
        settings["api_url"].fail("must start with http:// or https://, got '" + config.apiUrl + "'");
    }
    while (!config.apiUrl.empty() && config.apiUrl.back() == '/') config.apiUrl.pop_back();
    config.apiVersion = settings.getString("api_version", config.apiVersion);
    // The event shapes this plugin reads are those of 5.103 and later, with the older flat message_new accepted.
    if (config.apiVersion.empty() || config.apiVersion.find_first_not_of("0123456789.") != std::string::npos) {
        settings["api_version"].fail("must be a VK API version such as 5.199, got '" + config.apiVersion + "'");
    }
    config.longPollWait = std::chrono::seconds(settings.getInt("long_poll_wait_seconds", 25, 1, 90));
    config.requestTimeout = std::chrono::seconds(settings.getInt("request_timeout_seconds", 20, 1, 300));
    config.maxMediaBytes = static_cast<std::size_t>(
        settings.getInt("max_media_bytes", 20 * 1024 * 1024, 1024, 200 * 1024 * 1024));
    config.mediaRetryInterval = std::chrono::seconds(settings.getInt("media_retry_seconds", 60, 1, 86400));
    config.mediaRetryAttempts = static_cast<int>(settings.getInt("media_retry_attempts", 10, 0, 1000));
    config.sendRetries = static_cast<int>(settings.getInt("send_retries", 3, 0, 10));
    config.retryBase = std::chrono::milliseconds(settings.getInt("retry_base_ms", 500, 1, 60000));
    config.fetchNames = settings.getBool("fetch_names", true);
    return config;
}

}  // namespace omnigate::vk
