// The SQL of branches [филиалы] and their workplaces [рабочие места]: where people work. A workplace names its SIP
// desk phone. Writes run inside the caller's WriteBatcher job; the audit log records changes.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"

namespace omnigate {

struct Branch {
    std::string id;
    std::string name;
    std::string createdAt;
    std::string updatedAt;
};

struct Workplace {
    std::string id;
    std::string name;
    std::string branchId;  // empty: in no branch
    std::string sipUri;    // empty: no desk phone
    std::string createdAt;
    std::string updatedAt;
};

class BranchStore {
public:
    explicit BranchStore(DbSession& session) : session_(session) {}

    std::vector<Branch> branches();
    std::optional<Branch> findBranch(const std::string& id);
    // 409 when the id is taken.
    Branch createBranch(const Branch& branch);
    Branch updateBranch(const Branch& branch);
    // 404 when unknown; 409 naming what still uses it (workplaces, users).
    void removeBranch(const std::string& id);

    std::vector<Workplace> workplaces();
    std::optional<Workplace> findWorkplace(const std::string& id);
    // 409 when the id is taken; 400 naming an unknown branch.
    Workplace createWorkplace(const Workplace& workplace);
    Workplace updateWorkplace(const Workplace& workplace);
    void removeWorkplace(const std::string& id);

private:
    void requireBranch(const std::string& id);

    DbSession& session_;
};

Poco::JSON::Object::Ptr toJson(const Branch& branch);
Poco::JSON::Object::Ptr toJson(const Workplace& workplace);

}  // namespace omnigate
