#include "auth/ldap_config.h"

#include <ldap.h>

#include <Poco/Net/IPAddress.h>
#include <Poco/Path.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>

#include "auth/roles.h"

namespace omnigate {

namespace {

struct UrlDescFree {
    void operator()(LDAPURLDesc* desc) const { ldap_free_urldesc(desc); }
};

struct ParsedUrl {
    bool ldaps = false;
    std::string host;
};

ParsedUrl parseUrl(const ConfigNode& node) {
    const std::string url = node.asString();
    if (url.rfind("ldap://", 0) != 0 && url.rfind("ldaps://", 0) != 0) {
        node.fail("must start with ldap:// (with start_tls) or ldaps://, got '" + url + "'");
    }
    LDAPURLDesc* raw = nullptr;
    if (ldap_url_parse(url.c_str(), &raw) != LDAP_URL_SUCCESS) {
        node.fail("is not an LDAP URL: '" + url + "'; use ldap://host[:port] or ldaps://host[:port]");
    }
    const std::unique_ptr<LDAPURLDesc, UrlDescFree> desc(raw);
    ParsedUrl parsed;
    parsed.ldaps = url.rfind("ldaps://", 0) == 0;
    if (desc->lud_host == nullptr || *desc->lud_host == '\0') node.fail("names no host: '" + url + "'");
    // One server per URL: libldap would accept "ldap://a ldap://b" and try each, which this check cannot vouch for.
    if (url.find_first_of(" \t") != std::string::npos) node.fail("must name one server");
    if (desc->lud_dn != nullptr && *desc->lud_dn != '\0') {
        node.fail("must not name a DN ('" + std::string(desc->lud_dn) + "'); the users' base goes in user_base");
    }
    parsed.host = desc->lud_host;
    return parsed;
}

bool isLoopback(const std::string& host) {
    Poco::Net::IPAddress ip;
    return host == "localhost" || (Poco::Net::IPAddress::tryParse(host, ip) && ip.isLoopback());
}

std::string requireDn(const ConfigNode& node) {
    const std::string dn = node.asString();
    if (dn.empty()) node.fail("must not be empty");
    try {
        normalizeDn(dn);
    } catch (const std::invalid_argument&) {
        node.fail("is not a DN: '" + dn + "'");
    }
    return dn;
}

// An attribute description: a name (or OID) made of letters, digits, '-' and '.', nothing a filter could misread.
std::string requireAttribute(const ConfigNode& parent, const std::string& key, const std::string& fallback) {
    const ConfigNode node = parent[key];
    if (!node.defined()) return fallback;
    const std::string name = node.asString();
    const bool valid = !name.empty() && std::isalnum(static_cast<unsigned char>(name.front())) &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
                       });
    if (!valid) node.fail("is not an attribute name: '" + name + "'");
    return name;
}

NestedGroups parseNested(const ConfigNode& node) {
    if (!node.defined()) return NestedGroups::None;
    const std::string value = node.asString();
    if (value == "none") return NestedGroups::None;
    if (value == "matching_rule") return NestedGroups::MatchingRule;
    if (value == "member_search") return NestedGroups::MemberSearch;
    node.fail("must be none, matching_rule (Active Directory) or member_search, got '" + value + "'");
}

}  // namespace

std::string normalizeDn(const std::string& dn) {
    char* out = nullptr;
    if (ldap_dn_normalize(dn.c_str(), LDAP_DN_FORMAT_LDAP, &out, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS) {
        throw std::invalid_argument("not a DN: " + dn);
    }
    // The empty DN (the root) normalizes to a null string.
    std::string normalized = out != nullptr ? out : "";
    ldap_memfree(out);
    std::transform(normalized.begin(), normalized.end(), normalized.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return normalized;
}

LdapConfig parseLdapConfig(const ConfigNode& node) {
    node.expectMap();
    node.expectKeys({"url", "start_tls", "ca_file", "bind_dn", "bind_password", "user_base", "user_filter",
                     "login_attribute", "display_name_attribute", "email_attribute", "group_attribute",
                     "nested_groups", "group_base", "group_member_attribute", "group_roles", "timeout_seconds"});
    LdapConfig config;
    const ConfigNode url = node.child("url");
    config.url = url.asString();
    const ParsedUrl parsed = parseUrl(url);

    const ConfigNode startTls = node["start_tls"];
    config.startTls = startTls.defined() ? startTls.asBool() : !parsed.ldaps;
    if (parsed.ldaps && config.startTls) {
        startTls.fail("applies to ldap:// only; ldaps:// is TLS from the first byte");
    }
    // A simple bind sends the password as it is: in clear only where the wire is this machine's own.
    if (!parsed.ldaps && !config.startTls && !isLoopback(parsed.host)) {
        startTls.fail("may be false only for a loopback host, but " + url.path() + " names '" + parsed.host +
                      "': passwords would cross the network in clear; use start_tls or ldaps://");
    }
    const ConfigNode caFile = node["ca_file"];
    if (caFile.defined()) {
        config.caFile = caFile.asString();
        if (config.caFile.empty()) caFile.fail("must not be empty (leave it out for the system's CAs)");
        // As plugins.directory: a relative path means the same file whatever folder the daemon starts in.
        const Poco::Path path(config.caFile);
        if (path.isRelative()) config.caFile = Poco::Path(node.file()).parent().resolve(path).toString();
    }

    config.bindDn = requireDn(node.child("bind_dn"));
    const ConfigNode bindPassword = node.child("bind_password");
    config.bindPassword = bindPassword.asString();
    // An empty password is an anonymous bind that "succeeds" and then finds nobody.
    if (config.bindPassword.empty()) bindPassword.fail("must not be empty");
    config.userBase = requireDn(node.child("user_base"));

    const ConfigNode userFilter = node["user_filter"];
    if (userFilter.defined()) config.userFilter = userFilter.asString();
    if (config.userFilter.find("{login}") == std::string::npos) {
        userFilter.fail("must contain {login}, where the escaped login goes: '" + config.userFilter + "'");
    }
    if (config.userFilter.front() != '(' || config.userFilter.back() != ')') {
        userFilter.fail("must be one parenthesised LDAP filter like (uid={login}): '" + config.userFilter + "'");
    }

    config.loginAttribute = requireAttribute(node, "login_attribute", config.loginAttribute);
    config.displayNameAttribute = requireAttribute(node, "display_name_attribute", config.displayNameAttribute);
    config.emailAttribute = requireAttribute(node, "email_attribute", config.emailAttribute);
    config.groupAttribute = requireAttribute(node, "group_attribute", config.groupAttribute);
    config.nestedGroups = parseNested(node["nested_groups"]);
    config.groupMemberAttribute = requireAttribute(node, "group_member_attribute", config.groupMemberAttribute);
    if (config.nestedGroups == NestedGroups::MemberSearch) {
        config.groupBase = requireDn(node.child("group_base"));
    } else if (node.has("group_base")) {
        node["group_base"].fail("applies to nested_groups: member_search only");
    }

    const ConfigNode groupRoles = node.child("group_roles");
    groupRoles.expectMap();
    for (const std::string& dn : groupRoles.keys()) {
        const ConfigNode roles = groupRoles[dn];
        std::string key;
        try {
            key = normalizeDn(dn);
        } catch (const std::invalid_argument&) {
            roles.fail("is not a group DN");
        }
        if (key.empty()) roles.fail("is not a group DN");
        if (config.groupRoles.count(key) != 0) roles.fail("names the same group as another key");
        std::vector<std::string>& granted = config.groupRoles[key];
        for (const ConfigNode& role : roles.elements()) {
            const std::string name = role.asString();
            if (!isRole(name)) {
                role.fail("is not a role: '" + name + "'; roles are operator, supervisor, business_admin, marketer");
            }
            granted.push_back(name);
        }
        if (granted.empty()) roles.fail("grants no role");
    }
    if (config.groupRoles.empty()) groupRoles.fail("maps no group: nobody could sign in");

    config.timeout = std::chrono::seconds(node.getInt("timeout_seconds", 5, 1, 120));
    return config;
}

}  // namespace omnigate
