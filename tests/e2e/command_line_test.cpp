// The command line a user and an init system rely on: --help, --version, --check-config's exit codes and messages.
#include <gtest/gtest.h>

#include <Poco/TemporaryFile.h>

#include <fstream>
#include <map>

#include "support/daemon_process.h"
#include "omnigate/sdk/abi.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

TEST(CommandLine, HelpDescribesEveryOption) {
    std::string out;
    ASSERT_EQ(DaemonProcess::run({"--help"}, out), 0);
    for (const char* option : {"--config", "--check-config", "--help", "--version"}) {
        EXPECT_NE(out.find(option), std::string::npos) << option << " missing from:\n" << out;
    }
}

TEST(CommandLine, VersionNamesThePluginAbi) {
    std::string out;
    ASSERT_EQ(DaemonProcess::run({"--version"}, out), 0);
    EXPECT_EQ(out.rfind("omnigate ", 0), 0u) << out;
    EXPECT_NE(out.find("plugin ABI " + std::to_string(OMNIGATE_PLUGIN_ABI_VERSION)), std::string::npos) << out;
}

TEST(CommandLine, UnknownOptionIsRefused) {
    std::string out;
    EXPECT_EQ(DaemonProcess::run({"--frobnicate"}, out), 2);
    EXPECT_NE(out.find("--frobnicate"), std::string::npos) << out;
}

TEST(CommandLine, CheckConfigAcceptsTheDemoConfig) {
    std::string out;
    const std::string demo = requireEnv("OMNIGATE_REPO") + "/config/omnigate.yaml";
    EXPECT_EQ(DaemonProcess::run({"--check-config", demo}, out), 0) << out;
    EXPECT_NE(out.find("OK"), std::string::npos) << out;
}

// What scripts/run.sh sets on top of the demo config, with the daemon bound to every interface.
const std::map<std::string, std::string> kDemoOnAPublicAddress{
    {"OMNIGATE_HTTP_HOST", "0.0.0.0"}, {"OMNIGATE_DB_PASSWORD", "omnigate"}, {"OMNIGATE_ADMIN_TOKEN", "demo-admin-token"}};

void expectEveryDemoSecretNamed(const std::string& out) {
    EXPECT_NE(out.find("http.host: '0.0.0.0' is reachable from other machines"), std::string::npos) << out;
    for (const char* key : {"admin.token", "database.password", "channels[0].settings.token_secret",
                            "channels[2].settings.secret", "channels[3].settings.app_secret", "http.cors_origins[0]"}) {
        EXPECT_NE(out.find(std::string(": ") + key + ": "), std::string::npos) << key << " not named in:\n" << out;
    }
}

TEST(CommandLine, CheckConfigRefusesTheDemoSecretsOnAPublicAddress) {
    std::string out;
    const std::string demo = requireEnv("OMNIGATE_REPO") + "/config/omnigate.yaml";
    EXPECT_EQ(DaemonProcess::run({"--check-config", demo}, out, kDemoOnAPublicAddress), 1) << out;
    expectEveryDemoSecretNamed(out);
}

TEST(CommandLine, TheDaemonDoesNotStartWithTheDemoSecretsOnAPublicAddress) {
    std::string out;
    const std::string demo = requireEnv("OMNIGATE_REPO") + "/config/omnigate.yaml";
    auto environment = kDemoOnAPublicAddress;
    environment["OMNIGATE_HTTP_PORT"] = std::to_string(freePort());
    EXPECT_EQ(DaemonProcess::run({"--config", demo}, out, environment), 1) << out;
    expectEveryDemoSecretNamed(out);
    EXPECT_EQ(out.find("listening on"), std::string::npos) << out;
}

TEST(CommandLine, CheckConfigReportsPositionAndKeyPath) {
    Poco::TemporaryFile file;
    std::ofstream(file.path()) << "admin:\n  token: long-enough-token\n"
                                  "database: {name: a, user: b}\n"
                                  "mqtt: {url: 'tcp://127.0.0.1:1'}\n"
                                  "plugins: {directory: .}\n"
                                  "http:\n  port: ${OMNIGATE_TEST_PORT_VALUE}\n";
    std::string out;
    EXPECT_EQ(DaemonProcess::run({"--check-config", file.path()}, out, {{"OMNIGATE_TEST_PORT_VALUE", "80a"}}), 1);
    EXPECT_NE(out.find(file.path() + ":7:9: http.port: expected an integer, got '80a'"), std::string::npos) << out;
}

TEST(CommandLine, StartWithAMissingPluginFailsWithAClearMessage) {
    // A plugin directory without the plugin is only found when starting; the message says what to do.
    Poco::TemporaryFile file;
    std::ofstream(file.path()) << "admin: {token: long-enough-token}\n"
                                  "database: {host: 127.0.0.1, port: "
                               << requireEnv("OMNIGATE_DB_PORT") << ", name: " << requireEnv("OMNIGATE_DB_NAME")
                               << ", user: " << requireEnv("OMNIGATE_DB_USER")
                               << ", password: " << requireEnv("OMNIGATE_DB_PASSWORD") << "}\n"
                               << "mqtt: " << daemonMqttYaml() << "\n"
                               << "http: {port: " << freePort() << "}\n"
                               << "plugins: {directory: /nonexistent/plugins}\n"
                                  "channels:\n  - {type: webchat, id: demo, settings: {token_secret: x}}\n";
    std::string out;
    EXPECT_EQ(DaemonProcess::run({"--config", file.path()}, out), 1);
    EXPECT_NE(out.find("/nonexistent/plugins/omnigate_webchat.so"), std::string::npos) << out;
    EXPECT_NE(out.find("plugins.directory"), std::string::npos) << out;
}

}  // namespace
}  // namespace omnigate::test
