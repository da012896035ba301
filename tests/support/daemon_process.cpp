#include "support/daemon_process.h"

#include <Poco/File.h>
#include <Poco/PipeStream.h>
#include <Poco/TemporaryFile.h>

#include <sys/wait.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "support/test_env.h"

namespace omnigate::test {

namespace {

std::string readAll(Poco::Pipe& pipe) {
    Poco::PipeInputStream in(pipe);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

std::string DaemonProcess::binary() { return requireEnv("OMNIGATE_BINARY"); }

DaemonProcess::DaemonProcess(DaemonOptions options) : options_(std::move(options)), port_(freePort()) {
    configPath_ = Poco::TemporaryFile::tempName() + ".yaml";
    Poco::TemporaryFile::registerForDeletion(configPath_);
    std::ofstream config(configPath_);
    config << "instance: " << options_.instance << "\n"
           << "log_level: information\n"
           << "http:\n  host: 127.0.0.1\n  port: " << port_ << "\n  max_body_bytes: " << options_.maxBodyBytes
           << "\n  max_websocket_frame_bytes: 4096\n"
           << (options_.corsOrigin.empty() ? "" : "  cors_origins: ['" + options_.corsOrigin + "']\n")
           << options_.httpYaml
           << "admin:\n  token: " << options_.adminToken << "\n"
           << "database:\n  host: 127.0.0.1\n  port: " << requireEnv("OMNIGATE_DB_PORT")
           << "\n  name: " << requireEnv("OMNIGATE_DB_NAME") << "\n  user: " << requireEnv("OMNIGATE_DB_USER")
           << "\n  password: " << requireEnv("OMNIGATE_DB_PASSWORD") << "\n"
           << (options_.writeQueueMax == 0 ? std::string()
                                            : "  writers: 1\n  write_queue_max: " + std::to_string(options_.writeQueueMax) + "\n")
           << "mqtt: " << (options_.mqttYaml.empty() ? daemonMqttYaml() : options_.mqttYaml) << "\n"
           << "plugins:\n  directory: " << requireEnv("OMNIGATE_PLUGIN_DIR") << "\n"
           << "console:\n  directory: " << requireEnv("OMNIGATE_REPO") << "/console/dist\n"
           << "files:\n  directory: " << requireEnv("OMNIGATE_VAR_DIR") << "/files\n"
           << (options_.filesYaml.find("antivirus:") != std::string::npos
                   ? std::string()
                   : "  antivirus:\n    address: unix:" + requireEnv("OMNIGATE_CLAMD_SOCKET") + "\n")
           << options_.filesYaml
           << "channels:\n" << options_.channelsYaml << options_.extraYaml;
    config.close();

    launch();
}

void DaemonProcess::launch() {
    // Poco closes the parent's write end at launch, so each run needs a pipe (and a reader) of its own.
    output_ = Poco::Pipe();
    exitCode_.reset();
    Poco::Process::Env env;
    for (const auto& [name, value] : options_.environment) env[name] = value;
    // Through setpriv (util-linux): the daemon gets SIGKILL when this test process dies, crashed or killed. An
    // orphan would go on routing in the shared test database and take the next tests' interactions (seen: every
    // chatbot test failing after one test segfaulted).
    process_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch(
        "/usr/bin/setpriv", {"--pdeathsig", "KILL", "--", binary(), "--config", configPath_}, ".", nullptr, &output_,
        &output_, env));
    reader_ = std::thread([this] {
        char buffer[4096];
        for (;;) {
            const int n = output_.readBytes(buffer, sizeof buffer);
            if (n <= 0) break;
            std::lock_guard<std::mutex> lock(logMutex_);
            log_.append(buffer, static_cast<std::size_t>(n));
        }
    });
    stopped_ = false;
}

DaemonProcess::~DaemonProcess() {
    stop();
    if (reader_.joinable()) reader_.join();
}

std::string DaemonProcess::log() {
    std::lock_guard<std::mutex> lock(logMutex_);
    return log_;
}

bool DaemonProcess::waitHealthy(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) return false;
        try {
            if (http().get("/healthz").status == 200) return true;
        } catch (const Poco::Exception&) {
            // Not listening yet.
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

bool DaemonProcess::waitReady(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) return false;
        try {
            if (http().get("/readyz").status == 200) return true;
        } catch (const Poco::Exception&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

bool DaemonProcess::running() {
    if (exitCode_) return false;
    // Poco::Process::isRunning asks kill(pid, 0), which a dead but unreaped child (a zombie) still passes: a
    // daemon that crashed at start-up would be waited for until the timeout. waitpid tells, and reaps it.
    int status = 0;
    if (::waitpid(static_cast<pid_t>(process_->id()), &status, WNOHANG) != static_cast<pid_t>(process_->id())) {
        return true;
    }
    exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
}

int DaemonProcess::reap() { return exitCode_ ? *exitCode_ : process_->wait(); }

int DaemonProcess::stop() {
    if (stopped_ || !process_) return 0;
    stopped_ = true;
    if (running()) ::kill(process_->id(), SIGTERM);
    const int code = reap();
    output_.close(Poco::Pipe::CLOSE_WRITE);
    return code;
}

void DaemonProcess::kill9() {
    if (stopped_ || !process_) return;
    stopped_ = true;
    if (running()) ::kill(process_->id(), SIGKILL);
    reap();
    output_.close(Poco::Pipe::CLOSE_WRITE);
}

void DaemonProcess::restart() {
    stop();
    // The old run's reader ends at EOF once its process is gone.
    if (reader_.joinable()) reader_.join();
    {
        std::lock_guard<std::mutex> lock(logMutex_);
        log_ += "---- restarted by the test ----\n";
    }
    launch();
}

int DaemonProcess::run(const std::vector<std::string>& args, std::string& output,
                       const std::map<std::string, std::string>& environment) {
    Poco::Pipe pipe;
    Poco::Process::Env env(environment.begin(), environment.end());
    Poco::ProcessHandle handle = Poco::Process::launch(binary(), args, ".", nullptr, &pipe, &pipe, env);
    output = readAll(pipe);
    return handle.wait();
}

}  // namespace omnigate::test
