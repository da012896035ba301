// The response templates and their use counts. Templates from the YAML file are fixed; administrators add, change
// and remove more over REST, kept in the plugin's durable state (PluginHost::saveState) so every daemon on the database
// sees them. Use counts are kept per template for everyone, per operator and per queue, to rank suggestions and
// to list the most used templates [суфлер БЗ].
//
// State keys: template/<id> (the template as JSON), uses/all/<id>, uses/operator/<operator>/<id> and
// uses/queue/<queue>/<id> (a count in decimal). Ids never hold '/', so a prefix names exactly one operator/queue.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "knowledge_base_config.h"
#include "omnigate/sdk/integration_host.h"
#include "suggestion_ranker.h"

namespace omnigate::knowledge_base {

// What a change over REST sets; absent fields stay.
struct TemplateChanges {
    std::optional<std::string> title;
    std::optional<std::string> text;
    std::optional<std::vector<std::string>> queues;
};

struct TemplateUses {
    std::int64_t total = 0;
    std::int64_t byOperator = 0;  // of the operator named, 0 when none was
    std::int64_t byQueue = 0;
};

struct PopularTemplate {
    ResponseTemplate templ;
    std::int64_t uses = 0;
};

class TemplateStore {
public:
    TemplateStore(IntegrationHost& host, std::vector<ResponseTemplate> configured);

    // Every template: the file's first (in file order), then the REST ones by id.
    std::vector<ResponseTemplate> all();
    std::optional<ResponseTemplate> find(const std::string& id);

    // ApiError 409 template_exists when the id is taken (by the file or over REST).
    ResponseTemplate create(ResponseTemplate templ);
    // ApiError 404 (unknown), 409 template_read_only (from the file), 409 version_conflict (when
    // `expectedVersion` is given and is not the current one).
    ResponseTemplate update(const std::string& id, const TemplateChanges& changes,
                            std::optional<std::int64_t> expectedVersion);
    // Also forgets its use counts, so a new template of the same id starts from nothing. Errors as update().
    void remove(const std::string& id);

    // Counts one use of the template by `operatorId` for `queue` (either may be empty). ApiError 404 for an
    // unknown template.
    TemplateUses recordUse(const std::string& id, const std::string& operatorId, const std::string& queue);
    UseCounts usesByOperator(const std::string& operatorId);
    UseCounts usesByQueue(const std::string& queue);
    // The most used templates, by the operator's uses, the queue's, both summed, or everyone's when neither is
    // given; ties by id. Templates never used come last (with 0), so the list always offers something.
    std::vector<PopularTemplate> popular(const std::string& operatorId, const std::string& queue, std::size_t limit);

    static Poco::JSON::Object::Ptr toJson(const ResponseTemplate& templ);

private:
    std::optional<ResponseTemplate> stored(const std::string& id);
    const ResponseTemplate* configured(const std::string& id) const;
    ResponseTemplate editable(const std::string& id);  // 404 / 409 template_read_only
    UseCounts countsUnder(const std::string& prefix);
    std::int64_t increment(const std::string& key);

    IntegrationHost& host_;
    std::vector<ResponseTemplate> configured_;
    // Read-modify-write of a template or a count happens under this lock. The host's state has no compare-and-set,
    // so two daemons counting the same template at the same instant could still lose one count (documented).
    std::mutex mutex_;
};

}  // namespace omnigate::knowledge_base
