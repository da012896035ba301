// The shipped demo (config/omnigate.yaml and scripts/run.sh) runs with secrets anyone can read in this repository,
// lets any web site call the API and sends mail passwords in plain text to its local servers. On a laptop that is
// the point; on a host other machines reach it is an open door. This is the one list of those demo values and
// the check that refuses them once http.host is not a loopback address.
#pragma once

#include <string>
#include <vector>

#include "config/daemon_config.h"
#include "omnigate/sdk/config_node.h"

namespace omnigate {

struct DemoSecret {
    std::string value;
    std::string onlyAt;  // the one key path it counts at ("database.password": "omnigate" is also a user name);
                         // empty: any key holding it (an invented string no real secret shares)
};

// Every secret value the demo config or scripts/run.sh sets.
const std::vector<DemoSecret>& demoSecrets();

// True for 127.0.0.0/8, ::1 and "localhost": an address only this machine reaches.
bool isLoopbackHost(const std::string& host);

// When config.http.host is not loopback: throws one ConfigError (at http.host) naming, with its position, every
// key of the file that still holds a demo secret, a CORS origin "*", and every allow_plaintext: true whose mail
// server (a sibling *_url) is not on loopback either. Nothing when the daemon is bound to loopback.
void refuseDemoValuesWhenExposed(const ConfigNode& root, const DaemonConfig& config);

}  // namespace omnigate
