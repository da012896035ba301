// The real omnigate binary as a child process, with a config written for the test (the real MariaDB and Mosquitto
// from scripts/test.sh, a free HTTP port), its output captured so a failing test can show the daemon's log.
#pragma once

#include <Poco/Pipe.h>
#include <Poco/Process.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"

namespace omnigate::test {

struct DaemonOptions {
    std::string instance = "test";
    // The `channels:` list in YAML; the default has the web chat account `demo`.
    std::string channelsYaml =
        "  - type: webchat\n"
        "    id: demo\n"
        "    settings:\n"
        "      token_secret: test-webchat-secret-0123456789\n";
    std::string adminToken = "test-admin-token-0123";
    std::int64_t maxBodyBytes = 1048576;
    std::string corsOrigin;  // http.cors_origins: [this] when set
    // More lines of the `http:` section, each indented two spaces. The default lifts the rate limits, which every
    // other test (all from 127.0.0.1, many sessions, bad tokens on purpose) would trip; the tests of the limits,
    // timeouts and WebSocket caps set their own.
    std::string httpYaml =
        "  rate_limits:\n"
        "    webchat_sessions: {burst: 1000000, per_minute: 1000000}\n"
        "    webchat_messages: {burst: 1000000, per_minute: 1000000}\n"
        "    failed_auth: {burst: 1000000, per_minute: 1000000}\n";
    // The `mqtt:` section's value; empty: the plain listener with the daemon's own account (daemonMqttYaml()).
    std::string mqttYaml;
    // More lines of the `files:` section, each indented two spaces (quota_bytes, allowed_types). Every daemon a test
    // starts scans its files with the test clamd (antivirus, from OMNIGATE_CLAMD_SOCKET) unless this sets its own.
    std::string filesYaml;
    // More top-level sections (auth:, audit:…), written after the others.
    std::string extraYaml;
    int writeQueueMax = 0;   // database.write_queue_max when set (with one writer lane), to provoke back-pressure
    std::map<std::string, std::string> environment;
};

class DaemonProcess {
public:
    explicit DaemonProcess(DaemonOptions options = {});
    ~DaemonProcess();

    // Waits until /healthz answers; false (with the log available) when the daemon died or took too long.
    bool waitHealthy(std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // Waits until /readyz answers 200; false at once when the daemon died.
    bool waitReady(std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // SIGTERM, then the exit code.
    int stop();
    // SIGKILL, then waits until the process is gone: a crash, with no chance to finish or flush anything.
    void kill9();
    // Starts the binary again with the same config file and port (after stop() or kill9()); the log goes on.
    void restart();

    int port() const { return port_; }
    HttpClient http() const { return HttpClient(port_); }
    const std::string& adminToken() const { return options_.adminToken; }
    const std::string& configPath() const { return configPath_; }
    std::string log();

    // Runs the binary with `args` to completion; returns the exit code and fills `output` (stdout+stderr).
    static int run(const std::vector<std::string>& args, std::string& output,
                   const std::map<std::string, std::string>& environment = {});
    static std::string binary();

private:
    void launch();
    bool running();  // false once the process has exited (reaping it)
    int reap();      // its exit code, waiting for it when it is still running

    DaemonOptions options_;
    int port_ = 0;
    std::string configPath_;
    std::unique_ptr<Poco::ProcessHandle> process_;
    Poco::Pipe output_;
    std::thread reader_;
    std::mutex logMutex_;
    std::string log_;
    bool stopped_ = false;
    std::optional<int> exitCode_;
};

}  // namespace omnigate::test
