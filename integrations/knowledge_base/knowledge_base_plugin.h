// The knowledge-base suggester [БОТ-суфлер, суфлер БЗ]: for every message a client writes, the best few answers
// from the configured knowledge base (an HTTP search endpoint) and the response templates, published on MQTT to
// the operator who holds the interaction. The templates are the core's (docs/templates.md); those this plugin
// kept before are moved there at load. One entry under `integrations:`; the knowledge base is optional.
#pragma once

#include <memory>
#include <string>

#include "knowledge_base_config.h"
#include "omnigate/sdk/plugin.h"
#include "suggestion_worker.h"

namespace omnigate::knowledge_base {

class KnowledgeBasePlugin : public IntegrationPlugin {
public:
    KnowledgeBasePlugin();
    ~KnowledgeBasePlugin() override;

    std::string name() const override { return "knowledge_base"; }
    LoadResult load(IntegrationHost& host) override;
    void start() override;
    void stop() override;

private:
    IntegrationHost* host_ = nullptr;
    KnowledgeBaseConfig config_;
    std::unique_ptr<SuggestionWorker> worker_;
};

}  // namespace omnigate::knowledge_base
