#include "whatsapp_config.h"

#include <cctype>

namespace omnigate::whatsapp {

namespace {

bool allDigits(const std::string& s) {
    if (s.empty()) return false;
    for (const char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

// "v19.0": Graph API versions are always v<major>.<minor>.
bool isApiVersion(const std::string& s) {
    if (s.size() < 4 || s[0] != 'v') return false;
    const std::size_t dot = s.find('.');
    if (dot == std::string::npos) return false;
    return allDigits(s.substr(1, dot - 1)) && allDigits(s.substr(dot + 1));
}

std::string nonEmpty(const ConfigNode& settings, const std::string& key, const std::string& hint) {
    const ConfigNode node = settings.child(key);
    std::string value = node.asString();
    if (value.empty()) node.fail("must not be empty (" + hint + ")");
    return value;
}

}  // namespace

WhatsappConfig parseWhatsappConfig(const ConfigNode& settings) {
    settings.expectMap();
    settings.expectKeys({"phone_number_id", "app_secret", "verify_token", "access_token", "graph_url", "api_version",
                         "send_attempts", "retry_backoff_ms", "request_timeout_ms", "media_retry_seconds",
                         "media_max_attempts", "max_media_bytes"});
    WhatsappConfig config;

    const ConfigNode phone = settings.child("phone_number_id");
    config.phoneNumberId = phone.asString();
    if (!allDigits(config.phoneNumberId)) {
        phone.fail("must be the phone number's Graph API id (digits only, from the app's WhatsApp > API Setup page), "
                   "got '" + config.phoneNumberId + "'");
    }
    config.appSecret = nonEmpty(settings, "app_secret",
                                "the app secret of the Meta app, which signs the webhooks; keep it in the environment "
                                "as ${OMNIGATE_WA_APP_SECRET}");
    config.verifyToken = nonEmpty(settings, "verify_token",
                                  "any string you also enter as the webhook's Verify token in the Meta app");
    config.accessToken = nonEmpty(settings, "access_token",
                                  "a system user's access token with whatsapp_business_messaging; keep it in the "
                                  "environment as ${OMNIGATE_WA_TOKEN}");

    if (settings.has("graph_url")) {
        const ConfigNode url = settings["graph_url"];
        std::string value = url.asString();
        while (!value.empty() && value.back() == '/') value.pop_back();
        if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0) {
            url.fail("must be an http:// or https:// URL, got '" + value + "'");
        }
        config.graphUrl = value;
    }
    if (settings.has("api_version")) {
        const ConfigNode version = settings["api_version"];
        config.apiVersion = version.asString();
        if (!isApiVersion(config.apiVersion)) {
            version.fail("must be a Graph API version such as v19.0, got '" + config.apiVersion + "'");
        }
    }
    config.sendAttempts = static_cast<int>(settings.getInt("send_attempts", 3, 1, 10));
    config.retryBackoff = std::chrono::milliseconds(settings.getInt("retry_backoff_ms", 500, 0, 60000));
    config.requestTimeout = std::chrono::milliseconds(settings.getInt("request_timeout_ms", 15000, 100, 300000));
    config.mediaRetryInterval = std::chrono::seconds(settings.getInt("media_retry_seconds", 60, 1, 86400));
    config.mediaMaxAttempts = static_cast<int>(settings.getInt("media_max_attempts", 20, 1, 1000));
    // WhatsApp's own limit is 100 MB per media file.
    config.maxMediaBytes = static_cast<std::size_t>(settings.getInt("max_media_bytes", 16 * 1024 * 1024, 1, 104857600));
    return config;
}

}  // namespace omnigate::whatsapp
