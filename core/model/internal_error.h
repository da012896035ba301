// An ApiError whose cause is for the log only. What a database or a disk says when it fails (SQL, table and column
// names, the server's address, a path) tells an attacker about the inside and a client nothing it can act on: the
// client is answered `message` and the request's id, and the HTTP server logs the cause under that same id.
#pragma once

#include <exception>
#include <string>
#include <utility>

#include "omnigate/sdk/api_error.h"

namespace omnigate {

class InternalError : public ApiError {
public:
    InternalError(int status, std::string code, const std::string& message, std::string cause)
        : ApiError(status, std::move(code), message), cause_(std::move(cause)) {}

    static InternalError unavailable(const std::string& message, std::string cause) {
        return {503, "unavailable", message, std::move(cause)};
    }

    const std::string& cause() const noexcept { return cause_; }

private:
    std::string cause_;
};

// For the daemon's own log: what() and, for an InternalError, its cause.
inline std::string withCause(const std::exception& e) {
    const auto* internal = dynamic_cast<const InternalError*>(&e);
    return internal ? std::string(e.what()) + ": " + internal->cause() : std::string(e.what());
}

}  // namespace omnigate
