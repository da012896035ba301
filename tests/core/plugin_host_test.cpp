// The plugin host against real libraries: every plugin the build produces loads through the real loader, a library
// the daemon cannot use is refused with a sentence saying why, load()'s three outcomes reach start-up as designed,
// and what a plugin registers works through the router with its exceptions contained.
#include <gtest/gtest.h>

#include <cxxabi.h>

#include <thread>

#include <Poco/Util/Timer.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/daemon_config.h"
#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"
#include "interactions/message_service.h"
#include "metrics/metrics.h"
#include "omnigate/sdk/api_error.h"
#include "plugins/plugin_library.h"
#include "plugins/plugin_manager.h"

namespace omnigate {
namespace {

namespace fs = std::filesystem;

const std::string kPluginDir = OMNIGATE_PLUGIN_DIR;
const std::string kTestPluginDir = OMNIGATE_TEST_PLUGIN_DIR;

std::string testPlugin(const std::string& name) { return PluginLibrary::pathFor(kTestPluginDir, name); }

// Loads a library that must be refused and returns the refusal's sentence.
std::string refusalOf(const std::string& path) {
    try {
        PluginLibrary library(path);
    } catch (const PluginLoadError& e) {
        return e.what();
    }
    ADD_FAILURE() << path << " was accepted";
    return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// --- The loader ----------------------------------------------------------------------------------------------------

TEST(PluginLibrary, EveryBuiltPluginLoadsAndIsNamedAfterItsFile) {
    // Iterates the directory rather than naming plugins, so a plugin added later is checked without editing this.
    std::vector<std::string> names;
    for (const fs::directory_entry& entry : fs::directory_iterator(kPluginDir)) {
        if (entry.path().extension() != ".so") continue;
        const std::string stem = entry.path().stem().string();
        SCOPED_TRACE(entry.path().string());
        ASSERT_EQ(stem.rfind("omnigate_", 0), 0u) << "the daemon only looks for omnigate_<type>.so";
        const std::string name = stem.substr(std::string("omnigate_").size());

        PluginLibrary library(entry.path().string());  // throws PluginLoadError on an ABI mismatch
        EXPECT_EQ(library.plugin().name(), name) << "the config's type must name the library";
        EXPECT_EQ(library.path(), entry.path().string());
        EXPECT_EQ(PluginLibrary::pathFor(kPluginDir, name), entry.path().string());
        names.push_back(name);
    }
    EXPECT_FALSE(names.empty()) << "no plugin was built into " << kPluginDir;
}

TEST(PluginLibrary, RefusesAnotherAbiVersion) {
    const std::string message = refusalOf(testPlugin("abi_mismatch"));
    EXPECT_TRUE(contains(message, "omnigate_abi_mismatch")) << message;
    EXPECT_TRUE(contains(message, "version " + std::to_string(OMNIGATE_PLUGIN_ABI_VERSION + 1))) << message;
    EXPECT_TRUE(contains(message, "version " + std::to_string(OMNIGATE_PLUGIN_ABI_VERSION))) << message;
    EXPECT_TRUE(contains(message, "rebuild")) << message;
}

TEST(PluginLibrary, RefusesALibraryThatIsNotAPlugin) {
    const std::string message = refusalOf(testPlugin("not_a_plugin"));
    EXPECT_TRUE(contains(message, "is not an omnigate plugin")) << message;
    EXPECT_TRUE(contains(message, testPlugin("not_a_plugin"))) << message;
}

TEST(PluginLibrary, RefusesAMissingFileNamingThePath) {
    const std::string path = testPlugin("no_such_plugin");
    const std::string message = refusalOf(path);
    EXPECT_TRUE(contains(message, "not found at " + path)) << message;
}

TEST(PluginLibrary, RefusesAFileThatIsNoLibrary) {
    const fs::path path = fs::temp_directory_path() / ("omnigate_garbage_" + std::to_string(::getpid()) + ".so");
    {
        std::ofstream out(path);
        out << "this is not an ELF file\n";
    }
    const std::string message = refusalOf(path.string());
    fs::remove(path);
    EXPECT_TRUE(contains(message, "cannot be loaded")) << message;
    EXPECT_TRUE(contains(message, path.string())) << message;
}

// --- The manager ---------------------------------------------------------------------------------------------------

// The daemon's services a PluginManager needs. Nothing here connects: the pool connects on first use and the
// writer has no thread until start(), and these tests never store a message.
class PluginHostTest : public ::testing::Test {
protected:
    PluginHostTest()
        : pool_(unreachableDatabase()),
          writer_(pool_, 1, 10, 10, nullptr),
          catalogs_(pool_, std::chrono::seconds(5)),
          pipeline_(catalogs_, std::chrono::hours(72), {}, 72),
          messages_(writer_, pool_, metrics_, pipeline_, [](const std::string&) -> ChannelPlugin* { return nullptr; }),
          health_(metrics_) {}

    PluginServices services() { return {pool_, writer_, files_, health_, "a-long-enough-token", {}, {}, {}}; }

    // A config listing `channels` (YAML lines, each starting "  - ") whose plugins come from the test plugin dir.
    // `channels:` is line 10 of the document, so the first entry is on line 11.
    static DaemonConfig configWith(const std::string& channels, const std::string& directory = kTestPluginDir) {
        const std::string text = "admin:\n  token: a-long-enough-token\n"
                                 "database:\n  name: omnigate\n  user: omnigate\n"
                                 "mqtt:\n  url: tcp://127.0.0.1:1\n"
                                 "plugins:\n  directory: " + directory + "\n"
                                 "channels:\n" + channels;
        return parseDaemonConfig(ConfigNode::parseString(text, "plugins.yaml"));
    }

    // Runs loadAll() for a config that must fail and returns the PluginLoadError's sentence.
    std::string loadFailure(const DaemonConfig& config) {
        PluginManager manager(config, router_, messages_, timer_, services());
        try {
            manager.loadAll();
        } catch (const PluginLoadError& e) {
            return e.what();
        }
        ADD_FAILURE() << "loadAll() succeeded";
        return {};
    }

    ConfigError loadConfigError(const DaemonConfig& config) {
        PluginManager manager(config, router_, messages_, timer_, services());
        try {
            manager.loadAll();
        } catch (const ConfigError& e) {
            return e;
        }
        ADD_FAILURE() << "loadAll() threw no ConfigError";
        return ConfigError("", 0, 0, "", "");
    }

    // What the HTTP layer does with a request: match it, hand the handler its parameters.
    HttpResponse serve(const std::string& method, const std::string& path, const std::string& echoHeader = "") {
        const Router::Match match = router_.match(method, path);
        if (!match.handler) throw std::runtime_error("no route for " + method + " " + path);
        HttpRequest request;
        request.method = method;
        request.path = path;
        request.pathParams = match.params;
        if (!echoHeader.empty()) request.headers["x-echo"] = echoHeader;
        return match.handler(request, Actor{});
    }

    static DatabaseConfig unreachableDatabase() {
        DatabaseConfig db;
        db.host = "127.0.0.1";
        db.port = 1;  // nothing listens there; nothing must try
        db.name = "none";
        db.user = "none";
        return db;
    }

    Metrics metrics_;
    ConnectionPool pool_;
    WriteBatcher writer_;
    CatalogCache catalogs_;
    InboundPipeline pipeline_;
    MessageService messages_;
    FileStore files_{FilesConfig{}, pool_, writer_};
    PluginHealth health_;
    Poco::Util::Timer timer_;
    Router router_;
};

TEST_F(PluginHostTest, LoadsWhatIsConfiguredAndLetsADecliningPluginGo) {
    const DaemonConfig config = configWith("  - {type: declining, id: a}\n"
                                           "  - {type: echo, id: b, settings: {greeting: hi}}\n");
    PluginManager manager(config, router_, messages_, timer_, services());
    ASSERT_NO_THROW(manager.loadAll());
    EXPECT_EQ(manager.loaded(), std::vector<std::string>{"echo"});
    EXPECT_EQ(manager.declined(), std::vector<std::string>{"declining"});
    EXPECT_NE(manager.channel("echo"), nullptr);
    EXPECT_EQ(manager.channel("declining"), nullptr);
    EXPECT_EQ(manager.channel("webchat"), nullptr);
    EXPECT_NO_THROW(manager.startAll());
}

TEST_F(PluginHostTest, AFailingPluginStopsStartUpWithItsMessage) {
    const std::string message = loadFailure(configWith("  - {type: failing, id: a}\n"));
    EXPECT_TRUE(contains(message, "failing")) << message;
    EXPECT_TRUE(contains(message, "the licence file is missing")) << message;
}

TEST_F(PluginHostTest, AnExceptionFromLoadBecomesALoadFailure) {
    const std::string message = loadFailure(configWith("  - {type: throwing, id: a}\n"));
    EXPECT_TRUE(contains(message, "throwing")) << message;
    EXPECT_TRUE(contains(message, "boom in load")) << message;
}

TEST_F(PluginHostTest, AnAbiMismatchStopsStartUp) {
    const std::string message = loadFailure(configWith("  - {type: abi_mismatch, id: a}\n"));
    EXPECT_TRUE(contains(message, "rebuild")) << message;
}

TEST_F(PluginHostTest, AConfiguredTypeWithoutLibraryStopsStartUp) {
    const std::string message = loadFailure(configWith("  - {type: sms, id: a}\n"));
    EXPECT_TRUE(contains(message, "not found at " + PluginLibrary::pathFor(kTestPluginDir, "sms"))) << message;
}

TEST_F(PluginHostTest, ALibraryNamedForAnotherTypeIsRefused) {
    // A plugin copied or renamed to another file must not serve a type it does not implement.
    const fs::path dir = fs::temp_directory_path() / ("omnigate-plugins-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::copy_file(testPlugin("echo"), dir / "omnigate_parrot.so", fs::copy_options::overwrite_existing);
    const std::string message = loadFailure(configWith("  - {type: parrot, id: a}\n", dir.string()));
    fs::remove_all(dir);
    EXPECT_TRUE(contains(message, "calls itself 'echo', not 'parrot'")) << message;
}

TEST_F(PluginHostTest, APluginsConfigErrorKeepsItsPosition) {
    const ConfigError e = loadConfigError(configWith("  - type: echo\n"     // line 11
                                                     "    id: b\n"          // line 12
                                                     "    settings: {}\n")); // line 13
    EXPECT_EQ(e.file(), "plugins.yaml");
    EXPECT_EQ(e.keyPath(), "channels[0].settings.greeting");
    EXPECT_EQ(e.problem(), "missing");
    EXPECT_EQ(e.line(), 13);
}

TEST_F(PluginHostTest, AnUnknownKeyInAPluginsSettingsIsRefused) {
    const ConfigError e = loadConfigError(configWith("  - type: echo\n"        // line 11
                                                     "    id: b\n"             // line 12
                                                     "    settings:\n"         // line 13
                                                     "      greeting: hi\n"    // line 14
                                                     "      greting: hi\n"));  // line 15
    EXPECT_EQ(e.keyPath(), "channels[0].settings.greting");
    EXPECT_EQ(e.line(), 15);
    EXPECT_EQ(e.column(), 7);
}

TEST_F(PluginHostTest, APluginsRouteWorksThroughTheRouter) {
    const DaemonConfig config = configWith("  - {type: echo, id: b, settings: {greeting: hi}}\n"
                                           "  - {type: echo, id: c, settings: {greeting: hello}}\n");
    PluginManager manager(config, router_, messages_, timer_, services());
    manager.loadAll();

    const HttpResponse b = serve("GET", "/test/echo/b", "from the test");
    EXPECT_EQ(b.status, 200);
    EXPECT_EQ(b.body, "account=b greeting=hi x-echo=from the test");
    EXPECT_EQ(serve("GET", "/test/echo/c").body, "account=c greeting=hello x-echo=");
    EXPECT_TRUE(router_.match("POST", "/test/echo/b").pathKnown);  // the server answers 405
}

TEST_F(PluginHostTest, APluginsApiErrorReachesTheClientUnchanged) {
    const DaemonConfig config = configWith("  - {type: echo, id: b, settings: {greeting: hi}}\n");
    PluginManager manager(config, router_, messages_, timer_, services());
    manager.loadAll();
    try {
        serve("GET", "/test/echo/nobody");
        FAIL() << "an unknown account was answered";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 404);
        EXPECT_EQ(e.code(), "not_found");
        EXPECT_TRUE(contains(e.what(), "nobody")) << e.what();
    }
}

TEST_F(PluginHostTest, APluginsApiErrorIsTheSdksOwnType) {
    // Caught by identity: the plugin throws the type_info that lives in the SDK library (ApiError's key function
    // is there), not a hidden copy of its own that only a comparison of type names could match.
    const DaemonConfig config = configWith("  - {type: echo, id: b, settings: {greeting: hi}}\n");
    PluginManager manager(config, router_, messages_, timer_, services());
    manager.loadAll();
    try {
        serve("GET", "/test/echo/nobody");
        FAIL() << "an unknown account was answered";
    } catch (const ApiError&) {
        EXPECT_EQ(abi::__cxa_current_exception_type(), &typeid(ApiError));
    }
}

TEST_F(PluginHostTest, AnExceptionInAPluginsHandlerIsContained) {
    const DaemonConfig config = configWith("  - {type: echo, id: b, settings: {greeting: hi}}\n");
    PluginManager manager(config, router_, messages_, timer_, services());
    manager.loadAll();
    try {
        serve("GET", "/test/echo/b/throw");
        FAIL() << "the handler's exception was swallowed";
    } catch (const ApiError& e) {
        // A 500 with a stable code; the plugin's own text stays in the log, not in the answer.
        EXPECT_EQ(e.status(), 500);
        EXPECT_EQ(e.code(), "plugin_error");
        EXPECT_TRUE(contains(e.what(), "echo")) << e.what();
        EXPECT_FALSE(contains(e.what(), "boom in a handler")) << e.what();
    }
}

TEST_F(PluginHostTest, TimersTickUntilThePluginStops) {
    const DaemonConfig config = configWith("  - {type: echo, id: b, settings: {greeting: hi}}\n");
    PluginManager manager(config, router_, messages_, timer_, services());
    manager.loadAll();
    manager.startAll();
    const auto ticks = [&] { return std::stoi(serve("GET", "/test/echo/b/ticks").body); };
    for (int i = 0; i < 100 && ticks() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_GE(ticks(), 3) << "the plugin's timer should tick every 20 ms, beside one that throws";
    manager.stopAll();
    const int stopped = ticks();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(ticks(), stopped) << "timers are cancelled when the plugin stops";
}

TEST_F(PluginHostTest, SendGoesThroughTheLoadedChannel) {
    const DaemonConfig config = configWith("  - {type: echo, id: b, settings: {greeting: hi}}\n");
    PluginManager manager(config, router_, messages_, timer_, services());
    manager.loadAll();
    ChannelPlugin* echo = manager.channel("echo");
    ASSERT_NE(echo, nullptr);
    OutboundMessage message;
    message.messageId = 42;
    message.account = "b";
    message.to = {"echo", "visitor-1"};
    message.text = "hello";
    const SendResult result = echo->send(message);
    EXPECT_EQ(result.status, DeliveryStatus::Sent);
    EXPECT_EQ(result.externalId, "echo:42");
}

}  // namespace
}  // namespace omnigate
