// Slow HTTP clients (issue 15, item 6), against the real daemon: 200 connections sending their headers a byte at a
// time (slowloris) leave a normal request answered within a second; a head or a body that does not arrive in time
// is answered 408 and the connection closed; an idle kept-alive connection is closed after its timeout.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "support/daemon_process.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A plain TCP connection, to send requests at whatever pace a test needs.
class Connection {
public:
    explicit Connection(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            throw std::runtime_error("cannot connect to the daemon");
        }
    }
    ~Connection() { ::close(fd_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    bool send(const std::string& bytes) {
        return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
    }

    // Everything the daemon sends until it closes the connection; nothing when it has not closed it by then.
    std::optional<std::string> readUntilClosed(std::chrono::milliseconds timeout) {
        std::string received;
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            pollfd p{fd_, POLLIN, 0};
            if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return std::nullopt;
            char chunk[4096];
            const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n <= 0) return received;
            received.append(chunk, static_cast<std::size_t>(n));
        }
    }

    // One whole response's bytes (small ones: head and a Content-Length body), as soon as they are there.
    std::string readResponse(std::chrono::milliseconds timeout) {
        std::string received;
        const auto deadline = Clock::now() + timeout;
        while (Clock::now() < deadline) {
            const std::size_t end = received.find("\r\n\r\n");
            if (end != std::string::npos) {
                const std::size_t at = received.find("Content-Length: ");
                const std::size_t length = at == std::string::npos ? 0 : std::stoul(received.substr(at + 16));
                if (received.size() >= end + 4 + length) return received;
            }
            pollfd p{fd_, POLLIN, 0};
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (::poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) <= 0) break;
            char chunk[4096];
            const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n <= 0) break;
            received.append(chunk, static_cast<std::size_t>(n));
        }
        return received;
    }

private:
    int fd_;
};

DaemonOptions withTimeouts() {
    DaemonOptions options;
    options.httpYaml += "  request_header_timeout_seconds: 2\n"
                        "  request_body_timeout_seconds: 2\n"
                        "  keep_alive_timeout_seconds: 2\n";
    return options;
}

class SlowClients : public ::testing::Test {
protected:
    void TearDown() override {
        if (HasFailure() && daemon_) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }
    void start(DaemonOptions options) {
        daemon_ = std::make_unique<DaemonProcess>(std::move(options));
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(SlowClients, TwoHundredSlowlorisConnectionsLeaveANormalRequestAnsweredWithinASecond) {
    start(DaemonOptions{});  // the default timeouts: the slow clients stay well within them
    std::vector<std::unique_ptr<Connection>> slow;
    for (int i = 0; i < 200; ++i) {
        slow.push_back(std::make_unique<Connection>(daemon_->port()));
        ASSERT_TRUE(slow.back()->send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    }
    std::atomic<bool> stop{false};
    std::thread trickle([&] {  // a header byte per connection every half second keeps each of them "sending"
        for (int round = 0; !stop; ++round) {
            for (auto& connection : slow) connection->send("X-Slow-" + std::to_string(round) + ": 1\r\n");
            for (int i = 0; i < 5 && !stop; ++i) std::this_thread::sleep_for(100ms);
        }
    });
    std::this_thread::sleep_for(1s);  // every slow connection has been accepted and is mid-head
    for (int i = 0; i < 5; ++i) {
        const auto started = Clock::now();
        HttpResult result;
        try {
            result = daemon_->http().get("/readyz");
        } catch (const std::exception& e) {  // a timeout: reported, and the trickling thread still stopped
            ADD_FAILURE() << "request " << i << " failed: " << e.what();
        }
        const auto took = Clock::now() - started;
        EXPECT_EQ(result.status, 200) << result.body;
        EXPECT_LT(took, 1s) << "request " << i << " took "
                            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
        std::this_thread::sleep_for(200ms);
    }
    stop = true;
    trickle.join();
}

TEST_F(SlowClients, AHeadThatDoesNotArriveInTimeIsAnswered408AndClosed) {
    start(withTimeouts());
    Connection connection(daemon_->port());
    const auto started = Clock::now();
    ASSERT_TRUE(connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    std::atomic<bool> stop{false};
    std::thread trickle([&] {
        for (int i = 0; i < 100 && !stop && connection.send("X: 1\r\n"); ++i) std::this_thread::sleep_for(200ms);
    });
    const std::optional<std::string> answer = connection.readUntilClosed(10s);
    const auto closedAfter = Clock::now() - started;
    stop = true;
    trickle.join();
    ASSERT_TRUE(answer) << "the connection was not closed";
    EXPECT_EQ(answer->rfind("HTTP/1.1 408", 0), 0U) << *answer;
    EXPECT_GE(closedAfter, 1900ms) << "not before the header timeout";
}

TEST_F(SlowClients, ABodyThatDoesNotArriveInTimeIsAnswered408AndClosed) {
    start(withTimeouts());
    Connection connection(daemon_->port());
    ASSERT_TRUE(connection.send("POST /api/v1/webchat/demo/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{"));
    const auto started = Clock::now();
    std::atomic<bool> stop{false};
    std::thread trickle([&] {
        for (int i = 0; i < 150 && !stop && connection.send(" "); ++i) std::this_thread::sleep_for(100ms);
    });
    const std::optional<std::string> answer = connection.readUntilClosed(10s);
    const auto closedAfter = Clock::now() - started;
    stop = true;
    trickle.join();
    ASSERT_TRUE(answer) << "the connection was not closed";
    EXPECT_EQ(answer->rfind("HTTP/1.1 408", 0), 0U) << *answer;
    EXPECT_NE(answer->find("request_timeout"), std::string::npos) << *answer;
    EXPECT_GE(closedAfter, 1900ms) << "not before the body timeout";
}

TEST_F(SlowClients, AnIdleKeptAliveConnectionIsClosedAfterItsTimeoutAndServedUntilThen) {
    start(withTimeouts());
    Connection connection(daemon_->port());
    Clock::time_point idleSince;
    for (int i = 0; i < 3; ++i) {
        if (i > 0) std::this_thread::sleep_for(1s);  // idle, but for less than the timeout
        ASSERT_TRUE(connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        const std::string response = connection.readResponse(5s);
        idleSince = Clock::now();
        EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0U) << "request " << i << " on the kept-alive connection: " << response;
    }
    const std::optional<std::string> rest = connection.readUntilClosed(10s);
    ASSERT_TRUE(rest) << "the idle connection was not closed";
    EXPECT_EQ(*rest, "") << "closed without a word, as HTTP/1.1 allows for an idle connection";
    EXPECT_GE(Clock::now() - idleSince, 1900ms);
}

}  // namespace
}  // namespace omnigate::test
