#include "api/directory_sync.h"

#include <algorithm>

#include "api/api_support.h"
#include "store/audit_store.h"
#include "store/session_store.h"
#include "store/user_store.h"

namespace omnigate {

DirectorySync::DirectorySync(const LdapDirectory& directory, Authenticator& authenticator, WriteBatcher& writer,
                             ConnectionPool& pool, MqttSessions& mqtt, UsersApi::TakeOffline takeOffline)
    : directory_(directory),
      authenticator_(authenticator),
      writer_(writer),
      pool_(pool),
      mqtt_(mqtt),
      takeOffline_(std::move(takeOffline)) {}

DirectorySync::Result DirectorySync::run() {
    const auto users =
        api::readWith<std::vector<User>>(pool_, "the users", [](DbSession& db) { return UserStore(db).all(); });
    Result result;
    for (const User& user : users) {
        if (user.source != "ldap" || !user.active) continue;
        ++result.checked;
        const std::optional<DirectoryUser> person = directory_.lookup(user.login);
        User changed = user;
        const char* action = "user.updated_by_directory";
        if (!person) {
            changed.active = false;
            action = "user.deactivated_by_directory";
        } else {
            changed.roles = person->roles;
            const auto operatorRole = std::find(changed.roles.begin(), changed.roles.end(), "operator");
            // Without a linked routing operator the role waits for their next sign-in, where a missing operator
            // can be explained to them; dropped here so the user stays valid.
            if (operatorRole == changed.roles.end()) {
                changed.operatorId.clear();
            } else if (changed.operatorId.empty()) {
                changed.roles.erase(operatorRole);
            }
            if (changed.roles == user.roles && changed.operatorId == user.operatorId) continue;
        }
        ++(changed.active ? result.updated : result.deactivated);
        std::vector<std::string> ended;
        writer_.run([&](DbSession& db) {
            const User after = UserStore(db).update(changed);
            ended.clear();
            if (!after.active) ended = SessionStore(db).revokeUser(user.id);
            AuditEntry entry;
            entry.actor = Actor{"system", "directory"};
            entry.action = action;
            entry.target = "user:" + std::to_string(user.id);
            entry.before = toJson(user);
            entry.after = toJson(after);
            AuditStore(db).append(entry);
        });
        authenticator_.forgetUser(user.id);
        mqtt_.revoke(ended);
        if (!changed.active && !user.operatorId.empty() && takeOffline_) {
            takeOffline_(user.operatorId, Actor{"system", "directory"});
        }
    }
    return result;
}

}  // namespace omnigate
