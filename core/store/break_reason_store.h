// The SQL of the break reasons [причины перерыва] the administrator keeps: an operator going on a break names one.
// Writes run inside the caller's WriteBatcher job and add their catalog event themselves.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/operator.h"

namespace omnigate {

class BreakReasonStore {
public:
    explicit BreakReasonStore(DbSession& session) : session_(session) {}

    // Every reason, by id.
    std::vector<BreakReason> all();
    std::optional<BreakReason> find(const std::string& id, bool forUpdate = false);
    // 409 when the id is taken.
    BreakReason create(BreakReason reason);
    // 404 when unknown. Operators on this break stay on it: the reason is kept in their status and history.
    void remove(const std::string& id);

private:
    DbSession& session_;
};

}  // namespace omnigate
