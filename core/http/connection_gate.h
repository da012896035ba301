// Where the HTTP server's connections wait while no complete request head has arrived: new ones, and kept-alive
// ones between two requests. POCO's HTTPServer gives a connection a thread from its first byte to its last, so 200
// clients sending their headers a byte at a time (slowloris), or just idle keep-alive connections, took every
// thread and a normal request waited in the queue behind them. Here one thread watches them all (epoll, peeking
// without consuming), and a worker thread only gets a connection whose request head is there in full. A head
// not complete within the header timeout, or a kept-alive connection idle for the keep-alive timeout, is closed.
// Reads a worker does block in (a request's body) can be given a deadline too: the gate then ends them as at EOF.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace omnigate {

class ConnectionGate {
public:
    using Clock = std::chrono::steady_clock;
    struct Limits {
        std::chrono::milliseconds headerTimeout{10000};
        std::chrono::milliseconds keepAliveTimeout{15000};
        std::size_t maxWaiting = 20000;  // connections held at once; beyond, new ones are closed at once
    };
    // Gets each connection whose request head has arrived; runs on the gate's thread, so it must not block.
    using Ready = std::function<void(const Poco::Net::StreamSocket&)>;

    ConnectionGate(const Poco::Net::ServerSocket& listener, Limits limits, Ready ready);
    ~ConnectionGate();

    void start();
    void stop();  // closes the listener and every waiting connection

    // A kept-alive connection whose response went out: it waits here for its next request.
    void park(const Poco::Net::StreamSocket& socket);
    // A whole request head is waiting to be read (looked at without reading it, and without waiting).
    static bool headArrived(const Poco::Net::StreamSocket& socket);

    // While one lives, a read blocked on `socket` ends (recv returns 0, as at EOF) once `deadline` passes.
    class Deadline {
    public:
        Deadline(ConnectionGate& gate, const Poco::Net::StreamSocket& socket, Clock::time_point deadline);
        ~Deadline();
        Deadline(const Deadline&) = delete;
        Deadline& operator=(const Deadline&) = delete;
        bool expired() const;

    private:
        ConnectionGate& gate_;
        std::uint64_t id_;
    };

private:
    struct Waiting {
        Poco::Net::StreamSocket socket;
        Clock::time_point deadline;
        bool idle = false;         // kept alive, no byte of its next request yet
        std::size_t scanned = 0;   // bytes already searched for the end of the head
    };
    struct Watched {
        int fd = -1;
        Clock::time_point deadline;
        bool expired = false;
    };

    void loop();
    void accept();
    void admit(Poco::Net::StreamSocket socket, Clock::time_point deadline, bool idle);
    void inspect(std::uint64_t id);
    void sweep();
    void drop(std::uint64_t id, const char* answer);

    Poco::Net::ServerSocket listener_;
    const Limits limits_;
    const Ready ready_;
    const int epoll_;
    std::atomic<bool> running_{false};
    std::atomic<std::uint64_t> nextId_{1};
    std::thread thread_;
    Clock::time_point acceptPausedUntil_;

    std::mutex mutex_;
    std::map<std::uint64_t, Waiting> waiting_;
    std::map<std::uint64_t, Watched> watched_;
};

}  // namespace omnigate
