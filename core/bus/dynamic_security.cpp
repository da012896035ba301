#include "bus/dynamic_security.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <sstream>

#include "bus/mqtt_bus.h"

namespace omnigate {

namespace {

constexpr const char* kCommandTopic = "$CONTROL/dynamic-security/v1";
constexpr const char* kResponseTopic = "$CONTROL/dynamic-security/v1/response";

Poco::Logger& logger() { return Poco::Logger::get("omnigate.mqtt.dynsec"); }

std::string toJson(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

Poco::JSON::Object command(const std::string& name) {
    Poco::JSON::Object o;
    o.set("command", name);
    return o;
}

// A role's ACLs: subscribing to these filters only. Receiving is allowed by the plugin's default, publishing not.
Poco::JSON::Array subscribeAcls(const std::vector<std::string>& patterns) {
    Poco::JSON::Array acls;
    for (const std::string& pattern : patterns) {
        Poco::JSON::Object acl;
        acl.set("acltype", "subscribePattern");
        acl.set("topic", pattern);
        acl.set("allow", true);
        acls.add(acl);
    }
    return acls;
}

Poco::JSON::Array roleList(const std::string& role) {
    Poco::JSON::Object entry;
    entry.set("rolename", role);
    Poco::JSON::Array roles;
    roles.add(entry);
    return roles;
}

// The role name and ACL topics are built from the id, so it must be one topic level without wildcards.
void requireTopicLevel(const std::string& value, const std::string& what) {
    if (value.empty() || value.find_first_of("/+#") != std::string::npos ||
        value.find('\0') != std::string::npos) {
        throw std::invalid_argument(what + " '" + value + "' must be one MQTT topic level (no '/', '+' or '#')");
    }
}

void requireCredentials(const std::string& username, const std::string& password) {
    if (username.empty()) throw std::invalid_argument("an MQTT username must not be empty");
    if (password.empty()) throw std::invalid_argument("the MQTT password of '" + username + "' must not be empty");
}

}  // namespace

// Paho's callbacks: answers are matched to their waiting call; nothing here waits.
class DynamicSecurity::Callback : public virtual mqtt::callback {
public:
    explicit Callback(DynamicSecurity& owner) : owner_(owner) {}
    void message_arrived(mqtt::const_message_ptr message) override {
        if (message->get_topic() == kResponseTopic) owner_.answered(message->to_string());
    }
    void connection_lost(const std::string& cause) override {
        logger().warning("lost the MQTT broker at %s (%s); reconnecting at the next command", owner_.serverUri_,
                         cause.empty() ? std::string("no reason given") : cause);
    }

private:
    DynamicSecurity& owner_;
};

DynamicSecurity::DynamicSecurity(const MqttConfig& config, const std::string& instance,
                                 std::chrono::milliseconds timeout)
    : serverUri_(pahoServerUri(config)),
      timeout_(timeout),
      callback_(std::make_unique<Callback>(*this)),
      client_(serverUri_, "omnigate-" + instance + "-dynsec", mqtt::create_options(MQTTVERSION_5)) {
    // Set in place, never assigned (Paho C++ 1.2, see mqtt_bus.cpp). A clean start: the answers of a dropped
    // connection belong to calls that have already given up.
    connectOptions_.set_mqtt_version(MQTTVERSION_5);
    connectOptions_.set_clean_start(true);
    connectOptions_.set_connect_timeout(std::chrono::duration_cast<std::chrono::seconds>(timeout_) +
                                        std::chrono::seconds(1));
    if (!config.username.empty()) {
        connectOptions_.set_user_name(config.username);
        connectOptions_.set_password(config.password);
    }
    if (config.tls()) connectOptions_.set_ssl(tlsOptions(config));
    client_.set_callback(*callback_);
}

DynamicSecurity::~DynamicSecurity() {
    try {
        if (client_.is_connected()) client_.disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const mqtt::exception& e) {
        logger().warning("MQTT disconnect: %s", std::string(e.what()));
    }
}

void DynamicSecurity::grantOperator(const std::string& username, const std::string& password,
                                    const std::string& operatorId) {
    requireTopicLevel(operatorId, "operator id");
    grant(username, password, operatorRole(operatorId), {"omnigate/v1/operators/" + operatorId + "/#"});
}

void DynamicSecurity::grantSupervisor(const std::string& username, const std::string& password) {
    grant(username, password, kSupervisorRole, {"omnigate/v1/#"});
}

void DynamicSecurity::grant(const std::string& username, const std::string& password, const std::string& role,
                            const std::vector<std::string>& subscribePatterns) {
    requireCredentials(username, password);
    // createRole with its ACLs in one command, so a role never exists half made; "already exists" leaves it as it is
    // (changing it would disconnect everyone holding it).
    Poco::JSON::Object createRole = command("createRole");
    createRole.set("rolename", role);
    createRole.set("acls", subscribeAcls(subscribePatterns));
    Poco::JSON::Object createClient = command("createClient");
    createClient.set("username", username);
    createClient.set("password", password);
    createClient.set("roles", roleList(role));
    const std::vector<Answer> answers =
        run({{toJson(createRole), "Role already exists"}, {toJson(createClient), "Client already exists"}},
            "granting '" + username + "' the role " + role);
    if (answers[1].error.empty()) return;

    // The client exists (a sign-in that was never signed out): the new password and this role replace the old ones.
    Poco::JSON::Object modifyClient = command("modifyClient");
    modifyClient.set("username", username);
    modifyClient.set("password", password);
    modifyClient.set("roles", roleList(role));
    run({{toJson(modifyClient), ""}}, "updating the existing client '" + username + "' to the role " + role);
}

void DynamicSecurity::revoke(const std::string& username) {
    if (username.empty()) throw std::invalid_argument("an MQTT username must not be empty");
    Poco::JSON::Object deleteClient = command("deleteClient");
    deleteClient.set("username", username);
    run({{toJson(deleteClient), "Client not found"}}, "revoking '" + username + "'");
}

void DynamicSecurity::ensureConnected() {
    if (client_.is_connected()) return;
    try {
        client_.connect(connectOptions_)->wait_for(timeout_);
    } catch (const mqtt::exception& e) {
        throw DynamicSecurityError("dynamic security: cannot connect to the MQTT broker at " + serverUri_ + ": " +
                                   e.what());
    }
    if (!client_.is_connected()) {
        throw DynamicSecurityError("dynamic security: no connection to the MQTT broker at " + serverUri_ + " within " +
                                   std::to_string(timeout_.count()) + " ms");
    }
    // Paho reports a refused subscription either as a failed token or as a reason code in the SUBACK.
    int reason = 0;
    try {
        const auto token = client_.subscribe(kResponseTopic, 1);
        if (!token->wait_for(timeout_)) {
            throw DynamicSecurityError("dynamic security: the broker did not acknowledge the subscription to " +
                                       std::string(kResponseTopic));
        }
        const mqtt::subscribe_response response = token->get_subscribe_response();
        for (const mqtt::ReasonCode code : response.get_reason_codes()) {
            if (code >= mqtt::ReasonCode::UNSPECIFIED_ERROR) reason = static_cast<int>(code);
        }
    } catch (const mqtt::exception& e) {
        reason = e.get_reason_code() != 0 ? e.get_reason_code() : e.get_return_code();
    }
    if (reason != 0) {
        client_.disconnect()->wait_for(timeout_);
        throw DynamicSecurityError("dynamic security: the broker refused the subscription to " +
                                   std::string(kResponseTopic) + " (reason " + std::to_string(reason) +
                                   "): the daemon's MQTT account needs the omnigate-daemon role");
    }
}

std::vector<DynamicSecurity::Answer> DynamicSecurity::run(const std::vector<Command>& commands,
                                                          const std::string& what) {
    std::lock_guard<std::mutex> running(runMutex_);
    ensureConnected();

    std::vector<std::string> ids;
    std::string payload = "{\"commands\":[";
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const Command& c : commands) {
            const std::string id = "omnigate-" + std::to_string(++nextId_);
            ids.push_back(id);
            pending_.insert(id);
            // The command object with correlationData added before its closing brace.
            payload += (ids.size() > 1 ? "," : "") + c.json.substr(0, c.json.size() - 1) +
                       ",\"correlationData\":\"" + id + "\"}";
        }
    }
    payload += "]}";

    try {
        if (!client_.publish(kCommandTopic, payload.data(), payload.size(), 1, false)->wait_for(timeout_)) {
            throw DynamicSecurityError("dynamic security: " + what + ": the broker did not acknowledge the command");
        }
    } catch (const mqtt::exception& e) {
        throw DynamicSecurityError("dynamic security: " + what + ": " + e.what());
    }

    std::vector<Answer> answers;
    std::unique_lock<std::mutex> lock(mutex_);
    const bool complete = answeredCv_.wait_for(lock, timeout_, [&] {
        for (const std::string& id : ids) {
            if (answers_.count(id) == 0) return false;
        }
        return true;
    });
    for (const std::string& id : ids) {
        pending_.erase(id);  // an answer arriving after a timeout is dropped, not kept for ever
        auto found = answers_.find(id);
        if (found != answers_.end()) {
            answers.push_back(found->second);
            answers_.erase(found);
        }
    }
    if (!complete) {
        throw DynamicSecurityError("dynamic security: " + what + ": no answer from the broker within " +
                                   std::to_string(timeout_.count()) +
                                   " ms (is the dynamic-security plugin loaded?)");
    }
    lock.unlock();
    for (std::size_t i = 0; i < answers.size(); ++i) {
        if (!answers[i].error.empty() && answers[i].error != commands[i].tolerated) {
            throw DynamicSecurityError("dynamic security: " + what + ": " + answers[i].command + " failed: " +
                                       answers[i].error);
        }
    }
    return answers;
}

void DynamicSecurity::answered(const std::string& payload) {
    try {
        const Poco::JSON::Object::Ptr root = Poco::JSON::Parser().parse(payload).extract<Poco::JSON::Object::Ptr>();
        const Poco::JSON::Array::Ptr responses = root->getArray("responses");
        if (!responses) return;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (std::size_t i = 0; i < responses->size(); ++i) {
                const Poco::JSON::Object::Ptr r = responses->getObject(static_cast<unsigned>(i));
                if (!r || !r->has("correlationData")) continue;
                const std::string id = r->getValue<std::string>("correlationData");
                if (pending_.count(id) == 0) continue;
                answers_[id] = {
                    r->optValue<std::string>("command", ""), r->optValue<std::string>("error", "")};
            }
        }
        answeredCv_.notify_all();
    } catch (const Poco::Exception& e) {
        logger().warning("an unreadable dynamic-security answer: %s", e.displayText());
    }
}

}  // namespace omnigate
