// The inbound pipeline: the stages in their fixed order (de-duplication, black list, spam words, client
// identification, consent, threading, auto-reply, persist), run inside one writer job so the message, its client, its
// interaction and all their events commit together or not at all.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/catalog_cache.h"
#include "pipeline/inbound_context.h"

namespace omnigate {

class InboundPipeline {
public:
    // `stopWords` opt a client out of campaigns when replied alone; the campaign answered is looked for within
    // `replyWindowHours` (campaigns.* of the config).
    InboundPipeline(CatalogCache& catalogs, std::chrono::hours ratingWindow, const std::vector<std::string>& stopWords,
                    int replyWindowHours);

    // Outside the writer job: takes the catalog snapshot the stages will read. Throws ApiError 503 when the
    // catalogs were never loaded and the database is down.
    void prepare(InboundContext& context);
    // Runs the stages until one stops the pipeline. Throws what a stage throws (the writer rolls the job back).
    void run(InboundContext& context, DbSession& session);

private:
    CatalogCache& catalogs_;
    std::vector<std::unique_ptr<InboundStage>> stages_;
};

}  // namespace omnigate
