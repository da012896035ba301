// The bench's WhatsApp Cloud API: a Poco HTTP server on loopback that accepts every
// POST /{version}/{phone_number_id}/messages with Meta's documented answer and notes when each one came, so the
// bench can tell the rate the daemon really sent at. Anything else is 404. Not the tests' FakeGraphApi, which
// keeps every request's body: 100,000 of them would be the bench's memory, not the daemon's.
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace omnigate::bench {

class GraphApiFake {
public:
    using Clock = std::chrono::steady_clock;

    explicit GraphApiFake(int port);
    ~GraphApiFake();

    // When each accepted message arrived, in arrival order.
    std::vector<Clock::time_point> accepted();
    std::int64_t refused() const;  // requests answered 404 or 400

private:
    class Handler;
    class Factory;
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    mutable std::mutex mutex_;
    std::vector<Clock::time_point> accepted_;
    std::int64_t refused_ = 0;
};

}  // namespace omnigate::bench
