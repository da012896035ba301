#include "webchat_config.h"

namespace omnigate::webchat {

namespace {

// Shorter HMAC keys are guessable offline from a single token the attacker holds.
constexpr std::size_t minimumSecretLength = 16;

}  // namespace

WebchatConfig parseWebchatConfig(const ConfigNode& settings) {
    settings.expectKeys(
        {"token_secret", "token_ttl_seconds", "max_text_bytes", "history_limit", "max_sockets_per_visitor"});

    WebchatConfig config;
    const ConfigNode secret = settings.child("token_secret");
    config.tokenSecret = secret.asString();
    if (config.tokenSecret.size() < minimumSecretLength) {
        secret.fail("must be at least " + std::to_string(minimumSecretLength) + " characters long, got " +
                    std::to_string(config.tokenSecret.size()) +
                    " (it signs the visitors' session tokens: use a long random value, e.g. `openssl rand -hex 32`, "
                    "and keep it in the environment as ${OMNIGATE_WEBCHAT_SECRET})");
    }
    config.tokenTtl = std::chrono::seconds(settings.getInt("token_ttl_seconds", 86400, 60, 31536000));
    config.maxTextBytes = static_cast<std::size_t>(settings.getInt("max_text_bytes", 4096, 1, 65536));
    config.historyLimit = static_cast<std::size_t>(settings.getInt("history_limit", 100, 1, 1000));
    config.maxSocketsPerVisitor = static_cast<std::size_t>(settings.getInt("max_sockets_per_visitor", 8, 1, 100));
    return config;
}

}  // namespace omnigate::webchat
