// omnigate: the command line. Parses options, sets up logging, runs the daemon until SIGINT or SIGTERM.
#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

#include <chrono>
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "auth/ldap_config.h"
#include "config/daemon_config.h"
#include "daemon/daemon.h"
#include "db/connection_pool.h"
#include "db/migrator.h"
#include "stats/stats_rebuild.h"
#include "omnigate/sdk/abi.h"

namespace {

const char* const kUsage =
    "Usage: omnigate [--config FILE]\n"
    "       omnigate --check-config FILE\n"
    "       omnigate [--config FILE] --rebuild-stats\n"
    "       omnigate --help | --version\n"
    "\n"
    "The omnichannel contact-centre gateway: channel plugins in, interactions stored in MariaDB, events out\n"
    "on MQTT.\n"
    "\n"
    "  --config FILE        run with this YAML config (default: config/omnigate.yaml)\n"
    "  --check-config FILE  validate FILE (and the environment it refers to), print the result, exit 0 or 1\n"
    "  --rebuild-stats      empty the statistics aggregates and count them again from the stored facts, with\n"
    "                       progress; run it with the daemons stopped\n"
    "  --help               show this text\n"
    "  --version            show the version and the plugin ABI version\n"
    "\n"
    "Values in the config may use ${VAR} or ${VAR:-default} to come from the environment.\n";

void setUpLogging(const std::string& level) {
    Poco::AutoPtr<Poco::PatternFormatter> formatter(new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i %p %s: %t"));
    formatter->setProperty("times", "UTC");
    Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(formatter, new Poco::ConsoleChannel));
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::root().setLevel(level);
    // Loggers created before this point (static ones) keep their old settings unless told again.
    Poco::Logger::setChannel("", channel);
    Poco::Logger::setLevel("", Poco::Logger::parseLevel(level));
}

int checkConfig(const std::string& file) {
    try {
        const omnigate::DaemonConfig config = omnigate::loadDaemonConfig(file);
        // The directory's settings are read where the directory is used; checked here too so a mistake shows now.
        if (config.auth.ldap.defined()) omnigate::parseLdapConfig(config.auth.ldap);
        std::cout << file << ": OK (" << config.channels.size() << " channel account(s), "
                  << config.integrations.size() << " integration(s))\n";
        return 0;
    } catch (const omnigate::ConfigError& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}

int rebuildStats(const std::string& file) {
    try {
        const omnigate::DaemonConfig config = omnigate::loadDaemonConfig(file);
        omnigate::ConnectionPool pool(config.database);
        auto session = pool.connect();
        omnigate::Migrator migrator(*session, [](const std::string& step) { std::cout << step << std::endl; });
        migrator.apply(omnigate::builtInMigrations());
        std::cout << "rebuilding the statistics of " << pool.describe() << std::endl;
        const auto started = std::chrono::steady_clock::now();
        omnigate::StatsRebuild(*session, config.stats.utcOffsetMinutes, [&](const std::string& line) {
            const auto seconds =
                std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
            std::cout << "[" << seconds << " s] " << line << std::endl;
        }).run();
        return 0;
    } catch (const omnigate::ConfigError& e) {
        std::cerr << e.what() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "omnigate: rebuilding the statistics failed: " << e.what() << "\n";
    }
    return 1;
}

int run(const std::string& file) {
    omnigate::DaemonConfig config;
    try {
        config = omnigate::loadDaemonConfig(file);
        if (config.auth.ldap.defined()) omnigate::parseLdapConfig(config.auth.ldap);
    } catch (const omnigate::ConfigError& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    setUpLogging(config.logLevel);

    // Signals are taken by sigwait below, so every thread the daemon starts inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    omnigate::Daemon daemon(std::move(config));
    try {
        daemon.start();
    } catch (const omnigate::StartupError& e) {
        Poco::Logger::get("omnigate").fatal("start-up failed: %s", std::string(e.what()));
        daemon.stop();
        return 1;
    } catch (const omnigate::ConfigError& e) {
        Poco::Logger::get("omnigate").fatal("start-up failed: %s", std::string(e.what()));
        daemon.stop();
        return 1;
    }
    int received = 0;
    sigwait(&signals, &received);
    Poco::Logger::get("omnigate").information("signal %d: shutting down", received);
    daemon.stop();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    std::string configFile = "config/omnigate.yaml";
    bool rebuild = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        const bool hasValue = i + 1 < args.size();
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        }
        if (arg == "--version") {
            std::cout << "omnigate " << OMNIGATE_VERSION << " (plugin ABI " << OMNIGATE_PLUGIN_ABI_VERSION << ")\n";
            return 0;
        }
        if (arg == "--check-config" && hasValue) return checkConfig(args[i + 1]);
        if (arg == "--rebuild-stats") {
            rebuild = true;
            continue;
        }
        if (arg == "--config" && hasValue) {
            configFile = args[++i];
            continue;
        }
        std::cerr << "omnigate: unknown or incomplete option '" << arg << "'\n\n" << kUsage;
        return 2;
    }
    return rebuild ? rebuildStats(configFile) : run(configFile);
}
