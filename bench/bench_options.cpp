#include "bench_options.h"

#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <stdexcept>

namespace omnigate::bench {

namespace {

const char* const kUsage = R"(usage: omnigate_bench --daemon-pid PID [options]
Load: --duration S (20)  --rate N msgs/s, 0 = highest (0)  --clients N (200)  --threads N (16)  --json FILE
Servers: --http-port P (28080)  --mqtt-port P (21883)  --db-port P (23306)  --db-name/--db-user/--db-password
Other: --channel webchat|whatsapp (webchat)  --whatsapp-secret S  --whatsapp-phone-number-id ID  --account ID (demo)  --baseline-seconds S (3)  --drain-seconds S (30)  --db-pid PID  --broker-pid PID
Normally started by bench/run.sh, which starts the servers and the daemon and passes their ports and pids.
Environment: OMNIGATE_MQTT_USER/PASSWORD and OMNIGATE_MQTT_OBSERVER_USER/PASSWORD, the broker accounts.
)";

double toNumber(const std::string& option, const std::string& value, double min, double max) {
    std::size_t used = 0;
    double number = 0;
    try {
        number = std::stod(value, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != value.size() || value.empty() || number < min || number > max) {
        throw std::invalid_argument(option + ": expected a number from " + std::to_string(min) + " to " +
                                    std::to_string(max) + ", got '" + value + "'");
    }
    return number;
}

std::string requireEnv(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        throw std::invalid_argument(std::string(name) + " is not set: the broker takes no anonymous client (bench/run.sh "
                                                        "sets it)");
    }
    return value;
}

int toInt(const std::string& option, const std::string& value, int min, int max) {
    const double number = toNumber(option, value, min, max);
    if (number != static_cast<int>(number)) throw std::invalid_argument(option + ": expected an integer, got '" + value + "'");
    return static_cast<int>(number);
}

}  // namespace

BenchOptions parseOptions(int argc, char** argv) {
    BenchOptions o;
    o.mqttUser = requireEnv("OMNIGATE_MQTT_USER");
    o.mqttPassword = requireEnv("OMNIGATE_MQTT_PASSWORD");
    o.observerUser = requireEnv("OMNIGATE_MQTT_OBSERVER_USER");
    o.observerPassword = requireEnv("OMNIGATE_MQTT_OBSERVER_PASSWORD");
    using Setter = std::function<void(const std::string&, const std::string&)>;
    const std::map<std::string, Setter> setters = {
        {"--duration", [&](auto& k, auto& v) { o.durationSeconds = toNumber(k, v, 1, 86400); }},
        {"--rate", [&](auto& k, auto& v) { o.rate = toNumber(k, v, 0, 1e7); }},
        {"--clients", [&](auto& k, auto& v) { o.clients = toInt(k, v, 1, 1000000); }},
        {"--threads", [&](auto& k, auto& v) { o.threads = toInt(k, v, 1, 1024); }},
        {"--baseline-seconds", [&](auto& k, auto& v) { o.baselineSeconds = toNumber(k, v, 0.5, 600); }},
        {"--drain-seconds", [&](auto& k, auto& v) { o.drainSeconds = toNumber(k, v, 1, 3600); }},
        {"--json", [&](auto&, auto& v) { o.jsonPath = v; }},
        {"--account", [&](auto&, auto& v) { o.account = v; }},
        {"--channel", [&](auto& k, auto& v) {
             if (v != "webchat" && v != "whatsapp") throw std::invalid_argument(k + ": webchat or whatsapp");
             o.channel = v;
         }},
        {"--whatsapp-secret", [&](auto&, auto& v) { o.whatsappSecret = v; }},
        {"--whatsapp-phone-number-id", [&](auto&, auto& v) { o.whatsappPhoneNumberId = v; }},
        {"--http-host", [&](auto&, auto& v) { o.httpHost = v; }},
        {"--http-port", [&](auto& k, auto& v) { o.httpPort = toInt(k, v, 1, 65535); }},
        {"--mqtt-port", [&](auto& k, auto& v) { o.mqttPort = toInt(k, v, 1, 65535); }},
        {"--db-port", [&](auto& k, auto& v) { o.dbPort = toInt(k, v, 1, 65535); }},
        {"--db-name", [&](auto&, auto& v) { o.dbName = v; }},
        {"--db-user", [&](auto&, auto& v) { o.dbUser = v; }},
        {"--db-password", [&](auto&, auto& v) { o.dbPassword = v; }},
        {"--daemon-pid", [&](auto& k, auto& v) { o.daemonPid = toInt(k, v, 1, 1 << 30); }},
        {"--db-pid", [&](auto& k, auto& v) { o.dbPid = toInt(k, v, 1, 1 << 30); }},
        {"--broker-pid", [&](auto& k, auto& v) { o.brokerPid = toInt(k, v, 1, 1 << 30); }},
    };
    for (int i = 1; i < argc; ++i) {
        std::string key = argv[i];
        if (key == "--help" || key == "-h") {
            std::cout << kUsage;
            std::exit(0);
        }
        std::string value;
        const std::size_t eq = key.find('=');
        if (eq != std::string::npos) {
            value = key.substr(eq + 1);
            key = key.substr(0, eq);
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            throw std::invalid_argument(key + ": missing its value");
        }
        const auto setter = setters.find(key);
        if (setter == setters.end()) throw std::invalid_argument("unknown option '" + key + "' (see --help)");
        setter->second(key, value);
    }
    if (o.daemonPid == 0) throw std::invalid_argument("--daemon-pid: required (bench/run.sh passes it)");
    if (o.channel == "whatsapp" && (o.whatsappSecret.empty() || o.whatsappPhoneNumberId.empty())) {
        throw std::invalid_argument("--channel whatsapp: needs --whatsapp-secret and --whatsapp-phone-number-id "
                                    "(bench/run.sh passes them)");
    }
    return o;
}

}  // namespace omnigate::bench
