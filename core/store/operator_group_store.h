// The SQL of the operator groups [группы операторов]: a group names the queues its operators serve (their
// skills). The queues must exist; deleting a group takes it off its operators. Writes run inside the caller's
// WriteBatcher job and add their catalog event themselves.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/operator.h"

namespace omnigate {

class OperatorGroupStore {
public:
    explicit OperatorGroupStore(DbSession& session) : session_(session) {}

    // Every group with its queues, by id.
    std::vector<OperatorGroup> all();
    std::optional<OperatorGroup> find(const std::string& id, bool forUpdate = false);

    // 409 when the id is taken; 400 naming queues[i] when a queue does not exist.
    OperatorGroup create(OperatorGroup group);
    // Applies name and/or queues from `patch` (OperatorGroup::apply); 404, 409 version_conflict, 400 as create.
    OperatorGroup update(const std::string& id, const Poco::JSON::Object::Ptr& patch,
                         std::optional<int> expectedVersion);
    // 404 unknown; its operators leave it (each with an operator.updated event).
    void remove(const std::string& id);

    // Bumps the version of a group whose rows changed under it (a queue deleted) and publishes operator_group.updated
    // naming `changes`.
    void touch(const std::string& id, const std::vector<std::string>& changes);

private:
    std::vector<std::string> queuesOf(const std::string& id);
    void writeQueues(const std::string& id, const std::vector<std::string>& queues);
    void event(const std::string& type, const Poco::JSON::Object::Ptr& data);

    DbSession& session_;
};

}  // namespace omnigate
