// The users of the config's auth.users, created at start-up when no user has their login yet: the demo's people,
// or the first business administrator of a new installation, who then manages the rest over the API. What was
// edited through the API since (a changed password, a deactivation) wins.
#pragma once

#include <string>

#include "config/daemon_config.h"
#include "db/write_batcher.h"

namespace omnigate {

class UserBootstrap {
public:
    UserBootstrap(const AuthConfig& config, WriteBatcher& writer) : config_(config), writer_(writer) {}

    // "users from the config: 2 created, 2 present already"; throws ApiError naming the config position of a user
    // the API would refuse (a bad login, an unknown role or operator, a short password).
    std::string run();

private:
    const AuthConfig& config_;
    WriteBatcher& writer_;
};

}  // namespace omnigate
