#include "pipeline/inbound_pipeline.h"

#include "pipeline/auto_reply_stage.h"
#include "pipeline/blacklist_stage.h"
#include "pipeline/client_identification_stage.h"
#include "pipeline/consent_stage.h"
#include "pipeline/deduplication_stage.h"
#include "pipeline/lookup_stage.h"
#include "pipeline/persist_stage.h"
#include "pipeline/spam_filter_stage.h"
#include "pipeline/threading_stage.h"

namespace omnigate {

InboundPipeline::InboundPipeline(CatalogCache& catalogs, std::chrono::hours ratingWindow,
                                 const std::vector<std::string>& stopWords, int replyWindowHours)
    : catalogs_(catalogs) {
    stages_.push_back(std::make_unique<LookupStage>());
    stages_.push_back(std::make_unique<DeduplicationStage>());
    stages_.push_back(std::make_unique<BlacklistStage>());
    stages_.push_back(std::make_unique<SpamFilterStage>());
    stages_.push_back(std::make_unique<ClientIdentificationStage>());
    stages_.push_back(std::make_unique<ConsentStage>(stopWords, replyWindowHours));
    stages_.push_back(std::make_unique<ThreadingStage>(ratingWindow));
    stages_.push_back(std::make_unique<AutoReplyStage>());
    stages_.push_back(std::make_unique<PersistStage>());
}

void InboundPipeline::prepare(InboundContext& context) { context.catalog = catalogs_.current(); }

void InboundPipeline::run(InboundContext& context, DbSession& session) {
    for (const auto& stage : stages_) {
        if (!stage->run(context, session)) return;
    }
}

}  // namespace omnigate
