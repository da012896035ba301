// The periodic check of directory users (auth.directory_sync_minutes): a user who signs in through LDAP and is
// gone from the directory, or in no mapped group any more, is deactivated and their sessions end; one whose groups
// changed gets the new roles. A directory that does not answer changes nobody: an outage must not lock everyone out.
#pragma once

#include "api/authenticator.h"
#include "api/mqtt_sessions.h"
#include "api/users_api.h"
#include "auth/ldap_directory.h"
#include "db/connection_pool.h"
#include "db/write_batcher.h"

namespace omnigate {

class DirectorySync {
public:
    DirectorySync(const LdapDirectory& directory, Authenticator& authenticator, WriteBatcher& writer,
                  ConnectionPool& pool, MqttSessions& mqtt, UsersApi::TakeOffline takeOffline);

    struct Result {
        int checked = 0;
        int deactivated = 0;
        int updated = 0;
    };
    // Throws DirectoryUnavailable (nothing changed after the first user it could not look up).
    Result run();

private:
    const LdapDirectory& directory_;
    Authenticator& authenticator_;
    WriteBatcher& writer_;
    ConnectionPool& pool_;
    MqttSessions& mqtt_;
    UsersApi::TakeOffline takeOffline_;
};

}  // namespace omnigate
