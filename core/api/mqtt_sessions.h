// People's broker accounts, one per sign-in session: made at sign-in with a fresh random password (shown once, in
// the sign-in answer), kept across refreshes, deleted when the session ends (sign-out, a replayed refresh token,
// the user deactivated, or its refresh token expired unused: AuthApi::endExpiredSessions). An operator's account
// reads only omnigate/v1/operators/<their id>/#, a supervisor's all of omnigate/v1/#; nobody's may publish there
// (bus/dynamic_security.h).
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "auth/permission_set.h"
#include "bus/dynamic_security.h"
#include "store/user_store.h"

namespace omnigate {

class MqttSessions {
public:
    // `broker` may be null (tests of the API without a broker): nobody gets an account then. `websocketUrl`
    // (mqtt.websocket_url) is where browsers reach the broker; empty: the answers name no url.
    explicit MqttSessions(DynamicSecurity* broker, std::string websocketUrl = "")
        : broker_(broker), websocketUrl_(std::move(websocketUrl)) {}

    // {url, username, password, topics} for the session, or null when the user's roles read nothing over MQTT or the
    // broker did not answer (then signing in still works; the log says why).
    Poco::JSON::Object::Ptr grant(const User& user, const std::string& session);
    // Ends the sessions' accounts and answers those it ended (all of them without a broker); a broker that does not
    // answer is logged and its sessions left out, so that the sweep of expired sessions tries them again.
    std::vector<std::string> revoke(const std::vector<std::string>& sessions);

    // The broker account of a session: "og-" and the session's family.
    static std::string username(const std::string& session) { return "og-" + session; }

private:
    DynamicSecurity* broker_;
    std::string websocketUrl_;
};

}  // namespace omnigate
