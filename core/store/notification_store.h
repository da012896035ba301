// The notices to operators and each recipient's copy (docs/notifications.md). Sending one fixes its recipients and
// puts a notification.created event on each one's omnigate/v1/operators/<id>/notifications, in the same
// transaction; reading and withdrawing tell the recipients' other screens the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/notification.h"

namespace omnigate {

class NotificationStore {
public:
    explicit NotificationStore(DbSession& session) : session_(session) {}

    // Sends `draft` from `author` to its audience as it is now; 400 naming audience_id when the group or operator
    // does not exist, or when the audience has no operator to tell.
    Notification send(Notification draft, const std::string& author);
    // The newest first, before notice `beforeId` (0: from the newest), with their counts.
    std::vector<Notification> sent(int limit, std::int64_t beforeId);
    // An operator's notices that have not expired, the newest first; only the unread ones when asked.
    std::vector<Notification> forOperator(const std::string& operatorId, bool unreadOnly);
    // Marks it read (once: a second time keeps the first mark); nothing when the operator did not get it.
    std::optional<Notification> markRead(const std::string& operatorId, std::int64_t id);
    // Expires it now for everyone who has not read it; false when there is no such notice.
    bool withdraw(std::int64_t id);

private:
    std::optional<Notification> find(std::int64_t id, const std::string& operatorId);
    void tell(const std::string& operatorId, const std::string& type, const Notification& n);

    DbSession& session_;
};

}  // namespace omnigate
