// The routing section of the YAML config, put into the database at start-up. Items are created only when their id
// does not exist yet, so what an administrator changed through the REST API survives a restart; the rules only
// when there are none at all (their order is the list's, and a merge of two orders would please nobody).
// Everything is validated by the API's own parse functions, and every item, new or not, must be valid.
#pragma once

#include <string>

#include "config/daemon_config.h"
#include "db/write_batcher.h"

namespace omnigate {

class RoutingBootstrap {
public:
    RoutingBootstrap(const RoutingConfig& config, WriteBatcher& writer) : config_(config), writer_(writer) {}

    // All of it in one transaction: a bad item leaves nothing half-created. Throws StartupError naming the file,
    // line, column and field of the bad value. Returns a one-line summary for the log.
    std::string run();

private:
    const RoutingConfig& config_;
    WriteBatcher& writer_;
};

}  // namespace omnigate
