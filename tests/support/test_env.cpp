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

void services(const std::string& action, const std::string& service) {
    const std::string command = requireEnv("OMNIGATE_SERVICES") + " " + action + " " + service + " >/dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("'" + command + "' failed");
}

int freePort() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    return socket.address().port();
}

}  // namespace omnigate::test
