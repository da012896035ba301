// The SQL of the response templates: shared and personal ones with their files, queues and channels, and their
// uses. A template is stored whole or not at all: the catalog, every file and every queue it names must exist
// (a 400 naming the one that does not), and its shortcut is unique among the shared ones or among its owner's.
// Writes run inside the caller's WriteBatcher job; a shared template's changes are announced on
// omnigate/v1/catalogs/templates/events, a personal one's are nobody else's business.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/response_template.h"

namespace omnigate {

// Which templates a list holds.
struct TemplateScope {
    bool shared = true;
    std::string personalOf;  // also the personal templates of this operator ("" : none)
    bool onlyPersonal = false;
};

// What a template is rendered and counted against: the interaction's place and the values of the variables.
struct TemplateContext {
    std::int64_t interactionId = 0;
    std::string channel;
    std::string queue;
    std::string operatorId;  // who renders or used it
    std::map<std::string, std::string> values;  // variable name -> value (model/template_text.h)
};

// Uses of each template (by id).
using TemplateUseCounts = std::map<std::int64_t, std::int64_t>;

class ResponseTemplateStore {
public:
    explicit ResponseTemplateStore(DbSession& session) : session_(session) {}

    std::vector<ResponseTemplate> list(const TemplateScope& scope);
    std::optional<ResponseTemplate> find(std::int64_t id, bool forUpdate = false);

    ResponseTemplate create(ResponseTemplate draft);
    // The whole template as it should now be (the caller applied the patch to what find() gave). 409
    // version_conflict when `expectedVersion` is given and stale.
    ResponseTemplate update(const ResponseTemplate& next, std::optional<int> expectedVersion);
    // Stores a template moved in from elsewhere (the knowledge-base plugin's) under `legacyId`, once: false when
    // one is there under it already. Its text is taken as it was, even with braces that are no variable of ours
    // (they stay text), so nothing of it is lost; queues, files and the catalog are checked as for any template.
    // The old id becomes its shortcut, unless a shared template has that one already.
    bool importLegacy(const std::string& legacyId, const ResponseTemplate& templ);
    // Its uses go with it.
    void remove(const ResponseTemplate& templ);

    // One use of the template by `operatorId` (may be empty) for `queue` (may be empty) in an interaction (0: none).
    void recordUse(std::int64_t templateId, const std::string& operatorId, const std::string& queue,
                   std::int64_t interactionId);
    // Uses by the operator and of the queue, summed per template; every use when both are empty.
    TemplateUseCounts useCounts(const std::string& operatorId, const std::string& queue);

    // The context of interaction `interactionId` for `operatorId` (empty: the operator holding it); nothing when
    // there is no such interaction.
    std::optional<TemplateContext> context(std::int64_t interactionId, const std::string& operatorId);

    // The queues an operator serves through their groups.
    std::vector<std::string> queuesOf(const std::string& operatorId);

private:
    void check(const ResponseTemplate& t);
    void writeLists(const ResponseTemplate& t);
    void event(const std::string& type, const ResponseTemplate& t);

    DbSession& session_;
};

}  // namespace omnigate
