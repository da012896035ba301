// A small blocking HTTP client for tests (POCO), returning status, headers and body.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <string>

namespace omnigate::test {

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;
    std::string body;

    Poco::JSON::Object::Ptr json() const;  // throws when the body is not a JSON object
};

class HttpClient {
public:
    explicit HttpClient(int port) : port_(port) {}

    HttpResult request(const std::string& method, const std::string& path, const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {}) const;
    HttpResult get(const std::string& path, const std::string& bearer = "") const;
    HttpResult postJson(const std::string& path, const std::string& body, const std::string& bearer = "") const;

    int port() const { return port_; }

private:
    int port_;
};

}  // namespace omnigate::test
