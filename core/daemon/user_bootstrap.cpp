#include "daemon/user_bootstrap.h"

#include "api/users_api.h"
#include "auth/passwords.h"
#include "omnigate/sdk/api_error.h"
#include "store/user_store.h"

namespace omnigate {

std::string UserBootstrap::run() {
    int created = 0;
    int present = 0;
    for (const SeedUser& seed : config_.users) {
        User user;
        user.login = seed.login;
        user.displayName = seed.displayName;
        user.email = seed.email;
        user.roles = seed.roles;
        user.operatorId = seed.operatorId;
        try {
            UsersApi::validate(user);
            passwords::checkPolicy(seed.password);
            bool made = false;
            writer_.run([&](DbSession& session) {
                UserStore users(session);
                if (users.findByLogin(user.login)) return;
                // Hashed inside: a present user (every start but the first) costs no argon2 round.
                user.passwordHash = passwords::hash(seed.password);
                users.create(user);
                made = true;
            });
            ++(made ? created : present);
        } catch (const ApiError& e) {
            throw ApiError(e.status(), e.code(), seed.position + ": " + e.what());
        }
    }
    return "users from the config: " + std::to_string(created) + " created, " + std::to_string(present) +
           " present already";
}

}  // namespace omnigate
