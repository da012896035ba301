#include "config/demo_secrets.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <functional>

namespace omnigate {

namespace {

std::string position(const ConfigNode& node) {
    return node.file() + ":" + std::to_string(node.line()) + ":" + std::to_string(node.column());
}

// A value that cannot be read (a ${VAR} without default, left to its plugin to report) is no demo value.
bool readScalar(const ConfigNode& node, std::string& value) {
    try {
        value = node.asString();
        return true;
    } catch (const ConfigError&) {
        return false;
    }
}

bool isDemoSecret(const ConfigNode& node) {
    std::string value;
    if (!readScalar(node, value)) return false;
    for (const DemoSecret& demo : demoSecrets()) {
        if (value == demo.value && (demo.onlyAt.empty() || demo.onlyAt == node.path())) return true;
    }
    return false;
}

// allow_plaintext: true in a section whose mail servers (its *_url keys) are not all on loopback.
bool plaintextOffLoopback(const ConfigNode& section) {
    bool allowed = false;
    try {
        allowed = section.getBool("allow_plaintext", false);
    } catch (const ConfigError&) {
        return false;  // mistyped: its plugin says so
    }
    if (!allowed) return false;
    for (const std::string& key : section.keys()) {
        if (key.size() < 4 || key.compare(key.size() - 4, 4, "_url") != 0) continue;
        std::string url;
        if (!section[key].isScalar() || !readScalar(section[key], url)) continue;
        try {
            if (!isLoopbackHost(Poco::URI(url).getHost())) return true;
        } catch (const Poco::SyntaxException&) {
            return true;
        }
    }
    return false;
}

void walk(const ConfigNode& node, const std::function<void(const ConfigNode&)>& visit) {
    visit(node);
    if (node.isMap()) {
        for (const std::string& key : node.keys()) walk(node[key], visit);
    } else if (node.isSequence()) {
        for (const ConfigNode& item : node.elements()) walk(item, visit);
    }
}

}  // namespace

const std::vector<DemoSecret>& demoSecrets() {
    static const std::vector<DemoSecret> secrets{
        {"demo-admin-token", ""},                  // admin.token (also run.sh's OMNIGATE_ADMIN_TOKEN)
        {"omnigate", "database.password"},         // run.sh's OMNIGATE_DB_PASSWORD
        {"omnigate-demo-mqtt", ""},                // mqtt.password (services.sh's OMNIGATE_MQTT_PASSWORD)
        {"demo-webchat-secret-change-me", ""},     // webchat token_secret
        {"demo-password", ""},                     // email imap_password, smtp_password
        {"demo-vk-token-change-me", ""},           // vk access_token
        {"demo-vk-secret-change-me", ""},          // vk secret
        {"demo-wa-app-secret-change-me", ""},      // whatsapp app_secret
        {"demo-wa-verify-token", ""},              // whatsapp verify_token
        {"demo-wa-token-change-me", ""},           // whatsapp access_token
        {"demo-auth-token-secret-change-me-0123456789", ""},  // auth.token_secret
        {"demo-unsubscribe-secret-change-me-0123456789", ""},  // campaigns.unsubscribe_secret
        {"demo-admin-password", ""},               // auth.users: the demo people's passwords
        {"demo-supervisor-password", ""},
        {"demo-operator-password", ""},
    };
    return secrets;
}

bool isLoopbackHost(const std::string& host) {
    if (Poco::icompare(host, "localhost") == 0) return true;
    Poco::Net::IPAddress address;
    return Poco::Net::IPAddress::tryParse(host, address) && address.isLoopback();
}

void refuseDemoValuesWhenExposed(const ConfigNode& root, const DaemonConfig& config) {
    if (isLoopbackHost(config.http.host)) return;
    std::string problems;
    const auto problem = [&](const ConfigNode& node, const std::string& what) {
        problems += "\n  " + position(node) + ": " + node.path() + ": " + what;
    };
    walk(root, [&](const ConfigNode& node) {
        if (node.isScalar() && isDemoSecret(node)) {
            problem(node, "still the demo value, which anyone can read in omnigate's repository");
        } else if (node.isMap() && plaintextOffLoopback(node)) {
            problem(node["allow_plaintext"], "true sends the mail password in plain text to a server off loopback");
        }
    });
    for (const ConfigNode& origin : root["http"]["cors_origins"].elements()) {
        std::string value;
        if (readScalar(origin, value) && value == "*") {
            problem(origin, "'*' lets any web site call the API in its visitors' browsers; name the sites instead");
        }
    }
    if (problems.empty()) return;
    root["http"]["host"].fail("'" + config.http.host + "' is reachable from other machines, so omnigate refuses "
                              "what only suits a demo on one machine:" + problems +
                              "\nSet your own values (see docs/security.md), or bind http.host to 127.0.0.1.");
}

}  // namespace omnigate
