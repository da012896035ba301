// The one error type that crosses the host/plugin boundary on purpose. An HTTP handler (core or plugin) throws it,
// and the HTTP layer answers {"error":{"code":…,"message":…}} with its status; the host throws it to a plugin
// when, say, the store is down (503), so the plugin can pass it straight back to the provider. Its destructor is
// defined in the SDK library (the key function), so its vtable and type_info exist once, there: a plugin built with
// hidden visibility throws the SDK's type and core catches it by identity, not by comparing type names.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

#include "omnigate/sdk/abi.h"

namespace omnigate {

class OMNIGATE_EXPORT ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string code, const std::string& message, std::chrono::seconds retryAfter = {})
        : std::runtime_error(message), status_(status), code_(std::move(code)), retryAfter_(retryAfter) {}
    ApiError(const ApiError&) = default;
    ApiError& operator=(const ApiError&) = default;
    ~ApiError() override;

    int status() const noexcept { return status_; }
    const std::string& code() const noexcept { return code_; }
    // Sent as Retry-After when positive.
    std::chrono::seconds retryAfter() const noexcept { return retryAfter_; }

    // A few shorthands for the errors every handler needs.
    static ApiError badRequest(const std::string& message) { return {400, "bad_request", message}; }
    static ApiError unauthorized(const std::string& message) { return {401, "unauthorized", message}; }
    static ApiError notFound(const std::string& message) { return {404, "not_found", message}; }
    static ApiError unavailable(const std::string& message) { return {503, "unavailable", message}; }
    static ApiError rateLimited(const std::string& message, std::chrono::seconds retryAfter) {
        return {429, "rate_limited", message, retryAfter};
    }

private:
    int status_;
    std::string code_;
    std::chrono::seconds retryAfter_;
};

}  // namespace omnigate
