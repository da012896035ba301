// The response templates over REST (docs/templates.md): business administrators manage the shared ones;
// operators read those that apply to their queues and channels, keep personal ones only they see, render one
// for an interaction with its variables filled, and say when they used one, which ranks the most used for them
// and their queue. The HTTP shape and who sees what live here; the SQL in ResponseTemplateStore, the checks of a
// body in ResponseTemplate, the matching in TemplateSearch.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"
#include "model/response_template.h"
#include "model/template_search.h"
#include "store/file_store.h"

namespace omnigate {

class TemplatesApi {
public:
    TemplatesApi(WriteBatcher& writer, ConnectionPool& pool, const FileStore& files)
        : writer_(writer), pool_(pool), files_(files) {}

    void registerRoutes(Router& router);

private:
    HttpResponse list(const HttpRequest& request, const Actor& actor);
    HttpResponse get(const HttpRequest& request, const Actor& actor);
    HttpResponse create(const HttpRequest& request, const std::string& owner);
    HttpResponse update(const HttpRequest& request, const std::string& owner, const std::string& idParam);
    HttpResponse remove(const HttpRequest& request, const std::string& owner, const std::string& idParam);
    HttpResponse personal(const HttpRequest& request);
    HttpResponse rendered(const HttpRequest& request, const Actor& actor);
    HttpResponse used(const HttpRequest& request, const Actor& actor);

    // 415 naming the first of the template's files whose type files.allowed_types.template does not admit (it may
    // have been uploaded for a reply, where other types are allowed).
    void admitFiles(DbSession& session, const ResponseTemplate& templ);

    // The template `id` as `actor` may see it: shared, or their own personal one; 404 otherwise.
    ResponseTemplate visible(std::int64_t id, const Actor& actor);

    // The shared templates' search index. Built at 10,000 templates it costs over 100 ms, a search over it half a
    // millisecond (docs/benchmarks.md), so it is kept: this daemon's own changes drop it at once, another daemon's
    // show within kIndexFresh, as with the users' cache.
    std::shared_ptr<const TemplateSearch> sharedIndex();
    void dropIndex();

    WriteBatcher& writer_;
    ConnectionPool& pool_;
    const FileStore& files_;

    static constexpr std::chrono::seconds kIndexFresh{2};
    std::mutex indexMutex_;
    std::shared_ptr<const TemplateSearch> index_;
    std::chrono::steady_clock::time_point indexedAt_;
    // Bumped by every drop, so an index read before a change committed is not kept after it.
    std::uint64_t generation_ = 0;
};

}  // namespace omnigate
