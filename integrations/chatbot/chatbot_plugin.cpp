#include "chatbot_plugin.h"

#include <curl/curl.h>

OMNIGATE_PLUGIN(omnigate::chatbot::ChatbotPlugin)

namespace omnigate::chatbot {

// libcurl's global state is reference-counted: the other integrations in the same process may hold it too.
ChatbotPlugin::ChatbotPlugin() { curl_global_init(CURL_GLOBAL_DEFAULT); }

ChatbotPlugin::~ChatbotPlugin() {
    worker_.reset();
    curl_global_cleanup();
}

LoadResult ChatbotPlugin::load(Host& host) {
    host_ = &host;
    const std::vector<AccountConfig>& entries = host.accounts();
    if (entries.empty()) return LoadResult::decline("no chatbot integration configured");
    if (entries.size() > 1) {
        // Queues say only "bot first", not which bot: two would both answer every client.
        return LoadResult::failure("chatbot is configured " + std::to_string(entries.size()) +
                                   " times: keep one entry (one bot serves every bot-first queue)");
    }
    const AccountConfig& entry = entries.front();
    config_ = parseChatbotConfig(entry.id, entry.settings);

    stats_ = std::make_unique<BotStats>(host);
    api_ = std::make_unique<BotApi>(host, config_, *stats_);
    api_->registerRoutes();
    // Named after the entry: daemons sharing a database and this entry share the work.
    worker_ = std::make_unique<ConversationWorker>(host, config_, *stats_, "bot-" + entry.id);
    host.log(LogLevel::Info, "chatbot: '" + entry.id + "' gives interactions of bot-first queues to " +
                                 config_.botUrl + " (timeout " + std::to_string(config_.timeout.count()) +
                                 " ms, history " + std::to_string(config_.historyLimit) + " messages)");
    return LoadResult::success();
}

void ChatbotPlugin::start() {
    if (!worker_) return;
    try {
        stats_->publishGauges();
    } catch (const std::exception& e) {
        host_->log(LogLevel::Warning, std::string("chatbot: the counts could not be read yet: ") + e.what());
    }
    worker_->start();
}

void ChatbotPlugin::stop() {
    if (worker_) worker_->stop();
}

}  // namespace omnigate::chatbot
