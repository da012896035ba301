#include "api/mqtt_sessions.h"

#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>

#include "api/authenticator.h"
#include "auth/roles.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.auth"); }

}  // namespace

Poco::JSON::Object::Ptr MqttSessions::grant(const User& user, const std::string& session) {
    if (broker_ == nullptr) return nullptr;
    const PermissionSet permissions = permissionsOf(user.roles);
    const bool everything = permissions.holds(Permission::InteractionsSupervise);
    if (!everything && user.operatorId.empty()) return nullptr;
    // Random like an API token, without its prefix: it is a password, typed by nobody.
    const std::string password = newApiToken().substr(3);
    const std::string name = username(session);
    std::string topic;
    try {
        if (everything) {
            broker_->grantSupervisor(name, password);
            topic = "omnigate/v1/#";
        } else {
            broker_->grantOperator(name, password, user.operatorId);
            topic = "omnigate/v1/operators/" + user.operatorId + "/#";
        }
    } catch (const std::exception& e) {
        logger().warning("user %s signed in without live events: the broker account could not be made: %s",
                         user.login, std::string(e.what()));
        return nullptr;
    }
    Poco::JSON::Object::Ptr account = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (!websocketUrl_.empty()) account->set("url", websocketUrl_);
    account->set("username", name);
    account->set("password", password);
    Poco::JSON::Array::Ptr topics = new Poco::JSON::Array;
    topics->add(topic);
    account->set("topics", topics);
    return account;
}

std::vector<std::string> MqttSessions::revoke(const std::vector<std::string>& sessions) {
    if (broker_ == nullptr) return sessions;
    std::vector<std::string> ended;
    for (const std::string& session : sessions) {
        try {
            broker_->revoke(username(session));
            ended.push_back(session);
        } catch (const std::exception& e) {
            logger().warning("the broker account of session %s could not be deleted: %s", session,
                             std::string(e.what()));
        }
    }
    return ended;
}

}  // namespace omnigate
