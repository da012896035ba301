// Where the real servers are. scripts/test.sh exports these; a test run without them fails with a sentence saying
// so, because a test that needs a server must never pass by skipping.
#pragma once

#include <string>

namespace omnigate::test {

// The variable's value; throws std::runtime_error naming it (and scripts/test.sh) when unset.
std::string requireEnv(const std::string& name);
int requireEnvInt(const std::string& name);

// A broker account scripts/services.sh creates (the broker takes no anonymous client).
struct MqttLogin {
    std::string username;
    std::string password;
};
MqttLogin daemonMqttLogin();    // $OMNIGATE_MQTT_USER/PASSWORD: publishes under omnigate/v1/, runs $CONTROL commands
MqttLogin observerMqttLogin();  // $OMNIGATE_MQTT_OBSERVER_USER/PASSWORD: reads omnigate/v1/#

// The daemon's `mqtt:` section in YAML flow form: the plain listener and the daemon's own account.
std::string daemonMqttYaml();

// Runs `$OMNIGATE_SERVICES <action> <service>` (stop/start mosquitto|mariadb); throws when it fails.
void services(const std::string& action, const std::string& service);

// A TCP port nobody listens on right now.
int freePort();

}  // namespace omnigate::test
