// A CRM for tests: a real HTTP server on loopback that records every webhook (headers and body) and answers as
// told. Paths: /hang (no answer until the server stops), /redirect (302 to /target), /huge (4 MiB), /lookup (the
// client lookup: lookupStatus and lookupBody, or no answer while lookupHangs); any other path answers the status
// set for it (200 unless told otherwise).
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace omnigate::test {

// What a receiver of omnigate's signed webhooks (CRM subscriptions, the chatbot) checks them against, computed here
// from the documents, not from the daemon's code: "sha256=" and the hex of HMAC-SHA256(secret, timestamp + "." +
// body) (docs/integrations/crm.md).
std::string webhookSignature(const std::string& secret, const std::string& timestamp, const std::string& body);

class FakeCrm {
public:
    struct Request {
        std::string path;
        std::string event;
        std::string delivery;
        std::string timestamp;
        std::string signature;
        std::string body;
        int status = 0;  // 0: left hanging
    };

    FakeCrm();
    ~FakeCrm();

    std::string url(const std::string& path) const;
    void setStatus(const std::string& path, int status);
    void setLookup(int status, const std::string& body, bool hangs = false);
    // Every request so far (of `path` when given), in arrival order.
    std::vector<Request> requests(const std::string& path = "");

private:
    class Handler;
    class Factory;
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::map<std::string, int> statuses_;
    int lookupStatus_ = 200;
    std::string lookupBody_ = R"({"card":{}})";
    bool lookupHangs_ = false;
    std::vector<Request> requests_;
};

}  // namespace omnigate::test
