// The bench's command line. bench/run.sh passes the ports of the servers it started and the daemon's pid; the
// user's own --duration/--rate/--clients/--threads/--json go through unchanged.
#pragma once

#include <string>

namespace omnigate::bench {

struct BenchOptions {
    double durationSeconds = 20;
    double rate = 0;  // offered messages per second over all threads; 0 = as fast as the daemon answers
    int clients = 200;
    int threads = 16;
    double baselineSeconds = 3;
    double drainSeconds = 30;  // how long to wait after the run for the events of answered messages
    std::string jsonPath;
    std::string account = "demo";
    // What the load goes through: "webchat" (visitors' REST posts) or "whatsapp" (Meta-signed webhooks, one
    // message each, from `clients` distinct phone numbers).
    std::string channel = "webchat";
    std::string whatsappSecret;         // the bench account's app secret (bench/run.sh passes it)
    std::string whatsappPhoneNumberId;  // and its phone number id

    std::string httpHost = "127.0.0.1";
    int httpPort = 28080;
    int mqttPort = 21883;
    // Broker accounts from bench/run.sh's environment (OMNIGATE_MQTT_USER/PASSWORD, the daemon's, which may publish
    // the raw baseline under omnigate/v1/; OMNIGATE_MQTT_OBSERVER_USER/PASSWORD for the event subscriber), not the
    // command line, which every local user can read.
    std::string mqttUser;
    std::string mqttPassword;
    std::string observerUser;
    std::string observerPassword;
    int dbPort = 23306;
    std::string dbName = "omnigate";
    std::string dbUser = "omnigate";
    std::string dbPassword = "omnigate";

    int daemonPid = 0;  // required: its CPU time and peak RSS are part of the result
    int dbPid = 0;      // optional: shows who used the two cores
    int brokerPid = 0;  // optional
};

// Throws std::invalid_argument with a sentence naming the option; prints usage and exits 0 for --help.
BenchOptions parseOptions(int argc, char** argv);

}  // namespace omnigate::bench
