#include "db/leader_lock.h"

#include <cppconn/exception.h>

namespace omnigate {

LeaderLock::Lead LeaderLock::lead() {
    if (session_) {
        try {
            sql::PreparedStatement& held = session_->prepare("SELECT IS_USED_LOCK(?) = CONNECTION_ID()");
            held.setString(1, name_);
            std::unique_ptr<sql::ResultSet> rs(held.executeQuery());
            if (rs->next() && rs->getBoolean(1)) return Lead::Kept;
        } catch (const sql::SQLException&) {
            session_.reset();  // the connection is gone, and with it the lock
        }
    }
    if (!session_) session_ = pool_.connect();
    sql::PreparedStatement& take = session_->prepare("SELECT GET_LOCK(?, 0)");
    take.setString(1, name_);
    std::unique_ptr<sql::ResultSet> rs(take.executeQuery());
    return rs->next() && rs->getInt(1) == 1 ? Lead::Taken : Lead::No;
}

}  // namespace omnigate
