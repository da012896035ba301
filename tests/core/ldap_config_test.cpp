// Directory sign-in settings (`auth.ldap`): valid YAML becomes an LdapConfig, and every mistake an administrator
// can make (a wrong scheme, StartTLS with ldaps://, passwords in clear over the network, a filter without {login},
// an unknown key or role) is a ConfigError naming the file, line and key. Also the filter text the directory code
// sends, where a login's metacharacters must stay data.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "auth/ldap_config.h"
#include "auth/ldap_directory.h"

namespace omnigate {
namespace {

const std::string kHead =
    "auth:\n"
    "  ldap:\n";

const std::string kMinimal =
    "    url: ldaps://dc1.example.com\n"
    "    bind_dn: CN=omnigate-reader,OU=Service,DC=example,DC=com\n"
    "    bind_password: reader-secret\n"
    "    user_base: OU=Staff,DC=example,DC=com\n"
    "    group_roles:\n"
    "      CN=CC Operators,OU=Groups,DC=example,DC=com: [operator]\n";

LdapConfig parse(const std::string& body) {
    return parseLdapConfig(ConfigNode::parseString(kHead + body, "test.yaml")["auth"]["ldap"]);
}

ConfigError errorOf(const std::string& body) {
    try {
        parse(body);
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << body;
    return ConfigError("", 0, 0, "", "");
}

// kMinimal with one line replaced (or added when `from` is empty).
std::string with(const std::string& from, const std::string& to) {
    std::string body = kMinimal;
    if (from.empty()) return body + to;
    const std::size_t at = body.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return body.replace(at, from.size(), to);
}

TEST(LdapConfig, AppliesDefaults) {
    const LdapConfig config = parse(kMinimal);
    EXPECT_EQ(config.url, "ldaps://dc1.example.com");
    EXPECT_FALSE(config.startTls);
    EXPECT_TRUE(config.caFile.empty());
    EXPECT_EQ(config.bindDn, "CN=omnigate-reader,OU=Service,DC=example,DC=com");
    EXPECT_EQ(config.bindPassword, "reader-secret");
    EXPECT_EQ(config.userFilter, "(uid={login})");
    EXPECT_EQ(config.loginAttribute, "uid");
    EXPECT_EQ(config.displayNameAttribute, "cn");
    EXPECT_EQ(config.emailAttribute, "mail");
    EXPECT_EQ(config.groupAttribute, "memberOf");
    EXPECT_EQ(config.nestedGroups, NestedGroups::None);
    EXPECT_EQ(config.timeout.count(), 5);
    // Group DNs are keyed in one spelling: lower case, no spaces after commas.
    ASSERT_EQ(config.groupRoles.size(), 1u);
    EXPECT_EQ(config.groupRoles.begin()->first, "cn=cc operators,ou=groups,dc=example,dc=com");
    EXPECT_EQ(config.groupRoles.begin()->second, std::vector<std::string>{"operator"});
}

TEST(LdapConfig, ReadsActiveDirectoryExample) {
    const LdapConfig config = parse(
        "    url: ldaps://dc1.example.com:636\n"
        "    ca_file: /etc/omnigate/ad-ca.pem\n"
        "    bind_dn: CN=omnigate-reader,OU=Service,DC=example,DC=com\n"
        "    bind_password: ${OMNIGATE_TEST_UNSET_LDAP_PASSWORD:-from-env}\n"
        "    user_base: OU=Staff,DC=example,DC=com\n"
        "    user_filter: (&(objectClass=user)(sAMAccountName={login}))\n"
        "    login_attribute: sAMAccountName\n"
        "    display_name_attribute: displayName\n"
        "    nested_groups: matching_rule\n"
        "    timeout_seconds: 3\n"
        "    group_roles:\n"
        "      \"CN=CC Supervisors, OU=Groups, DC=example, DC=com\": [supervisor, marketer]\n"
        "      CN=CC Admins,OU=Groups,DC=example,DC=com: [business_admin]\n");
    EXPECT_EQ(config.caFile, "/etc/omnigate/ad-ca.pem");
    EXPECT_EQ(config.bindPassword, "from-env");
    EXPECT_EQ(config.userFilter, "(&(objectClass=user)(sAMAccountName={login}))");
    EXPECT_EQ(config.loginAttribute, "sAMAccountName");
    EXPECT_EQ(config.displayNameAttribute, "displayName");
    EXPECT_EQ(config.nestedGroups, NestedGroups::MatchingRule);
    EXPECT_EQ(config.timeout.count(), 3);
    const std::vector<std::string> both{"supervisor", "marketer"};
    EXPECT_EQ(config.groupRoles.at("cn=cc supervisors,ou=groups,dc=example,dc=com"), both);
    EXPECT_EQ(config.groupRoles.at("cn=cc admins,ou=groups,dc=example,dc=com"),
              std::vector<std::string>{"business_admin"});
}

TEST(LdapConfig, LdapSchemeDefaultsToStartTls) {
    const LdapConfig config = parse(with("ldaps://dc1.example.com", "ldap://ldap.example.com:389"));
    EXPECT_TRUE(config.startTls);
}

TEST(LdapConfig, MemberSearchNeedsGroupBase) {
    const LdapConfig config = parse(with("", "    nested_groups: member_search\n"
                                             "    group_base: OU=Groups,DC=example,DC=com\n"
                                             "    group_member_attribute: uniqueMember\n"));
    EXPECT_EQ(config.nestedGroups, NestedGroups::MemberSearch);
    EXPECT_EQ(config.groupBase, "OU=Groups,DC=example,DC=com");
    EXPECT_EQ(config.groupMemberAttribute, "uniqueMember");

    const ConfigError missing = errorOf(with("", "    nested_groups: member_search\n"));
    EXPECT_EQ(missing.keyPath(), "auth.ldap.group_base");
    EXPECT_EQ(missing.problem(), "missing");
    const ConfigError stray = errorOf(with("", "    group_base: OU=Groups,DC=example,DC=com\n"));
    EXPECT_EQ(stray.keyPath(), "auth.ldap.group_base");
    EXPECT_NE(stray.problem().find("member_search only"), std::string::npos) << stray.problem();
}

TEST(LdapConfig, ErrorsNameTheKeyAndWhy) {
    struct Case {
        std::string body, keyPath, problem;
        int line;
    };
    const std::vector<Case> cases{
        {with("", "    password: x\n"), "auth.ldap.password", "unknown key", 9},
        {with("ldaps://dc1.example.com", "https://dc1.example.com"), "auth.ldap.url", "must start with ldap://", 3},
        {with("ldaps://dc1.example.com", "ldaps://dc1.example.com:port"), "auth.ldap.url", "is not an LDAP URL", 3},
        {with("ldaps://dc1.example.com", "not a url"), "auth.ldap.url", "must start with ldap://", 3},
        {with("ldaps://dc1.example.com", "ldaps://"), "auth.ldap.url", "names no host", 3},
        {with("ldaps://dc1.example.com", "ldaps://dc1.example.com/DC=example,DC=com"), "auth.ldap.url",
         "user_base", 3},
        {with("", "    start_tls: true\n"), "auth.ldap.start_tls", "ldap:// only", 9},
        {with("", "    start_tls: maybe\n"), "auth.ldap.start_tls", "true or false", 9},
        {with("ldaps://dc1.example.com", "ldap://ldap.example.com") + "    start_tls: false\n",
         "auth.ldap.start_tls", "in clear", 9},
        {with("    bind_dn: CN=omnigate-reader,OU=Service,DC=example,DC=com\n", ""), "auth.ldap.bind_dn", "missing",
         3},
        {with("CN=omnigate-reader,OU=Service,DC=example,DC=com", "omnigate-reader"), "auth.ldap.bind_dn",
         "is not a DN", 4},
        {with("reader-secret", "\"\""), "auth.ldap.bind_password", "must not be empty", 5},
        {with("", "    user_filter: (uid=anna)\n"), "auth.ldap.user_filter", "{login}", 9},
        {with("", "    user_filter: uid={login}\n"), "auth.ldap.user_filter", "parenthesised", 9},
        {with("", "    login_attribute: \"uid)(cn=*\"\n"), "auth.ldap.login_attribute", "not an attribute name", 9},
        {with("", "    nested_groups: yes\n"), "auth.ldap.nested_groups", "matching_rule", 9},
        {with("", "    timeout_seconds: 0\n"), "auth.ldap.timeout_seconds", "", 9},
        {with("[operator]", "[admin]"), "auth.ldap.group_roles.CN=CC Operators,OU=Groups,DC=example,DC=com[0]",
         "is not a role: 'admin'", 8},
        {with("[operator]", "[]"), "auth.ldap.group_roles.CN=CC Operators,OU=Groups,DC=example,DC=com",
         "grants no role", 8},
        {with("[operator]", "operator"), "auth.ldap.group_roles.CN=CC Operators,OU=Groups,DC=example,DC=com",
         "expected a list", 8},
        {with("", "      cn=cc operators, ou=groups, dc=example, dc=com: [supervisor]\n"),
         "auth.ldap.group_roles.cn=cc operators, ou=groups, dc=example, dc=com", "same group", 9},
        {with("      CN=CC Operators,OU=Groups,DC=example,DC=com: [operator]\n", "      no-dn: [operator]\n"),
         "auth.ldap.group_roles.no-dn", "not a group DN", 8},
        {with("      CN=CC Operators,OU=Groups,DC=example,DC=com: [operator]\n", "      {}\n"),
         "auth.ldap.group_roles", "maps no group", 8},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.body);
        const ConfigError e = errorOf(c.body);
        EXPECT_EQ(e.file(), "test.yaml");
        EXPECT_EQ(e.keyPath(), c.keyPath);
        EXPECT_NE(e.problem().find(c.problem), std::string::npos) << e.problem();
        EXPECT_EQ(e.line(), c.line);
    }
}

TEST(LdapConfig, RelativeCaFileIsBesideTheConfigFile) {
    const std::string yaml = kHead + with("", "    ca_file: ../tls/ca.crt\n");
    const LdapConfig config =
        parseLdapConfig(ConfigNode::parseString(yaml, "/etc/omnigate/omnigate.yaml")["auth"]["ldap"]);
    EXPECT_EQ(config.caFile, "/etc/tls/ca.crt");
}

TEST(LdapConfig, PlaintextIsAllowedOnLoopbackOnly) {
    const LdapConfig config = parse(with("ldaps://dc1.example.com", "ldap://127.0.0.1:11389") +
                                    "    start_tls: false\n");
    EXPECT_FALSE(config.startTls);
}

// The Active Directory and OpenLDAP examples of docs/directory-sign-in.md are settings this parser takes.
TEST(LdapConfig, DocumentedExamplesParse) {
    const std::string page = std::string(OMNIGATE_DOCS_DIR) + "/directory-sign-in.md";
    std::ifstream in(page);
    ASSERT_TRUE(in) << page;
    std::stringstream text;
    text << in.rdbuf();
    const std::string markdown = text.str();
    ::setenv("OMNIGATE_LDAP_BIND_PASSWORD", "example-password", 0);
    std::vector<LdapConfig> examples;
    const std::string open = "```yaml\n";
    for (std::size_t at = markdown.find(open); at != std::string::npos; at = markdown.find(open, at)) {
        at += open.size();
        const std::size_t end = markdown.find("```", at);
        ASSERT_NE(end, std::string::npos);
        const ConfigNode root = ConfigNode::parseString(markdown.substr(at, end - at), page);
        examples.push_back(parseLdapConfig(root["auth"]["ldap"]));
    }
    ASSERT_EQ(examples.size(), 2u);
    EXPECT_EQ(examples[0].nestedGroups, NestedGroups::MatchingRule);
    EXPECT_EQ(examples[0].groupRoles.size(), 4u);
    EXPECT_EQ(examples[1].nestedGroups, NestedGroups::MemberSearch);
    EXPECT_TRUE(examples[1].startTls);
}

TEST(LdapConfig, NormalizesDnsForComparison) {
    EXPECT_EQ(normalizeDn("CN=CC Admins, OU=Groups,DC=Example,DC=Com"), "cn=cc admins,ou=groups,dc=example,dc=com");
    EXPECT_EQ(normalizeDn("uid=ops*(night)\\5Cshift,dc=x"), normalizeDn("UID=ops*(night)\\\\shift, DC=x"));
    EXPECT_THROW(normalizeDn("no equals sign"), std::invalid_argument);
}

// What the directory receives: a login's * ( ) \ and NUL are escaped (RFC 4515), so they can only ever be matched
// as characters of a login, never add or widen a clause.
TEST(LdapFilter, EscapesTheLoginIntoEveryPlaceholder) {
    EXPECT_EQ(LdapDirectory::userFilter("(uid={login})", "olga"), "(uid=olga)");
    EXPECT_EQ(LdapDirectory::userFilter("(uid={login})", "*"), "(uid=\\2A)");
    EXPECT_EQ(LdapDirectory::userFilter("(uid={login})", "admin)(uid=*"), "(uid=admin\\29\\28uid=\\2A)");
    EXPECT_EQ(LdapDirectory::userFilter("(uid={login})", "*)(|(uid=*"), "(uid=\\2A\\29\\28|\\28uid=\\2A)");
    EXPECT_EQ(LdapDirectory::userFilter("(uid={login})", "a\\b"), "(uid=a\\5Cb)");
    EXPECT_EQ(LdapDirectory::userFilter("(uid={login})", std::string("a\0b", 3)), "(uid=a\\00b)");
    EXPECT_EQ(LdapDirectory::userFilter("(|(uid={login})(mail={login}))", "x*"), "(|(uid=x\\2A)(mail=x\\2A))");
}

TEST(LdapFilter, ActiveDirectoryNestedGroupRule) {
    EXPECT_EQ(LdapDirectory::transitiveMemberFilter("memberOf", "CN=CC Ops,OU=Groups,DC=example,DC=com"),
              "(memberOf:1.2.840.113556.1.4.1941:=CN=CC Ops,OU=Groups,DC=example,DC=com)");
    // A DN's own escapes and filter metacharacters stay data in the filter.
    EXPECT_EQ(LdapDirectory::transitiveMemberFilter("memberOf", "CN=Ops \\2C Night (2),DC=example,DC=com"),
              "(memberOf:1.2.840.113556.1.4.1941:=CN=Ops \\5C2C Night \\282\\29,DC=example,DC=com)");
}

}  // namespace
}  // namespace omnigate
