#include "chatbot_plugin.h"

#include <curl/curl.h>

#include <map>

OMNIGATE_PLUGIN(omnigate::chatbot::ChatbotPlugin)

namespace omnigate::chatbot {

// libcurl's global state is reference-counted: the other integrations in the same process may hold it too.
ChatbotPlugin::ChatbotPlugin() { curl_global_init(CURL_GLOBAL_DEFAULT); }

ChatbotPlugin::~ChatbotPlugin() {
    workers_.clear();
    curl_global_cleanup();
}

LoadResult ChatbotPlugin::load(BotHost& host) {
    host_ = &host;
    const std::vector<AccountConfig>& entries = host.accounts();
    if (entries.empty()) return LoadResult::decline("no chatbot integration configured");
    for (const AccountConfig& entry : entries) configs_.push_back(parseChatbotConfig(entry.id, entry.settings));
    if (configs_.size() > 1) {
        // Queues say only "bot first", not which bot: with several bots each names its queues, and a queue has one.
        std::map<std::string, std::string> owner;
        for (const ChatbotConfig& config : configs_) {
            if (config.queues.empty()) {
                return LoadResult::failure("chatbot '" + config.id + "' names no `queues`: with " +
                                           std::to_string(configs_.size()) +
                                           " chatbot entries each must name the bot-first queues its bot answers");
            }
            for (const std::string& queue : config.queues) {
                const auto [it, first] = owner.emplace(queue, config.id);
                if (!first) {
                    return LoadResult::failure("the queue '" + queue + "' is named by the chatbots '" + it->second +
                                               "' and '" + config.id + "': give each queue one bot");
                }
            }
        }
    }

    stats_ = std::make_unique<BotStats>(host);
    api_ = std::make_unique<BotApi>(host, configs_, *stats_);
    api_->registerRoutes();
    for (const ChatbotConfig& config : configs_) {
        // Named after the entry: daemons sharing a database and this entry share the work.
        workers_.push_back(std::make_unique<ConversationWorker>(host, config, *stats_, "bot-" + config.id));
        std::string queues;
        for (const std::string& q : config.queues) queues += (queues.empty() ? "" : ", ") + q;
        host.log(LogLevel::Info, "chatbot: '" + config.id + "' gives interactions of " +
                                     (queues.empty() ? "bot-first queues" : "the bot-first queues " + queues) +
                                     " to " + config.botUrl + " (timeout " + std::to_string(config.timeout.count()) +
                                     " ms, history " + std::to_string(config.historyLimit) + " messages)");
    }
    return LoadResult::success();
}

void ChatbotPlugin::start() {
    if (workers_.empty()) return;
    try {
        stats_->publishGauges();
    } catch (const std::exception& e) {
        host_->log(LogLevel::Warning, std::string("chatbot: the counts could not be read yet: ") + e.what());
    }
    for (const auto& worker : workers_) worker->start();
}

void ChatbotPlugin::stop() {
    for (const auto& worker : workers_) worker->stop();
}

}  // namespace omnigate::chatbot
