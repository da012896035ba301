#include "omnigate/sdk/http.h"

#include <cctype>

namespace omnigate {

std::string HttpRequest::header(const std::string& lowerCaseName) const {
    const auto it = headers.find(lowerCaseName);
    return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::queryParam(const std::string& name) const {
    for (const auto& [key, value] : query) {
        if (key == name) return value;
    }
    return {};
}

std::string HttpRequest::param(const std::string& name) const {
    const auto it = pathParams.find(name);
    return it == pathParams.end() ? std::string() : it->second;
}

std::string HttpRequest::bearerToken() const {
    const std::string value = header("authorization");
    constexpr std::size_t prefixLength = 7;  // "Bearer "
    if (value.size() <= prefixLength) return {};
    std::string scheme = value.substr(0, prefixLength);
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return scheme == "bearer " ? value.substr(prefixLength) : std::string();
}

}  // namespace omnigate
