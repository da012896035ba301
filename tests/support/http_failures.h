// How the load generators of the fault tests name what went wrong with a request, so their reports count failures
// by kind ("connection refused", "HTTP 503 unavailable") whatever the load is made of.
#pragma once

#include <Poco/Exception.h>

#include <string>

namespace omnigate::test {

// "connection refused", "connection reset", "connection closed without an answer", "connection timed out", …
std::string failureKind(const Poco::Exception& e);
// The `error.code` of an omnigate JSON error body, or "(no JSON error)".
std::string errorCodeOf(const std::string& body);

}  // namespace omnigate::test
