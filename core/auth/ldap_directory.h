// Directory sign-in: checks a login and password against an LDAP directory (OpenLDAP, Active Directory) and
// reads the user's roles from the groups they belong to, at every sign-in and for the periodic sync. The
// directory stays the authority: nothing here caches a user, a group or a password.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/ldap_config.h"

namespace omnigate {

struct DirectoryUser {
    std::string dn;
    std::string login;        // as the directory spells it (login_attribute), which may differ in case
    std::string displayName;  // empty when the entry has none
    std::string email;        // empty when the entry has none
    std::vector<std::string> roles;  // sorted, never empty
};

// The directory could not answer: unreachable, TLS refused, the service account refused, a search failed. Not a
// wrong password. The message names the URL and the reason, never a password.
class DirectoryUnavailable : public std::runtime_error {
public:
    DirectoryUnavailable(const std::string& url, const std::string& reason);
    const std::string& url() const noexcept { return url_; }

private:
    std::string url_;
};

// Thread-safe: every call opens, uses and closes a connection of its own (sign-ins are rare).
class LdapDirectory {
public:
    explicit LdapDirectory(LdapConfig config);

    // The user, when the password is theirs and a mapped group gives them a role. nullopt for an empty login or
    // password (refused before any bind: an empty password is an anonymous bind that "succeeds"), an unknown login,
    // a login that finds more than one entry, a wrong password, or no mapped group. Throws DirectoryUnavailable.
    std::optional<DirectoryUser> authenticate(const std::string& login, const std::string& password) const;

    // The service account's view of a user, for the periodic sync: nullopt when the login is gone from the
    // directory (or ambiguous) or in no mapped group any more. Throws DirectoryUnavailable.
    std::optional<DirectoryUser> lookup(const std::string& login) const;

    const LdapConfig& config() const noexcept { return config_; }

    // The user filter with the login escaped (RFC 4515) into every {login}: a login can never add a clause.
    static std::string userFilter(const std::string& pattern, const std::string& login);
    // Active Directory's transitive membership test for one group (LDAP_MATCHING_RULE_IN_CHAIN), the DN escaped.
    static std::string transitiveMemberFilter(const std::string& groupAttribute, const std::string& groupDn);

private:
    class Connection;
    std::optional<DirectoryUser> find(Connection& connection, const std::string& login,
                                      const std::string* password) const;
    std::vector<std::string> groupsOf(Connection& connection, const std::string& userDn,
                                      const std::vector<std::string>& directGroups) const;

    LdapConfig config_;
};

}  // namespace omnigate
