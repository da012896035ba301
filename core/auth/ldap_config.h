// What directory sign-in needs to know: where the directory is, how to reach it safely, how to find a user and
// which of their groups give which omnigate roles. Read from the config's `auth.ldap` section by parseLdapConfig,
// which refuses anything the directory code could only fail on later (docs/directory-sign-in.md lists the keys).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "omnigate/sdk/config_node.h"

namespace omnigate {

// How a user's membership of a group inside a mapped group is found.
enum class NestedGroups {
    None,          // only the groups the group attribute (memberOf) names directly
    MatchingRule,  // Active Directory: the LDAP_MATCHING_RULE_IN_CHAIN filter, one search per mapped group
    MemberSearch,  // any directory: searches under groupBase for groups holding the user's groups, level by level
};

struct LdapConfig {
    std::string url;                // ldap://host[:port] or ldaps://host[:port]
    bool startTls = false;          // ldap:// only: upgraded before anything is sent
    std::string caFile;             // PEM CA bundle the server's certificate must chain to; empty: the system's.
                                    // Relative in the file: to the config file's folder.
    std::string bindDn;             // the service account that finds users
    std::string bindPassword;
    std::string userBase;           // searched with subtree scope
    std::string userFilter = "(uid={login})";  // {login} is replaced by the escaped login
    std::string loginAttribute = "uid";
    std::string displayNameAttribute = "cn";
    std::string emailAttribute = "mail";
    std::string groupAttribute = "memberOf";
    NestedGroups nestedGroups = NestedGroups::None;
    std::string groupBase;                        // MemberSearch only
    std::string groupMemberAttribute = "member";  // MemberSearch only
    // Group DN (compared case- and spacing-insensitively, see normalizeDn) to the roles its members get.
    std::map<std::string, std::vector<std::string>> groupRoles;
    std::chrono::seconds timeout{5};  // for connecting and for each answer
};

// Parses `auth.ldap`. Unknown keys, wrong types, a URL of another scheme, start_tls with ldaps://, plaintext ldap://
// to a host other than loopback, a filter without {login}, an invalid DN or an unknown role: ConfigError naming the
// file, line and key.
LdapConfig parseLdapConfig(const ConfigNode& node);

// A DN in one spelling for comparisons: RFC 4514 form (spacing and escapes made uniform) in lower case, as
// directories compare DNs case-insensitively. Throws std::invalid_argument when `dn` is not a DN.
std::string normalizeDn(const std::string& dn);

}  // namespace omnigate
