// Many outgoing HTTP POSTs at once on one thread (libcurl multi), each bounded in time (connect and total timeout)
// and size (the answer's body), never following redirects, so one hanging or flooding endpoint cannot hold up the
// delivery worker or the others.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "retry_policy.h"

namespace omnigate::crm {

struct OutgoingRequest {
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
    std::chrono::milliseconds connectTimeout{2000};
    std::chrono::milliseconds timeout{10000};
    std::size_t maxResponseBytes = 65536;
};

struct TransferResult {
    AttemptOutcome outcome;
    std::string body;  // the answer's body (at most maxResponseBytes)
};

class HttpTransfers {
public:
    HttpTransfers();
    ~HttpTransfers();
    HttpTransfers(const HttpTransfers&) = delete;
    HttpTransfers& operator=(const HttpTransfers&) = delete;

    // Starts a POST; `tag` comes back with its result.
    void start(std::uint64_t tag, OutgoingRequest request);
    // Drives the transfers for at most `wait` (less when one finishes or wake() is called); returns the finished.
    std::vector<std::pair<std::uint64_t, TransferResult>> run(std::chrono::milliseconds wait);
    std::size_t running() const { return transfers_.size(); }
    // From any thread: makes a run() that is waiting return at once.
    void wake();

    struct Transfer;  // one running POST (public only so the libcurl callbacks can name it)

private:
    void* multi_ = nullptr;                                 // CURLM*
    std::map<void*, std::unique_ptr<Transfer>> transfers_;  // by CURL*
};

}  // namespace omnigate::crm
