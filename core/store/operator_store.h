// The SQL of the operators [операторы] as the administrator configures them: name, capacity per channel, branch,
// workplace and groups. The status columns are read here but written by the routing code (the operator's own
// actions and the distributor); a new operator starts offline. Writes run inside the caller's WriteBatcher job and
// add their catalog event themselves.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/operator.h"

namespace omnigate {

class OperatorStore {
public:
    explicit OperatorStore(DbSession& session) : session_(session) {}

    // Every operator with their groups, by id.
    std::vector<Operator> all();
    std::optional<Operator> find(const std::string& id, bool forUpdate = false);

    // Inserts the operator offline (status_since now, the first row of their status history); 409 when the id is
    // taken, 400 naming groups[i] when a group does not exist.
    Operator create(Operator op);
    // Applies name, capacities, branch, workplace and groups (Operator::apply); 404, 409 version_conflict.
    Operator update(const std::string& id, const Poco::JSON::Object::Ptr& patch, std::optional<int> expectedVersion);
    // 404 unknown; 409 naming how many open interactions the operator still holds.
    void remove(const std::string& id);

    // Bumps the version of an operator whose rows changed under them (a group deleted) and publishes
    // operator.updated naming `changes`.
    void touch(const std::string& id, const std::vector<std::string>& changes);

private:
    std::vector<std::string> groupsOf(const std::string& id);
    void writeGroups(const std::string& id, const std::vector<std::string>& groups);
    void event(const std::string& type, const Poco::JSON::Object::Ptr& data);

    DbSession& session_;
};

}  // namespace omnigate
