#include "chatbot_config.h"


namespace omnigate::chatbot {

namespace {

// Secrets this short are guessable; the same floor the web chat applies to its token secret.
constexpr std::size_t minSecretBytes = 16;

std::string secretOf(const ConfigNode& settings, const std::string& key) {
    const std::string value = settings.getString(key);
    if (value.size() < minSecretBytes) {
        settings[key].fail("expected at least " + std::to_string(minSecretBytes) +
                           " characters (keep it in the environment: ${NAME})");
    }
    if (value.find_first_of(" \t\r\n") != std::string::npos) settings[key].fail("must not contain spaces or line breaks");
    return value;
}

}  // namespace

ChatbotConfig parseChatbotConfig(const std::string& id, const ConfigNode& settings) {
    settings.expectMap();
    settings.expectKeys(
        {"bot_url", "secret", "bot_token", "timeout_ms", "history_limit", "max_response_bytes", "queues"});

    ChatbotConfig config;
    config.id = id;
    config.botUrl = settings.getString("bot_url");
    if (config.botUrl.rfind("http://", 0) != 0 && config.botUrl.rfind("https://", 0) != 0) {
        settings["bot_url"].fail("expected an http:// or https:// URL, got '" + config.botUrl + "'");
    }
    if (config.botUrl.find_first_of(" \t\r\n#") != std::string::npos) {
        settings["bot_url"].fail("must not contain spaces, line breaks or a #fragment");
    }
    config.secret = secretOf(settings, "secret");
    config.botToken = secretOf(settings, "bot_token");
    config.timeout = std::chrono::milliseconds(settings.getInt("timeout_ms", 5000, 100, 60000));
    config.historyLimit = static_cast<std::size_t>(settings.getInt("history_limit", 20, 0, 200));
    config.maxResponseBytes =
        static_cast<std::size_t>(settings.getInt("max_response_bytes", 65536, 1024, 4 * 1024 * 1024));
    if (settings.has("queues")) {
        const ConfigNode queues = settings["queues"];
        if (!queues.isSequence()) queues.fail("expected a list of queue ids");
        for (const ConfigNode& queue : queues.elements()) {
            const std::string id = queue.asString();
            if (id.empty()) queue.fail("expected a queue id");
            config.queues.push_back(id);
        }
        if (config.queues.empty()) queues.fail("expected at least one queue id (leave `queues` out for every queue)");
    }
    return config;
}

bool ChatbotConfig::serves(const std::string& queue) const {
    if (queues.empty()) return true;
    for (const std::string& q : queues) {
        if (q == queue) return true;
    }
    return false;
}

}  // namespace omnigate::chatbot
