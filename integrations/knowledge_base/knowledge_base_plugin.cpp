#include "knowledge_base_plugin.h"

#include <curl/curl.h>

#include "template_move.h"

OMNIGATE_PLUGIN(omnigate::knowledge_base::KnowledgeBasePlugin)

namespace omnigate::knowledge_base {

// libcurl's global state is reference-counted: the CRM plugin in the same process may hold it too.
KnowledgeBasePlugin::KnowledgeBasePlugin() { curl_global_init(CURL_GLOBAL_DEFAULT); }

KnowledgeBasePlugin::~KnowledgeBasePlugin() {
    worker_.reset();
    curl_global_cleanup();
}

LoadResult KnowledgeBasePlugin::load(IntegrationHost& host) {
    host_ = &host;
    const std::vector<AccountConfig>& entries = host.accounts();
    if (entries.empty()) return LoadResult::decline("no knowledge_base integration configured");
    if (entries.size() > 1) {
        return LoadResult::failure("knowledge_base is configured " + std::to_string(entries.size()) +
                                   " times: keep one entry (it holds every template and the one search URL)");
    }
    const AccountConfig& entry = entries.front();
    config_ = parseKnowledgeBaseConfig(entry.settings);

    const TemplateMove::Result moved = TemplateMove(host).run(config_.templates);
    if (moved.moved > 0 || moved.kept > 0) {
        host.log(LogLevel::Info, "knowledge_base: " + std::to_string(moved.moved) +
                                     " response template(s) moved into the core's templates, " +
                                     std::to_string(moved.kept) + " kept here (see the warnings)");
    }
    // The sink is named after the entry: daemons sharing a database and this entry share the work; a differently
    // configured entry (another id) keeps a queue of its own.
    worker_ = std::make_unique<SuggestionWorker>(host, config_, "suggest-" + entry.id);

    host.log(LogLevel::Info, "knowledge_base: '" + entry.id + "' suggests up to " +
                                 std::to_string(config_.maxSuggestions) + " answer(s) per client message from " +
                                 (config_.searchUrl.empty() ? std::string("the templates only")
                                                            : config_.searchUrl + " and the templates"));
    return LoadResult::success();
}

void KnowledgeBasePlugin::start() {
    if (worker_) worker_->start();
}

void KnowledgeBasePlugin::stop() {
    if (worker_) worker_->stop();
}

}  // namespace omnigate::knowledge_base
