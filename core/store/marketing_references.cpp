#include "store/marketing_references.h"

#include <memory>

#include "omnigate/sdk/api_error.h"

namespace omnigate {

void requireSharedTemplate(DbSession& session, std::int64_t templateId, const std::string& field) {
    sql::PreparedStatement& q =
        session.prepare("SELECT owner_operator_id IS NULL FROM response_templates WHERE id = ? LOCK IN SHARE MODE");
    q.setInt64(1, templateId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next() || !rs->getBoolean(1)) {
        throw ApiError::badRequest("'" + field + "': there is no shared response template " + std::to_string(templateId));
    }
}

void requireTopics(DbSession& session, const std::vector<std::int64_t>& topics, const std::string& field) {
    for (std::size_t i = 0; i < topics.size(); ++i) {
        sql::PreparedStatement& q = session.prepare("SELECT id FROM topics WHERE id = ? LOCK IN SHARE MODE");
        q.setInt64(1, topics[i]);
        std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
        if (!rs->next()) {
            throw ApiError::badRequest("'" + field + "[" + std::to_string(i) + "]': there is no topic " +
                                       std::to_string(topics[i]));
        }
    }
}

}  // namespace omnigate
