// The broker's accounts for people: Mosquitto's dynamic-security plugin, driven over its command topic
// ($CONTROL/dynamic-security/v1) with the daemon's own credentials. Sign-in gives a user an MQTT client that may
// read only its part of omnigate/v1/; sign-out deletes it. Only the daemon's account may publish under omnigate/v1/
// (the plugin's default ACLs deny publishing, and no role made here allows it).
//
// Mosquitto 2.0.11 has no %u substitution in ACL topics, so every operator gets a role of their own with literal
// topics; and any change to a role disconnects every client holding it, so an existing role is reused untouched.
#pragma once

#include <mqtt/async_client.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/daemon_config.h"

namespace omnigate {

// A command the broker refused or did not answer in time; the message names the command, the user and the reason.
class DynamicSecurityError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class DynamicSecurity {
public:
    // Its own connection (client id omnigate-<instance>-dynsec) with config's url, credentials and TLS settings.
    // Connects on the first call, and again on a later call after the broker went away.
    DynamicSecurity(const MqttConfig& config, const std::string& instance,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5));
    ~DynamicSecurity();
    DynamicSecurity(const DynamicSecurity&) = delete;
    DynamicSecurity& operator=(const DynamicSecurity&) = delete;

    // The role `omnigate-operator-<operatorId>` (created once) lets its clients subscribe only to
    // omnigate/v1/operators/<operatorId>/#. A client `username` that already exists gets the new password and this
    // role instead of its old ones.
    void grantOperator(const std::string& username, const std::string& password, const std::string& operatorId);
    // The role `omnigate-supervisor` (created once) lets its clients subscribe to all of omnigate/v1/#.
    void grantSupervisor(const std::string& username, const std::string& password);
    // Deletes the client: its credentials stop working and the broker ends its open sessions. A client that does not
    // exist is no error (a second sign-out).
    void revoke(const std::string& username);

    static std::string operatorRole(const std::string& operatorId) { return "omnigate-operator-" + operatorId; }
    static constexpr const char* kSupervisorRole = "omnigate-supervisor";

private:
    class Callback;
    struct Command {
        std::string json;       // the command object without correlationData
        std::string tolerated;  // an error text that counts as success ("Role already exists")
    };
    struct Answer {
        std::string command;
        std::string error;  // empty: done
    };

    void grant(const std::string& username, const std::string& password, const std::string& role,
               const std::vector<std::string>& subscribePatterns);
    // Sends the commands in one message and waits for every answer; returns the answers in order.
    std::vector<Answer> run(const std::vector<Command>& commands, const std::string& what);
    void ensureConnected();
    void answered(const std::string& payload);

    std::string serverUri_;
    std::chrono::milliseconds timeout_;
    std::unique_ptr<Callback> callback_;  // before the client: Paho may call back until the client is gone
    mqtt::async_client client_;
    mqtt::connect_options connectOptions_;

    std::mutex runMutex_;  // one command message in flight at a time
    std::mutex mutex_;
    std::condition_variable answeredCv_;
    std::set<std::string> pending_;          // correlation data of the commands waited for
    std::map<std::string, Answer> answers_;  // by correlation data
    std::uint64_t nextId_ = 0;
};

}  // namespace omnigate
