// The daemon's configuration as an operator meets it: the demo file parses, values come from the environment, and
// every mistake is refused with the file, line, column and dotted key path of the offending value.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <optional>
#include <regex>
#include <string>

#include "config/daemon_config.h"

namespace omnigate {
namespace {

namespace fs = std::filesystem;

// Sets (or unsets) an environment variable for one test and restores the previous value afterwards, so tests do
// not leak into each other when the binary runs them all in one process.
class ScopedEnv {
public:
    ScopedEnv(std::string name, std::optional<std::string> value) : name_(std::move(name)) {
        if (const char* old = std::getenv(name_.c_str())) previous_ = old;
        if (value) {
            ::setenv(name_.c_str(), value->c_str(), 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ~ScopedEnv() {
        if (previous_) {
            ::setenv(name_.c_str(), previous_->c_str(), 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::string name_;
    std::optional<std::string> previous_;
};

// A fresh directory under the system's temporary folder, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "omnigate-config-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const fs::path& path() const { return path_; }
    fs::path write(const std::string& relative, const std::string& text) const {
        const fs::path file = path_ / relative;
        fs::create_directories(file.parent_path());
        std::ofstream(file) << text;
        return file;
    }

private:
    fs::path path_;
};

// One string per line, so a test's expected line number is the index of the line plus one.
std::string yaml(std::initializer_list<const char*> lines) {
    std::string text;
    for (const char* line : lines) text += std::string(line) + "\n";
    return text;
}

DaemonConfig parse(const std::string& text) { return parseDaemonConfig(ConfigNode::parseString(text, "test.yaml")); }

// Parses text that must be refused and returns the error.
ConfigError refusal(const std::string& text) {
    try {
        parse(text);
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "the configuration was accepted:\n" << text;
    return ConfigError("", 0, 0, "", "");
}

// The sections every config needs, as lines 1-9; tests append what they are about from line 10 on.
#define REQUIRED_SECTIONS                                                                               \
    "admin:", "  token: a-long-enough-token", "database:", "  name: omnigate", "  user: omnigate", "mqtt:", \
        "  url: tcp://127.0.0.1:1883", "plugins:", "  directory: /opt/omnigate/plugins"

// --- The demo configuration ------------------------------------------------------------------------------------

TEST(DemoConfig, ParsesWithItsDefaultsWhenNothingIsSet) {
    const ScopedEnv token("OMNIGATE_ADMIN_TOKEN", std::nullopt);
    const ScopedEnv port("OMNIGATE_HTTP_PORT", std::nullopt);
    const ScopedEnv db("OMNIGATE_DB_NAME", std::nullopt);
    const ScopedEnv mqttHost("OMNIGATE_MQTT_HOST", std::nullopt);
    const ScopedEnv mqttPort("OMNIGATE_MQTT_PORT", std::nullopt);
    const ScopedEnv mqttWebSocketPort("OMNIGATE_MQTT_WS_PORT", std::nullopt);
    const ScopedEnv consoleDir("OMNIGATE_CONSOLE_DIR", std::nullopt);
    const ScopedEnv smtpHost("OMNIGATE_MAILINGS_SMTP_HOST", std::nullopt);
    const ScopedEnv smtpPort("OMNIGATE_SMTP_PORT", std::nullopt);
    const ScopedEnv mailFrom("OMNIGATE_MAILINGS_FROM", std::nullopt);

    const DaemonConfig c = loadDaemonConfig(OMNIGATE_DEMO_CONFIG);

    EXPECT_EQ(c.adminToken, "demo-admin-token");
    EXPECT_EQ(c.http.port, 8080);
    EXPECT_EQ(c.database.name, "omnigate");
    EXPECT_EQ(c.mqtt.url, "tcp://127.0.0.1:1884");
    EXPECT_EQ(c.mqtt.websocketUrl, "ws://127.0.0.1:9001");
    // The console's build, where scripts/console.sh writes it: console/dist beside the config's folder.
    EXPECT_EQ(std::filesystem::weakly_canonical(c.console.directory),
              std::filesystem::weakly_canonical(std::filesystem::path(OMNIGATE_DEMO_CONFIG).parent_path() /
                                                "../console/dist"));
    // One demo account of every channel, each named demo.
    ASSERT_EQ(c.channels.size(), 5u);
    for (const auto& channel : c.channels) EXPECT_EQ(channel.id, "demo") << channel.type;
    EXPECT_EQ(c.channels[0].type, "webchat");
    EXPECT_EQ(c.channels[0].id, "demo");
    // The plugin's settings are handed on unread, still knowing where they are in the file.
    EXPECT_TRUE(c.channels[0].settings.isMap());
    EXPECT_EQ(c.channels[0].settings.path(), "channels[0].settings");
    EXPECT_EQ(c.channels[0].settings.file(), OMNIGATE_DEMO_CONFIG);
    // Channels first, then integrations: the demo has a CRM webhook integration with no subscriptions yet.
    ASSERT_EQ(c.integrations.size(), 1u);
    EXPECT_EQ(c.integrations[0].type, "crm");
    EXPECT_EQ(c.pluginTypes(), (std::vector<std::string>{"webchat", "email", "vk", "whatsapp", "voice", "crm"}));
    // Report mailings go out through scripts/services.sh's SMTP receiver.
    EXPECT_EQ(c.mailings.smtp.host, "127.0.0.1");
    EXPECT_EQ(c.mailings.smtp.port, 2525);
    EXPECT_EQ(c.mailings.smtp.from, "demo@omnigate.test");
    // Campaign mails unsubscribe at the demo daemon itself.
    EXPECT_EQ(c.campaigns.publicUrl, "http://127.0.0.1:8080");
    EXPECT_FALSE(c.campaigns.unsubscribeSecret.empty());
}

TEST(DemoConfig, ScansFilesWithTheClamdOfTheScriptsAndBoundsUploads) {
    const ScopedEnv var("OMNIGATE_VAR_DIR", std::nullopt);
    const DaemonConfig c = loadDaemonConfig(OMNIGATE_DEMO_CONFIG);
    ASSERT_TRUE(c.files.antivirus.has_value());
    // A relative socket is the config folder's, as files.directory is: var/clamd/clamd.sock beside config/.
    const std::string address = c.files.antivirus->address;
    ASSERT_EQ(address.rfind("unix:/", 0), 0u) << address;
    EXPECT_EQ(std::filesystem::weakly_canonical(address.substr(5)),
              std::filesystem::weakly_canonical(std::filesystem::path(OMNIGATE_DEMO_CONFIG).parent_path() /
                                                "../var/clamd/clamd.sock"));
    EXPECT_TRUE(c.files.antivirus->refuseOnError);
    EXPECT_GT(c.files.quotaBytes, c.files.maxBytes);
    EXPECT_TRUE(c.files.allowedTypes.admits(FileUse::Template, "image/png"));
    EXPECT_FALSE(c.files.allowedTypes.admits(FileUse::Template, "application/zip"));
    EXPECT_TRUE(c.files.allowedTypes.admits(FileUse::Attachment, "application/zip")) << "the defaults";
}

TEST(DemoConfig, TakesTheAdminTokenFromTheEnvironment) {
    const ScopedEnv token("OMNIGATE_ADMIN_TOKEN", "a-token-from-the-environment");
    EXPECT_EQ(loadDaemonConfig(OMNIGATE_DEMO_CONFIG).adminToken, "a-token-from-the-environment");
}

TEST(DemoConfig, TakesTheHttpPortFromTheEnvironment) {
    const ScopedEnv port("OMNIGATE_HTTP_PORT", "18123");
    EXPECT_EQ(loadDaemonConfig(OMNIGATE_DEMO_CONFIG).http.port, 18123);
}

TEST(DemoConfig, AnEmptyVariableCountsAsUnset) {
    // `OMNIGATE_ADMIN_TOKEN= ./omnigate` must not leave the admin API with an empty token.
    const ScopedEnv token("OMNIGATE_ADMIN_TOKEN", "");
    EXPECT_EQ(loadDaemonConfig(OMNIGATE_DEMO_CONFIG).adminToken, "demo-admin-token");
}

// --- Environment substitution ----------------------------------------------------------------------------------

TEST(DaemonConfigEnvironment, AVariableWithoutDefaultMustBeSet) {
    const ScopedEnv unset("OMNIGATE_TEST_UNSET_SECRET", std::nullopt);
    const ConfigError e = refusal(yaml({"admin:", "  token: ${OMNIGATE_TEST_UNSET_SECRET}", "database:",
                                        "  name: omnigate", "  user: omnigate", "mqtt:", "  url: tcp://h:1",
                                        "plugins:", "  directory: /p"}));
    EXPECT_EQ(e.keyPath(), "admin.token");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 10);
    EXPECT_NE(e.problem().find("OMNIGATE_TEST_UNSET_SECRET"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("test.yaml:2:10: admin.token: "), std::string::npos) << e.what();
}

TEST(DaemonConfigEnvironment, SubstitutesSeveralVariablesInOneValue) {
    const ScopedEnv host("OMNIGATE_TEST_MQTT_HOST", "broker.example");
    const ScopedEnv port("OMNIGATE_TEST_MQTT_PORT", std::nullopt);
    const DaemonConfig c =
        parse(yaml({"admin:", "  token: a-long-enough-token", "database:", "  name: omnigate", "  user: omnigate",
                    "mqtt:", "  url: tcp://${OMNIGATE_TEST_MQTT_HOST:-localhost}:${OMNIGATE_TEST_MQTT_PORT:-1884}",
                    "plugins:", "  directory: /p"}));
    EXPECT_EQ(c.mqtt.url, "tcp://broker.example:1884");
}

TEST(DaemonConfigEnvironment, ASubstitutedValueIsStillTypeChecked) {
    const ScopedEnv port("OMNIGATE_TEST_HTTP_PORT", "eighty");
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "http:", "  port: ${OMNIGATE_TEST_HTTP_PORT}"}));
    EXPECT_EQ(e.keyPath(), "http.port");
    EXPECT_EQ(e.problem(), "expected an integer, got 'eighty'");
}

// --- What a valid file gives ------------------------------------------------------------------------------------

TEST(DaemonConfig, FilesTakeAQuotaTypesPerUseAndAnAntivirus) {
    const DaemonConfig c = parse(yaml({REQUIRED_SECTIONS, "files:", "  directory: /var/lib/omnigate/files",
                                       "  max_bytes: 1048576", "  quota_bytes: 1073741824", "  allowed_types:",
                                       "    chat: [text/plain, 'image/*']", "  antivirus:",
                                       "    address: 127.0.0.1:3310", "    on_error: accept"}));
    EXPECT_EQ(c.files.quotaBytes, 1073741824);
    EXPECT_TRUE(c.files.allowedTypes.admits(FileUse::Chat, "image/gif"));
    EXPECT_FALSE(c.files.allowedTypes.admits(FileUse::Chat, "application/pdf"));
    EXPECT_TRUE(c.files.allowedTypes.admits(FileUse::Attachment, "application/pdf")) << "a use left out keeps the defaults";
    ASSERT_TRUE(c.files.antivirus.has_value());
    EXPECT_EQ(c.files.antivirus->address, "127.0.0.1:3310");
    EXPECT_EQ(c.files.antivirus->timeoutSeconds, 30);
    EXPECT_FALSE(c.files.antivirus->refuseOnError);
    EXPECT_FALSE(parse(yaml({REQUIRED_SECTIONS})).files.antivirus.has_value()) << "no scanning unless configured";
}

TEST(DaemonConfig, RefusesFileSettingsThatCannotWork) {
    EXPECT_EQ(refusal(yaml({REQUIRED_SECTIONS, "files:", "  max_bytes: 1048576", "  quota_bytes: 1000"})).keyPath(),
              "files.quota_bytes");
    EXPECT_EQ(refusal(yaml({REQUIRED_SECTIONS, "files:", "  allowed_types:", "    chat: [Image/PNG]"})).keyPath(),
              "files.allowed_types.chat[0]");
    EXPECT_EQ(refusal(yaml({REQUIRED_SECTIONS, "files:", "  allowed_types:", "    channel: ['*/*']"})).keyPath(),
              "files.allowed_types.channel");
    EXPECT_EQ(refusal(yaml({REQUIRED_SECTIONS, "files:", "  antivirus:", "    address: clamd"})).keyPath(),
              "files.antivirus.address");
    EXPECT_EQ(refusal(yaml({REQUIRED_SECTIONS, "files:", "  antivirus:", "    address: unix:/run/c.ctl",
                            "    on_error: ignore"}))
                  .keyPath(),
              "files.antivirus.on_error");
}

TEST(DaemonConfig, CampaignsTakeTheirAddressSecretAndStopWords) {
    const DaemonConfig c = parse(yaml({REQUIRED_SECTIONS, "campaigns:", "  public_url: https://cc.example.com/",
                                       "  unsubscribe_secret: a-secret-of-thirty-two-bytes-at-least",
                                       "  stop_words: [STOP, Хватит]", "  workers: 2"}));
    EXPECT_EQ(c.campaigns.publicUrl, "https://cc.example.com") << "no trailing slash before /api/v1";
    EXPECT_EQ(c.campaigns.stopWords, (std::vector<std::string>{"STOP", "Хватит"}));
    EXPECT_EQ(c.campaigns.workers, 2);
    EXPECT_EQ(c.campaigns.replyWindowHours, 72);
    EXPECT_EQ(parse(yaml({REQUIRED_SECTIONS})).campaigns.stopWords.size(), 4u) << "STOP, СТОП and two more by default";

    EXPECT_EQ(refusal(yaml({REQUIRED_SECTIONS, "campaigns:", "  public_url: cc.example.com"})).keyPath(),
              "campaigns.public_url");
    EXPECT_EQ(refusal(yaml({REQUIRED_SECTIONS, "campaigns:", "  public_url: 'https://cc.example.com/<x>'"})).keyPath(),
              "campaigns.public_url");
    EXPECT_EQ(refusal(yaml({REQUIRED_SECTIONS, "campaigns:", "  unsubscribe_secret: short"})).keyPath(),
              "campaigns.unsubscribe_secret");
    EXPECT_EQ(refusal(yaml({REQUIRED_SECTIONS, "campaigns:", "  stop_words: ['  ']"})).keyPath(),
              "campaigns.stop_words[0]");
    EXPECT_EQ(refusal(yaml({REQUIRED_SECTIONS, "campaigns:", "  workers: 0"})).keyPath(), "campaigns.workers");
}

TEST(DaemonConfig, AppliesDefaultsToOptionalSettings) {
    const DaemonConfig c = parse(yaml({REQUIRED_SECTIONS}));
    EXPECT_EQ(c.file, "test.yaml");
    EXPECT_EQ(c.instance, "main");
    EXPECT_EQ(c.http.host, "127.0.0.1");
    EXPECT_EQ(c.http.port, 8080);
    EXPECT_EQ(c.database.port, 3306);
    EXPECT_EQ(c.database.password, "");
    EXPECT_EQ(c.pluginDirectory, "/opt/omnigate/plugins");
    EXPECT_TRUE(c.channels.empty());
    EXPECT_TRUE(c.integrations.empty());
}

TEST(DaemonConfig, ListsPluginTypesOnceChannelsFirst) {
    const DaemonConfig c = parse(yaml({REQUIRED_SECTIONS, "channels:", "  - {type: webchat, id: a}",
                                       "  - {type: email, id: b}", "  - {type: webchat, id: c}", "integrations:",
                                       "  - {type: crm}", "  - {type: email, id: x}"}));
    EXPECT_EQ(c.pluginTypes(), (std::vector<std::string>{"webchat", "email", "crm"}));
    // An integration needs no id: it defaults to its type.
    ASSERT_EQ(c.integrations.size(), 2u);
    EXPECT_EQ(c.integrations[0].id, "crm");
}

TEST(DaemonConfig, AllowsTheSameIdOnDifferentChannelTypes) {
    // Ids are per channel type (they appear in /api/v1/<type>/<id>/...), so "main" may be a webchat and an email.
    const DaemonConfig c =
        parse(yaml({REQUIRED_SECTIONS, "channels:", "  - {type: webchat, id: main}", "  - {type: email, id: main}"}));
    EXPECT_EQ(c.channels.size(), 2u);
}

TEST(DaemonConfig, LeavesPluginSettingsToThePlugin) {
    // channels[i].settings belongs to the plugin: the core must not reject keys it does not know there.
    const DaemonConfig c = parse(yaml({REQUIRED_SECTIONS, "channels:", "  - type: webchat", "    id: a",
                                       "  - type: webchat", "    id: b", "    settings:",
                                       "      anything_the_plugin_wants: 1"}));
    ASSERT_EQ(c.channels.size(), 2u);
    EXPECT_FALSE(c.channels[0].settings.defined());
    EXPECT_EQ(c.channels[1].settings.path(), "channels[1].settings");
    EXPECT_EQ(c.channels[1].settings.line(), 16);  // a block mapping starts at its first key
    EXPECT_EQ(c.channels[1].settings.column(), 7);
    EXPECT_EQ(c.channels[1].settings.getInt("anything_the_plugin_wants"), 1);
}

// --- Each kind of mistake, with its position -------------------------------------------------------------------

TEST(DaemonConfigErrors, MissingRequiredKey) {
    const ConfigError e = refusal(yaml({"admin:", "  token: a-long-enough-token", "database:", "  host: db",
                                        "  user: omnigate", "mqtt:", "  url: tcp://h:1", "plugins:",
                                        "  directory: /p"}));
    EXPECT_EQ(e.file(), "test.yaml");
    EXPECT_EQ(e.keyPath(), "database.name");
    EXPECT_EQ(e.problem(), "missing");
    // An absent key has no position of its own: the error points at the section it is missing from.
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 3);
    EXPECT_STREQ(e.what(), "test.yaml:4:3: database.name: missing");
}

TEST(DaemonConfigErrors, MissingRequiredSection) {
    const ConfigError e = refusal(yaml({"admin:", "  token: a-long-enough-token", "database:", "  name: omnigate",
                                        "  user: omnigate", "plugins:", "  directory: /p"}));
    EXPECT_EQ(e.keyPath(), "mqtt");
    EXPECT_EQ(e.problem(), "missing");
}

TEST(DaemonConfigErrors, WrongType) {
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "http:", "  port: abc"}));
    EXPECT_EQ(e.keyPath(), "http.port");
    EXPECT_EQ(e.problem(), "expected an integer, got 'abc'");
    EXPECT_EQ(e.line(), 11);
    EXPECT_EQ(e.column(), 9);
}

TEST(DaemonConfigErrors, ListWhereAValueBelongs) {
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "http:", "  host: [a, b]"}));
    EXPECT_EQ(e.keyPath(), "http.host");
    EXPECT_EQ(e.problem(), "expected a single value, not a list or mapping");
    EXPECT_EQ(e.line(), 11);
}

TEST(DaemonConfig, ReadsCorsOrigins) {
    const DaemonConfig c = parse(yaml({REQUIRED_SECTIONS, "http:", "  cors_origins: ['https://shop.example.com', '*']"}));
    EXPECT_EQ(c.http.corsOrigins, (std::vector<std::string>{"https://shop.example.com", "*"}));
    EXPECT_TRUE(parse(yaml({REQUIRED_SECTIONS})).http.corsOrigins.empty()) << "no CORS unless asked for";
}

TEST(DaemonConfigErrors, CorsOriginWithoutScheme) {
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "http:", "  cors_origins:", "    - shop.example.com"}));
    EXPECT_EQ(e.keyPath(), "http.cors_origins[0]");
    EXPECT_EQ(e.line(), 12);
    EXPECT_NE(e.problem().find("https://"), std::string::npos) << e.problem();
}

TEST(DaemonConfigErrors, OutOfRange) {
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "http:", "  port: 70000"}));
    EXPECT_EQ(e.keyPath(), "http.port");
    EXPECT_EQ(e.problem(), "must be between 0 and 65535, got 70000");
    EXPECT_EQ(e.line(), 11);
    EXPECT_EQ(e.column(), 9);
}

TEST(DaemonConfigErrors, AdminTokenTooShort) {
    const ConfigError e = refusal(yaml({"admin:", "  token: short", "database:", "  name: omnigate",
                                        "  user: omnigate", "mqtt:", "  url: tcp://h:1", "plugins:",
                                        "  directory: /p"}));
    EXPECT_EQ(e.keyPath(), "admin.token");
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(e.problem().find("at least 12 characters"), std::string::npos) << e.what();
}

TEST(DaemonConfigErrors, MqttUrlWithoutScheme) {
    const ConfigError e = refusal(yaml({"admin:", "  token: a-long-enough-token", "database:", "  name: omnigate",
                                        "  user: omnigate", "mqtt:", "  url: 127.0.0.1:1883", "plugins:",
                                        "  directory: /p"}));
    EXPECT_EQ(e.keyPath(), "mqtt.url");
    EXPECT_EQ(e.line(), 7);
}

// The broker over TLS: ssl:// or mqtts://, the CA that signed its certificate, optionally a client certificate.
std::string mqttSection(const std::string& lines) {
    return "admin:\n  token: a-long-enough-token\ndatabase:\n  name: omnigate\n  user: omnigate\nmqtt:\n" + lines +
           "plugins:\n  directory: /p\n";
}

TEST(DaemonConfigMqtt, TakesATlsBrokerWithItsCaAndClientCertificate) {
    const TempDir dir;
    const std::string ca = dir.write("ca.crt", "x").string();
    const std::string cert = dir.write("client.crt", "x").string();
    const std::string key = dir.write("client.key", "x").string();
    const DaemonConfig c = parse(mqttSection("  url: mqtts://broker.example:8883\n  username: gw\n  password: pw\n"
                                             "  ca_file: " + ca + "\n  cert_file: " + cert + "\n  key_file: " + key +
                                             "\n"));
    EXPECT_TRUE(c.mqtt.tls());
    EXPECT_EQ(c.mqtt.caFile, ca);
    EXPECT_EQ(c.mqtt.certFile, cert);
    EXPECT_EQ(c.mqtt.keyFile, key);
    EXPECT_EQ(c.mqtt.username, "gw");
    EXPECT_EQ(c.mqtt.password, "pw");
    EXPECT_TRUE(parse(mqttSection("  url: ssl://broker.example:8883\n")).mqtt.tls());
    EXPECT_FALSE(parse(mqttSection("  url: tcp://broker.example:1883\n")).mqtt.tls());
}

TEST(DaemonConfigMqtt, RefusesTlsFilesForAPlainBroker) {
    const TempDir dir;
    const ConfigError e = refusal(
        mqttSection("  url: tcp://h:1\n  ca_file: " + dir.write("ca.crt", "x").string() + "\n"));
    EXPECT_EQ(e.keyPath(), "mqtt.ca_file");
    EXPECT_NE(e.problem().find("ssl://"), std::string::npos) << e.what();
}

TEST(DaemonConfigMqtt, NamesAMissingCertificateFile) {
    const ConfigError e = refusal(mqttSection("  url: ssl://h:1\n  ca_file: /nonexistent/ca.crt\n"));
    EXPECT_EQ(e.keyPath(), "mqtt.ca_file");
    EXPECT_NE(e.problem().find("/nonexistent/ca.crt"), std::string::npos) << e.what();
}

TEST(DaemonConfigMqtt, RefusesAKeyWithoutItsCertificate) {
    const TempDir dir;
    const ConfigError e = refusal(
        mqttSection("  url: ssl://h:1\n  key_file: " + dir.write("client.key", "x").string() + "\n"));
    EXPECT_EQ(e.keyPath(), "mqtt.key_file");
}

TEST(DaemonConfigMqtt, RefusesAUserWithoutPassword) {
    const ConfigError e = refusal(mqttSection("  url: tcp://h:1\n  username: gw\n"));
    EXPECT_EQ(e.keyPath(), "mqtt.username");
    EXPECT_NE(e.problem().find("password"), std::string::npos) << e.what();
}

TEST(DaemonConfigMqtt, RefusesAWebSocketUrlThatIsNotOne) {
    const ConfigError e = refusal(mqttSection("  url: tcp://h:1\n  websocket_url: http://h:9001\n"));
    EXPECT_EQ(e.keyPath(), "mqtt.websocket_url");
    EXPECT_NE(e.problem().find("ws://"), std::string::npos) << e.what();
}

TEST(DaemonConfigErrors, UnknownLogLevel) {
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "log_level: verbose"}));
    EXPECT_EQ(e.keyPath(), "log_level");
    EXPECT_EQ(e.line(), 10);
    EXPECT_EQ(e.column(), 12);
}

TEST(DaemonConfigErrors, UnknownTopLevelKey) {
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "colour: blue"}));
    EXPECT_EQ(e.keyPath(), "colour");
    EXPECT_EQ(e.line(), 10);
    EXPECT_EQ(e.column(), 1);
    // The message lists what is allowed, so a typo is easy to spot.
    EXPECT_NE(e.problem().find("unknown key"), std::string::npos) << e.what();
    EXPECT_NE(e.problem().find("channels"), std::string::npos) << e.what();
}

TEST(DaemonConfigErrors, UnknownNestedKey) {
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "http:", "  prot: 8080"}));
    EXPECT_EQ(e.keyPath(), "http.prot");
    EXPECT_EQ(e.line(), 11);
    EXPECT_EQ(e.column(), 3);
}

TEST(DaemonConfigErrors, UnknownKeyInAChannelEntry) {
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "channels:", "  - type: webchat", "    id: a",
                                        "  - type: webchat", "    id: b", "    foo: 1"}));
    EXPECT_EQ(e.keyPath(), "channels[1].foo");
    EXPECT_EQ(e.line(), 15);
    EXPECT_EQ(e.column(), 5);
}

TEST(DaemonConfigErrors, DuplicateChannelId) {
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "channels:", "  - type: webchat", "    id: demo",
                                        "  - type: webchat", "    id: demo"}));
    EXPECT_EQ(e.keyPath(), "channels[1].id");
    EXPECT_EQ(e.line(), 14);
    EXPECT_EQ(e.column(), 9);
    EXPECT_NE(e.problem().find("'demo' is already configured"), std::string::npos) << e.what();
}

TEST(DaemonConfigErrors, InvalidIdCharacters) {
    // Ids end up in URLs and MQTT topics: a space or a '/' or '#' would break both.
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "channels:", "  - type: webchat", "    id: sales/eu"}));
    EXPECT_EQ(e.keyPath(), "channels[0].id");
    EXPECT_EQ(e.line(), 12);
    EXPECT_EQ(e.column(), 9);
    EXPECT_NE(e.problem().find("'sales/eu' is not a valid id"), std::string::npos) << e.what();
}

TEST(DaemonConfigErrors, ChannelsMustBeAList) {
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "channels:", "  type: webchat"}));
    EXPECT_EQ(e.keyPath(), "channels");
    EXPECT_EQ(e.problem(), "expected a list");
}

TEST(DaemonConfigErrors, InvalidYamlSyntax) {
    // The unclosed flow sequence on line 3: the parser reports where it gave up, which the error passes on.
    const ConfigError e = refusal(yaml({"admin:", "  token: a-long-enough-token", "database: [name, user",
                                        "mqtt:", "  url: tcp://h:1"}));
    EXPECT_EQ(e.file(), "test.yaml");
    EXPECT_EQ(e.keyPath(), "");
    EXPECT_NE(e.problem().find("invalid YAML"), std::string::npos) << e.what();
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 5);
}

TEST(DaemonConfigErrors, BadIndentation) {
    const ConfigError e = refusal(yaml({"admin:", "  token: a-long-enough-token", "   stray: 1"}));
    EXPECT_NE(e.problem().find("invalid YAML"), std::string::npos) << e.what();
    EXPECT_EQ(e.line(), 3);
}

// --- Files ---------------------------------------------------------------------------------------------------------

TEST(DaemonConfigFile, AFileThatDoesNotExist) {
    const TempDir dir;
    const std::string missing = (dir.path() / "nope.yaml").string();
    try {
        loadDaemonConfig(missing);
        FAIL() << "a missing file was accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), missing);
        EXPECT_NE(e.problem().find("cannot open the file"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    }
}

TEST(DaemonConfigFile, ErrorsNameTheFile) {
    const TempDir dir;
    const fs::path file = dir.write("omnigate.yaml", yaml({REQUIRED_SECTIONS, "http:", "  port: -1"}));
    try {
        loadDaemonConfig(file.string());
        FAIL() << "port -1 was accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), file.string());
        EXPECT_EQ(std::string(e.what()).rfind(file.string() + ":11:9: http.port: ", 0), 0u) << e.what();
    }
}

TEST(DaemonConfigFile, RelativePluginDirectoryIsResolvedAgainstTheConfigFolder) {
    // The daemon may be started from anywhere: "../plugins" means next to the config's folder, not the cwd.
    const TempDir dir;
    const fs::path file = dir.write("etc/omnigate.yaml", yaml({"admin:", "  token: a-long-enough-token",
                                                                "database:", "  name: omnigate", "  user: omnigate",
                                                                "mqtt:", "  url: tcp://h:1", "plugins:",
                                                                "  directory: ../lib/plugins"}));
    const DaemonConfig c = loadDaemonConfig(file.string());
    const fs::path resolved(c.pluginDirectory);
    EXPECT_TRUE(resolved.is_absolute()) << c.pluginDirectory;
    EXPECT_EQ(resolved.lexically_normal(), (dir.path() / "lib" / "plugins").lexically_normal()) << c.pluginDirectory;
}

TEST(DaemonConfigFile, AbsolutePluginDirectoryIsKept) {
    const TempDir dir;
    const fs::path file = dir.write("etc/omnigate.yaml", yaml({REQUIRED_SECTIONS}));
    EXPECT_EQ(loadDaemonConfig(file.string()).pluginDirectory, "/opt/omnigate/plugins");
}

// --- interactions: the rating request ---------------------------------------------------------------------------

TEST(DaemonConfigInteractions, DefaultsWhenTheSectionIsAbsent) {
    const DaemonConfig c = parse(yaml({REQUIRED_SECTIONS}));
    EXPECT_EQ(c.interactions.ratingRequestText,
              "Please rate our answer from 1 (poor) to 5 (excellent): reply with one digit.");
    EXPECT_EQ(c.interactions.ratingWindowHours, 72);
}

TEST(DaemonConfigInteractions, ReadsBothKeys) {
    const DaemonConfig c = parse(yaml({REQUIRED_SECTIONS, "interactions:", "  rating_request_text: Rate us, 1-5",
                                       "  rating_window_hours: 720"}));
    EXPECT_EQ(c.interactions.ratingRequestText, "Rate us, 1-5");
    EXPECT_EQ(c.interactions.ratingWindowHours, 720);
}

TEST(DaemonConfigInteractions, WindowOutsideOneToSevenHundredTwentyHoursIsRefused) {
    for (const char* hours : {"  rating_window_hours: 0", "  rating_window_hours: 721"}) {
        const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "interactions:", hours}));
        EXPECT_EQ(e.keyPath(), "interactions.rating_window_hours") << hours;
        EXPECT_EQ(e.line(), 11) << hours;
    }
    const ConfigError text = refusal(yaml({REQUIRED_SECTIONS, "interactions:", "  rating_window_hours: soon"}));
    EXPECT_EQ(text.keyPath(), "interactions.rating_window_hours");
}

TEST(DaemonConfigInteractions, AnEmptyRatingRequestIsRefused) {
    // An empty message would reach the client as a blank bubble and ask for nothing.
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "interactions:", "  rating_request_text: '  '"}));
    EXPECT_EQ(e.keyPath(), "interactions.rating_request_text");
    EXPECT_EQ(e.line(), 11);
}

TEST(DaemonConfigInteractions, UnknownKeysAreErrors) {
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "interactions:", "  rating_window: 24"}));
    EXPECT_EQ(e.keyPath(), "interactions.rating_window");
    EXPECT_EQ(e.line(), 11);
    EXPECT_EQ(e.column(), 3);
    EXPECT_NE(e.problem().find("unknown key"), std::string::npos) << e.what();
}

// --- Slow and flooding clients (docs/security.md) ----------------------------------------------------------------

TEST(DaemonConfigFloods, DefaultsWhenNothingIsSet) {
    const HttpConfig c = parse(yaml({REQUIRED_SECTIONS})).http;
    EXPECT_EQ(c.requestHeaderTimeout, std::chrono::seconds(10));
    EXPECT_EQ(c.requestBodyTimeout, std::chrono::seconds(60));
    EXPECT_EQ(c.keepAliveTimeout, std::chrono::seconds(15));
    EXPECT_EQ(c.maxWebSockets, 4096);
    EXPECT_EQ(c.webSocketSendQueueBytes, 1024 * 1024);
    EXPECT_EQ(c.webSocketSendTimeout, std::chrono::seconds(10));
    EXPECT_EQ(c.webSocketFrameTimeout, std::chrono::seconds(10));
    EXPECT_EQ(c.webchatSessions.burst, 20);
    EXPECT_EQ(c.webchatSessions.perMinute, 10);
    EXPECT_EQ(c.webchatMessages.burst, 30);
    EXPECT_EQ(c.webchatMessages.perMinute, 60);
    EXPECT_EQ(c.failedAuth.burst, 20);
    EXPECT_EQ(c.failedAuth.perMinute, 10);
    EXPECT_TRUE(c.trustedProxies.empty()) << "X-Forwarded-For is believed only from proxies named";
}

TEST(DaemonConfigFloods, ReadsEveryKey) {
    const HttpConfig c = parse(yaml({REQUIRED_SECTIONS, "http:", "  request_header_timeout_seconds: 3",
                                     "  request_body_timeout_seconds: 20", "  keep_alive_timeout_seconds: 5",
                                     "  max_websockets: 100", "  websocket_send_queue_bytes: 200000",
                                     "  websocket_send_timeout_seconds: 4", "  websocket_frame_timeout_seconds: 6",
                                     "  rate_limits:", "    webchat_sessions: {burst: 5, per_minute: 2}",
                                     "    failed_auth: {per_minute: 100}",
                                     "  trusted_proxies: [10.0.0.7, '192.168.0.0/16', '::1', 'fd00::/8']"}))
                             .http;
    EXPECT_EQ(c.requestHeaderTimeout, std::chrono::seconds(3));
    EXPECT_EQ(c.requestBodyTimeout, std::chrono::seconds(20));
    EXPECT_EQ(c.keepAliveTimeout, std::chrono::seconds(5));
    EXPECT_EQ(c.maxWebSockets, 100);
    EXPECT_EQ(c.webSocketSendQueueBytes, 200000);
    EXPECT_EQ(c.webSocketSendTimeout, std::chrono::seconds(4));
    EXPECT_EQ(c.webSocketFrameTimeout, std::chrono::seconds(6));
    EXPECT_EQ(c.webchatSessions.burst, 5);
    EXPECT_EQ(c.webchatSessions.perMinute, 2);
    EXPECT_EQ(c.webchatMessages.burst, 30) << "a limit left out keeps its default";
    EXPECT_EQ(c.failedAuth.burst, 20) << "a key left out keeps its default";
    EXPECT_EQ(c.failedAuth.perMinute, 100);
    EXPECT_EQ(c.trustedProxies, (std::vector<std::string>{"10.0.0.7", "192.168.0.0/16", "::1", "fd00::/8"}));
}

TEST(DaemonConfigFloods, RefusesAnUnknownRateLimit) {
    const ConfigError e =
        refusal(yaml({REQUIRED_SECTIONS, "http:", "  rate_limits:", "    webchat_session: {burst: 5}"}));
    EXPECT_EQ(e.keyPath(), "http.rate_limits.webchat_session");
}

TEST(DaemonConfigFloods, RefusesARateOfZero) {
    const ConfigError e =
        refusal(yaml({REQUIRED_SECTIONS, "http:", "  rate_limits:", "    failed_auth: {burst: 5, per_minute: 0}"}));
    EXPECT_EQ(e.keyPath(), "http.rate_limits.failed_auth.per_minute");
}

TEST(DaemonConfigFloods, RefusesATrustedProxyThatIsNoAddress) {
    for (const char* bad : {"proxy.example.com", "10.0.0.0/33", "10.0.0.0/", "10.0.0.1/8x", "::1/129"}) {
        const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "http:", "  trusted_proxies:",
                                            (std::string("    - '") + bad + "'").c_str()}));
        EXPECT_EQ(e.keyPath(), "http.trusted_proxies[0]") << bad;
        EXPECT_NE(e.problem().find("10.0.0.0/8"), std::string::npos) << e.problem();
    }
}

TEST(DaemonConfigFloods, RefusesASendQueueSmallerThanTheLargestFrame) {
    const ConfigError e = refusal(yaml({REQUIRED_SECTIONS, "http:", "  max_websocket_frame_bytes: 65536",
                                        "  websocket_send_queue_bytes: 65536"}));
    EXPECT_EQ(e.keyPath(), "http.websocket_send_queue_bytes");
}

// --- A daemon other machines reach refuses the demo's secrets -------------------------------------------------------

// Every variable the demo config reads a secret (or the CORS origin) from, so a test sees its defaults.
const char* const kDemoSecretVariables[] = {
    "OMNIGATE_ADMIN_TOKEN", "OMNIGATE_DB_PASSWORD",  "OMNIGATE_WEBCHAT_SECRET",  "OMNIGATE_IMAP_PASSWORD",
    "OMNIGATE_SMTP_PASSWORD", "OMNIGATE_VK_TOKEN",    "OMNIGATE_VK_SECRET",       "OMNIGATE_WA_APP_SECRET",
    "OMNIGATE_WA_VERIFY_TOKEN", "OMNIGATE_WA_TOKEN",  "OMNIGATE_CORS_ORIGIN", "OMNIGATE_AUTH_TOKEN_SECRET",
    "OMNIGATE_DEMO_ADMIN_PASSWORD", "OMNIGATE_DEMO_SUPERVISOR_PASSWORD", "OMNIGATE_DEMO_OPERATOR_PASSWORD",
    "OMNIGATE_MQTT_PASSWORD", "OMNIGATE_UNSUBSCRIBE_SECRET"};

TEST(ExposedDeployment, TheDemoConfigOnAPublicAddressIsRefusedNamingEveryDemoSecret) {
    std::vector<std::unique_ptr<ScopedEnv>> unset;
    for (const char* name : kDemoSecretVariables) unset.push_back(std::make_unique<ScopedEnv>(name, std::nullopt));
    const ScopedEnv host("OMNIGATE_HTTP_HOST", "0.0.0.0");
    ConfigError e("", 0, 0, "", "");
    try {
        loadDaemonConfig(OMNIGATE_DEMO_CONFIG);
        FAIL() << "the demo config was accepted on 0.0.0.0";
    } catch (const ConfigError& error) {
        e = error;
    }
    EXPECT_EQ(e.keyPath(), "http.host");
    for (const char* key :
         {"admin.token", "database.password", "channels[0].settings.token_secret", "channels[1].settings.imap_password",
          "channels[1].settings.smtp_password", "channels[2].settings.access_token", "channels[2].settings.secret",
          "channels[3].settings.app_secret", "channels[3].settings.verify_token", "channels[3].settings.access_token",
          "http.cors_origins[0]", "auth.token_secret", "auth.users[0].password", "auth.users[1].password",
          "auth.users[2].password", "auth.users[3].password", "mqtt.password", "campaigns.unsubscribe_secret"}) {
        EXPECT_NE(e.problem().find(std::string(": ") + key + ": "), std::string::npos) << key << " not named in:\n"
                                                                                     << e.what();
    }
    // The database user is also "omnigate": only the password counts. The demo mail servers are on loopback, so
    // plain text to them is no exposure.
    EXPECT_EQ(e.problem().find("database.user"), std::string::npos) << e.what();
    EXPECT_EQ(e.problem().find("allow_plaintext"), std::string::npos) << e.what();
    // Each named with its place in the file.
    EXPECT_TRUE(std::regex_search(e.problem(), std::regex(R"(omnigate\.yaml:\d+:\d+: admin\.token: still the demo value)")))
        << e.what();
}

TEST(ExposedDeployment, TheDemoConfigWithItsOwnSecretsStartsOnAPublicAddress) {
    std::vector<std::unique_ptr<ScopedEnv>> own;
    for (const char* name : kDemoSecretVariables) {
        own.push_back(std::make_unique<ScopedEnv>(name, std::string("own-value-of-") + name));
    }
    const ScopedEnv cors("OMNIGATE_CORS_ORIGIN", "https://shop.example.com");
    const ScopedEnv host("OMNIGATE_HTTP_HOST", "0.0.0.0");
    EXPECT_EQ(loadDaemonConfig(OMNIGATE_DEMO_CONFIG).http.host, "0.0.0.0");
}

TEST(ExposedDeployment, LoopbackAddressesKeepTheDemoWorking) {
    for (const char* loopback : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
        const ScopedEnv host("OMNIGATE_HTTP_HOST", loopback);
        EXPECT_EQ(loadDaemonConfig(OMNIGATE_DEMO_CONFIG).adminToken, "demo-admin-token") << loopback;
    }
    for (const char* exposed : {"0.0.0.0", "::", "10.0.0.5", "omnigate.example.com"}) {
        const ScopedEnv host("OMNIGATE_HTTP_HOST", exposed);
        EXPECT_THROW(loadDaemonConfig(OMNIGATE_DEMO_CONFIG), ConfigError) << exposed;
    }
}

TEST(ExposedDeployment, PlainTextMailToAServerOffLoopbackIsRefused) {
    const auto config = [](const char* imapUrl) {
        return yaml({REQUIRED_SECTIONS, "http:", "  host: 10.0.0.5", "channels:", "  - type: email", "    id: support",
                     "    settings:", imapUrl, "      smtp_url: smtp://127.0.0.1:2525", "      allow_plaintext: true"});
    };
    const ConfigError e = refusal(config("      imap_url: imap://mail.example.com/INBOX"));
    EXPECT_EQ(e.keyPath(), "http.host");
    EXPECT_NE(e.problem().find("test.yaml:18:24: channels[0].settings.allow_plaintext: "), std::string::npos) << e.what();
    EXPECT_NO_THROW(parse(config("      imap_url: imap://127.0.0.1:1143/INBOX")));
}

// --- mailings.smtp ----------------------------------------------------------------------------------------------

std::string mailingsSection(const std::string& lines) {
    return "admin:\n  token: a-long-enough-token\ndatabase:\n  name: omnigate\n  user: omnigate\nmqtt:\n"
           "  url: tcp://127.0.0.1:1883\nplugins:\n  directory: /p\nmailings:\n  smtp:\n" + lines;
}

TEST(DaemonConfigMailings, NoSmtpAccountByDefault) {
    EXPECT_FALSE(parse(yaml({REQUIRED_SECTIONS})).mailings.smtp.configured());
}

TEST(DaemonConfigMailings, ReadsTheSmtpAccountWithItsSecretFromTheEnvironment) {
    const TempDir dir;
    const std::string ca = dir.write("ca.crt", "x").string();
    const ScopedEnv password("OMNIGATE_TEST_SMTP_PASSWORD", "from-the-environment");
    const DaemonConfig c = parse(mailingsSection(
        "    host: smtp.example.com\n    tls: starttls\n    ca_file: " + ca +
        "\n    user: reports@example.com\n    password: ${OMNIGATE_TEST_SMTP_PASSWORD}\n"
        "    from: reports@example.com\n    from_name: Contact centre reports\n    timeout_seconds: 20\n"
        "    retries: 4\n    retry_backoff_seconds: 3\n"));
    const SmtpConfig& s = c.mailings.smtp;
    EXPECT_TRUE(s.configured());
    EXPECT_EQ(s.host, "smtp.example.com");
    EXPECT_EQ(s.port, 587) << "submission with STARTTLS";
    EXPECT_EQ(s.tls, SmtpConfig::Tls::StartTls);
    EXPECT_EQ(s.caFile, ca);
    EXPECT_EQ(s.password, "from-the-environment");
    EXPECT_EQ(s.fromName, "Contact centre reports");
    EXPECT_EQ(s.timeout, std::chrono::seconds(20));
    EXPECT_EQ(s.retries, 4);
    EXPECT_EQ(s.retryBackoff, std::chrono::seconds(3));
    const DaemonConfig implicit = parse(mailingsSection("    host: smtp.example.com\n    tls: tls\n    from: a@b.c\n"));
    EXPECT_EQ(implicit.mailings.smtp.port, 465);
    EXPECT_EQ(implicit.mailings.smtp.retries, 2);
}

TEST(DaemonConfigMailings, RefusesWhatCannotWorkNamingTheKey) {
    const auto key = [](const std::string& lines) { return refusal(mailingsSection(lines)).keyPath(); };
    EXPECT_EQ(key("    host: h\n    tls: ssl\n    from: a@b.c\n"), "mailings.smtp.tls");
    EXPECT_EQ(key("    host: h\n    from: not-an-address\n"), "mailings.smtp.from");
    EXPECT_EQ(key("    host: h\n"), "mailings.smtp.from");
    EXPECT_EQ(key("    from: a@b.c\n"), "mailings.smtp.host");
    EXPECT_EQ(key("    host: h\n    from: a@b.c\n    user: u\n"), "mailings.smtp.user") << "where the pair is begun";
    EXPECT_EQ(key("    host: h\n    from: a@b.c\n    port: 70000\n"), "mailings.smtp.port");
    EXPECT_EQ(key("    host: h\n    from: a@b.c\n    retries: 11\n"), "mailings.smtp.retries");
    EXPECT_EQ(key("    host: h\n    from: a@b.c\n    ca_file: /nonexistent/ca.crt\n"), "mailings.smtp.ca_file");
    EXPECT_EQ(key("    host: h\n    from: a@b.c\n    tls: none\n    ca_file: /etc/hostname\n"),
              "mailings.smtp.ca_file");
    EXPECT_EQ(key("    host: h\n    from: a@b.c\n    sender: x\n"), "mailings.smtp.sender");
    // A password in plain text goes to loopback only.
    const ConfigError plain =
        refusal(mailingsSection("    host: smtp.example.com\n    tls: none\n    user: u\n    password: p\n"
                                "    from: a@b.c\n"));
    EXPECT_EQ(plain.keyPath(), "mailings.smtp.tls");
    EXPECT_NE(plain.problem().find("plain text"), std::string::npos) << plain.what();
    EXPECT_NO_THROW(parse(mailingsSection("    host: 127.0.0.1\n    tls: none\n    user: u\n    password: p\n"
                                          "    from: a@b.c\n")));
}

}  // namespace
}  // namespace omnigate
