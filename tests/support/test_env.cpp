#include "support/test_env.h"

#include <Poco/Net/ServerSocket.h>

#include <cstdlib>
#include <stdexcept>

namespace omnigate::test {

std::string requireEnv(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') {
        throw std::runtime_error(name + " is not set: run the tests through scripts/test.sh, which starts MariaDB "
                                        "and Mosquitto and exports where they listen");
    }
    return value;
}

int requireEnvInt(const std::string& name) { return std::stoi(requireEnv(name)); }

MqttLogin daemonMqttLogin() { return {requireEnv("OMNIGATE_MQTT_USER"), requireEnv("OMNIGATE_MQTT_PASSWORD")}; }

MqttLogin observerMqttLogin() {
    return {requireEnv("OMNIGATE_MQTT_OBSERVER_USER"), requireEnv("OMNIGATE_MQTT_OBSERVER_PASSWORD")};
}

std::string daemonMqttYaml() {
    const MqttLogin login = daemonMqttLogin();
    return "{url: 'tcp://127.0.0.1:" + requireEnv("OMNIGATE_MQTT_PORT") + "', username: '" + login.username +
           "', password: '" + login.password + "', keep_alive_seconds: 5, websocket_url: 'ws://127.0.0.1:" +
           requireEnv("OMNIGATE_MQTT_WS_PORT") + "'}";
}

void services(const std::string& action, const std::string& service) {
    const std::string command = requireEnv("OMNIGATE_SERVICES") + " " + action + " " + service + " >/dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("'" + command + "' failed");
}

int freePort() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    return socket.address().port();
}

}  // namespace omnigate::test
