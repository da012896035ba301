#include "auth/ldap_directory.h"

#include <ldap.h>
#include <sys/time.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <new>
#include <set>
#include <utility>

namespace omnigate {

namespace {

// Longer than any directory's login (Active Directory's userPrincipalName is at most 1024): refused unsearched.
constexpr std::size_t kMaxLoginBytes = 1024;
// Levels of groups inside groups that member_search follows; deeper nesting is a loop or a mistake.
constexpr int kMaxNestingDepth = 16;

std::string escapeFilterValue(const std::string& value) {
    berval in{static_cast<ber_len_t>(value.size()), const_cast<char*>(value.data())};
    berval out{0, nullptr};
    if (ldap_bv2escaped_filter_value(&in, &out) != 0) throw std::bad_alloc();
    std::string escaped(out.bv_val, out.bv_len);
    ber_memfree(out.bv_val);
    return escaped;
}

bool equalsIgnoringCase(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

// Result codes that say the directory could not be asked, as opposed to an answer about the user.
bool isTransportFailure(int rc) {
    return rc == LDAP_SERVER_DOWN || rc == LDAP_TIMEOUT || rc == LDAP_CONNECT_ERROR || rc == LDAP_UNAVAILABLE ||
           rc == LDAP_BUSY || rc == LDAP_LOCAL_ERROR || rc == LDAP_NO_MEMORY;
}

// libldap fills its process-wide defaults (from ldap.conf) on first use, unguarded: ThreadSanitizer caught two
// first sign-ins racing there. Any call with a null handle triggers it; a function-local static runs it once.
void initializeLibrary() {
    static const bool initialized = [] {
        int version = 0;
        ldap_get_option(nullptr, LDAP_OPT_PROTOCOL_VERSION, &version);
        return true;
    }();
    (void)initialized;
}

struct Unbind {
    void operator()(LDAP* ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
};

struct Entry {
    std::string dn;
    std::vector<std::string> logins, displayNames, emails, groups;
};

}  // namespace

DirectoryUnavailable::DirectoryUnavailable(const std::string& url, const std::string& reason)
    : std::runtime_error("directory " + url + " unavailable: " + reason), url_(url) {}

// One connection to the directory, bound as the service account once constructed; a sign-in binds it as the user
// last of all.
class LdapDirectory::Connection {
public:
    explicit Connection(const LdapConfig& config) : config_(config) {
        LDAP* ld = nullptr;
        const int initialized = ldap_initialize(&ld, config.url.c_str());
        ld_.reset(ld);
        if (initialized != LDAP_SUCCESS || ld_ == nullptr) throw DirectoryUnavailable(config.url, "not an LDAP URL");
        const int version = LDAP_VERSION3;
        timeval timeout{static_cast<time_t>(config.timeout.count()), 0};
        set(LDAP_OPT_PROTOCOL_VERSION, &version, "protocol version 3");
        set(LDAP_OPT_NETWORK_TIMEOUT, &timeout, "network timeout");
        set(LDAP_OPT_TIMEOUT, &timeout, "timeout");
        // Active Directory answers searches at a domain's root with referrals to other domains; following them
        // would bind anonymously elsewhere. Users are found in user_base or not at all.
        set(LDAP_OPT_REFERRALS, LDAP_OPT_OFF, "referrals");
        if (usesTls()) {
            if (!config.caFile.empty()) set(LDAP_OPT_X_TLS_CACERTFILE, config.caFile.c_str(), "CA file");
            const int demand = LDAP_OPT_X_TLS_DEMAND;
            set(LDAP_OPT_X_TLS_REQUIRE_CERT, &demand, "certificate check");
            // A TLS context of this handle's own, built from the options above rather than the process-wide one.
            const int isServer = 0;
            if (ldap_set_option(ld_.get(), LDAP_OPT_X_TLS_NEWCTX, &isServer) != LDAP_OPT_SUCCESS) {
                throw DirectoryUnavailable(config.url, config.caFile.empty()
                                                           ? "cannot set up TLS with the system's CAs"
                                                           : "cannot use the CA file " + config.caFile +
                                                                 " (missing, unreadable or not PEM)");
            }
        }
        if (config.startTls) {
            const int rc = ldap_start_tls_s(ld_.get(), nullptr, nullptr);
            if (rc != LDAP_SUCCESS) fail("StartTLS failed", rc);
        }
        const int rc = bind(config.bindDn, config.bindPassword);
        if (rc != LDAP_SUCCESS) fail("binding as the service account " + config.bindDn + " failed", rc);
    }

    int bind(const std::string& dn, const std::string& password) {
        berval credentials{static_cast<ber_len_t>(password.size()), const_cast<char*>(password.data())};
        return ldap_sasl_bind_s(ld_.get(), dn.c_str(), LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr, nullptr);
    }

    // Entries under base matching filter, at most sizeLimit (0: the server's limit) of them.
    std::vector<Entry> search(const std::string& base, int scope, const std::string& filter, bool readAttributes,
                              int sizeLimit) {
        std::vector<std::string> names;
        if (readAttributes) {
            names = {config_.loginAttribute, config_.displayNameAttribute, config_.emailAttribute,
                     config_.groupAttribute};
        } else {
            names = {LDAP_NO_ATTRS};
        }
        std::vector<char*> attrs;
        for (std::string& name : names) attrs.push_back(name.data());
        attrs.push_back(nullptr);
        timeval timeout{static_cast<time_t>(config_.timeout.count()), 0};
        LDAPMessage* result = nullptr;
        const int rc = ldap_search_ext_s(ld_.get(), base.c_str(), scope, filter.c_str(), attrs.data(), 0, nullptr,
                                         nullptr, &timeout, sizeLimit, &result);
        std::vector<Entry> entries;
        // A size limit reached still delivers the entries up to it, which is all a caller asked for.
        if (rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED) {
            for (LDAPMessage* e = ldap_first_entry(ld_.get(), result); e != nullptr;
                 e = ldap_next_entry(ld_.get(), e)) {
                entries.push_back(read(e, readAttributes));
            }
        }
        ldap_msgfree(result);
        if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
            fail("searching " + base + " for " + filter + " failed", rc);
        }
        return entries;
    }

    [[noreturn]] void fail(const std::string& what, int rc) {
        std::string reason = what + ": " + ldap_err2string(rc);
        char* diagnostic = nullptr;
        if (ldap_get_option(ld_.get(), LDAP_OPT_DIAGNOSTIC_MESSAGE, &diagnostic) == LDAP_OPT_SUCCESS &&
            diagnostic != nullptr) {
            // libldap leaves "(unknown error code)" here after a failed TLS handshake: no news to anyone.
            const std::string text = diagnostic;
            ldap_memfree(diagnostic);
            if (!text.empty() && text.find("unknown error code") == std::string::npos) reason += " (" + text + ")";
        }
        // A refused certificate shows only as a connection that failed; say where to look.
        if ((rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR) && usesTls()) {
            reason += "; unreachable, or its certificate is not signed by " +
                      (config_.caFile.empty() ? std::string("the system's CAs") : "the CA in " + config_.caFile);
        }
        throw DirectoryUnavailable(config_.url, reason);
    }

private:
    bool usesTls() const { return config_.startTls || config_.url.rfind("ldaps://", 0) == 0; }

    void set(int option, const void* value, const char* what) {
        const int rc = ldap_set_option(ld_.get(), option, value);
        if (rc != LDAP_OPT_SUCCESS) fail(std::string("setting the ") + what + " failed", rc);
    }

    std::vector<std::string> values(LDAPMessage* entry, const std::string& attribute) {
        std::vector<std::string> out;
        berval** vals = ldap_get_values_len(ld_.get(), entry, attribute.c_str());
        if (vals == nullptr) return out;
        for (berval** v = vals; *v != nullptr; ++v) out.emplace_back((*v)->bv_val, (*v)->bv_len);
        ldap_value_free_len(vals);
        return out;
    }

    Entry read(LDAPMessage* message, bool readAttributes) {
        Entry entry;
        char* dn = ldap_get_dn(ld_.get(), message);
        if (dn != nullptr) {
            entry.dn = dn;
            ldap_memfree(dn);
        }
        if (readAttributes) {
            entry.logins = values(message, config_.loginAttribute);
            entry.displayNames = values(message, config_.displayNameAttribute);
            entry.emails = values(message, config_.emailAttribute);
            entry.groups = values(message, config_.groupAttribute);
        }
        return entry;
    }

    const LdapConfig& config_;
    std::unique_ptr<LDAP, Unbind> ld_;  // unbinds (and closes) however the constructor or a call ends
};

LdapDirectory::LdapDirectory(LdapConfig config) : config_(std::move(config)) { initializeLibrary(); }

std::string LdapDirectory::userFilter(const std::string& pattern, const std::string& login) {
    static const std::string placeholder = "{login}";
    const std::string escaped = escapeFilterValue(login);
    std::string filter;
    std::size_t from = 0;
    for (std::size_t at; (at = pattern.find(placeholder, from)) != std::string::npos; from = at + placeholder.size()) {
        filter.append(pattern, from, at - from).append(escaped);
    }
    return filter.append(pattern, from, std::string::npos);
}

std::string LdapDirectory::transitiveMemberFilter(const std::string& groupAttribute, const std::string& groupDn) {
    return "(" + groupAttribute + ":1.2.840.113556.1.4.1941:=" + escapeFilterValue(groupDn) + ")";
}

std::optional<DirectoryUser> LdapDirectory::authenticate(const std::string& login, const std::string& password) const {
    if (password.empty()) return std::nullopt;
    if (login.empty() || login.size() > kMaxLoginBytes) return std::nullopt;
    Connection connection(config_);
    return find(connection, login, &password);
}

std::optional<DirectoryUser> LdapDirectory::lookup(const std::string& login) const {
    if (login.empty() || login.size() > kMaxLoginBytes) return std::nullopt;
    Connection connection(config_);
    return find(connection, login, nullptr);
}

std::optional<DirectoryUser> LdapDirectory::find(Connection& connection, const std::string& login,
                                                 const std::string* password) const {
    // Two are enough to know the login is ambiguous.
    const std::vector<Entry> hits =
        connection.search(config_.userBase, LDAP_SCOPE_SUBTREE, userFilter(config_.userFilter, login), true, 2);
    if (hits.size() != 1 || hits.front().dn.empty()) return std::nullopt;
    const Entry& entry = hits.front();

    // Groups are read with the service account before the user's bind, so that a sign-in and the sync see the
    // same groups whatever a user may read about themselves.
    std::set<std::string> roles;
    for (const std::string& group : groupsOf(connection, entry.dn, entry.groups)) {
        const auto mapped = config_.groupRoles.find(group);
        if (mapped != config_.groupRoles.end()) roles.insert(mapped->second.begin(), mapped->second.end());
    }
    if (roles.empty()) return std::nullopt;

    if (password != nullptr) {
        const int rc = connection.bind(entry.dn, *password);
        if (isTransportFailure(rc)) connection.fail("binding as " + entry.dn + " failed", rc);
        // Anything else the server answers (wrong password, account locked or expired) is a refusal.
        if (rc != LDAP_SUCCESS) return std::nullopt;
    }

    DirectoryUser user;
    user.dn = entry.dn;
    user.login = login;
    const auto same = std::find_if(entry.logins.begin(), entry.logins.end(),
                                   [&](const std::string& value) { return equalsIgnoringCase(value, login); });
    if (same != entry.logins.end()) {
        user.login = *same;
    } else if (!entry.logins.empty()) {
        user.login = entry.logins.front();
    }
    if (!entry.displayNames.empty()) user.displayName = entry.displayNames.front();
    if (!entry.emails.empty()) user.email = entry.emails.front();
    user.roles.assign(roles.begin(), roles.end());
    return user;
}

// The user's groups, each normalized (normalizeDn) as group_roles' keys are.
std::vector<std::string> LdapDirectory::groupsOf(Connection& connection, const std::string& userDn,
                                                 const std::vector<std::string>& directGroups) const {
    std::set<std::string> found;
    for (const std::string& dn : directGroups) {
        try {
            found.insert(normalizeDn(dn));
        } catch (const std::invalid_argument&) {
            // A value that is no DN cannot name a mapped group.
        }
    }
    if (config_.nestedGroups == NestedGroups::MatchingRule) {
        // The server walks the nesting: one question per mapped group, asked of the user's own entry.
        for (const auto& [group, roles] : config_.groupRoles) {
            if (found.count(group) != 0) continue;
            if (!connection.search(userDn, LDAP_SCOPE_BASE, transitiveMemberFilter(config_.groupAttribute, group),
                                   false, 1).empty()) {
                found.insert(group);
            }
        }
    } else if (config_.nestedGroups == NestedGroups::MemberSearch) {
        // Level by level: the groups that hold the user or any group found so far, until no new one appears. The
        // user's DN is asked too, so directories that keep no memberOf still give the direct groups.
        std::vector<std::string> frontier = directGroups;
        frontier.push_back(userDn);
        for (int depth = 0; depth < kMaxNestingDepth && !frontier.empty(); ++depth) {
            std::string filter = "(|";
            for (const std::string& dn : frontier) {
                filter += "(" + config_.groupMemberAttribute + "=" + escapeFilterValue(dn) + ")";
            }
            filter += ")";
            frontier.clear();
            for (const Entry& group : connection.search(config_.groupBase, LDAP_SCOPE_SUBTREE, filter, false, 0)) {
                try {
                    if (found.insert(normalizeDn(group.dn)).second) frontier.push_back(group.dn);
                } catch (const std::invalid_argument&) {
                    // The server's own DNs always parse; nothing to follow if one did not.
                }
            }
        }
    }
    return {found.begin(), found.end()};
}

}  // namespace omnigate
