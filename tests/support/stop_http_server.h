// Stops a test's local HTTP server for good. POCO's stopAll(true) aborts the open connections but does not wait
// for their handlers: one still running (a fake that hangs or answers late on purpose) would outlive the fake it
// reports to, or even main(), and touch what was freed (AddressSanitizer caught one at exit).
#pragma once

#include <Poco/Net/HTTPServer.h>

#include <chrono>
#include <thread>

namespace omnigate::test {

inline void stopHttpServer(Poco::Net::HTTPServer& server) {
    server.stopAll(true);
    while (server.currentConnections() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace omnigate::test
