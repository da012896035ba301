// Meta's Graph API as the WhatsApp Cloud API documents it, played by a real HTTP server on loopback: bearer-token
// checks (190 when wrong), media metadata at /{version}/{media-id} whose URL points back at this server, the media
// bytes there (with the token again), POST /{version}/{phone-number-id}/messages (text, media, template) and
// /media (multipart upload), and, when told, Meta's documented errors: 131047 (re-engagement), 130429 (rate limit),
// 190 (expired token), 500, and media downloads that fail a number of times. Plus the webhook signer.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>

#include <deque>
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

// X-Hub-Signature-256 of a webhook body: "sha256=<hex HMAC-SHA256(appSecret, body)>", as Meta signs it.
std::string signWhatsappWebhook(const std::string& appSecret, const std::string& body);

class FakeGraphApi {
public:
    struct Request {
        std::string method;
        std::string path;
        std::string authorization;
        std::string contentType;
        std::string body;  // for an upload: the file's bytes
        int status = 0;    // what it answered
    };
    struct Upload {
        std::string mimeType;
        std::string fileName;
        std::string bytes;
    };

    explicit FakeGraphApi(std::string accessToken = "test-wa-access-token");
    ~FakeGraphApi();

    std::string baseUrl() const;  // http://127.0.0.1:<port>, the plugin's graph_url

    // A client's media, as the webhook will name it. Its metadata's URL points at this server, or at `urlBase`
    // (another origin, another scheme) when given.
    void addMedia(const std::string& mediaId, const std::string& mimeType, const std::string& bytes,
                  const std::string& urlBase = "");
    // The next `times` downloads of the media's bytes answer 500.
    void failMediaDownloads(const std::string& mediaId, int times);
    // The next `times` POSTs to /messages answer Meta's error `code`: 131047, 130429, 131056, 80007, 4, 190, 500
    // (an HTTP 500), or any other code as a 400 with that code.
    void failMessages(int code, int times = 1);

    std::vector<Request> requests(const std::string& pathEnd = "");
    // The JSON bodies of /messages POSTs that were accepted, in order.
    std::vector<Poco::JSON::Object::Ptr> sentMessages();
    std::map<std::string, Upload> uploads();
    // The wamid the n-th (0-based) accepted message got: unique to this instance, since the test database keeps
    // the messages of earlier runs and an outbound external id is unique per account.
    std::string wamidOf(std::size_t n) const;

private:
    class Handler;
    class Factory;
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

    std::string accessToken_;
    std::string instanceTag_;
    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::mutex mutex_;
    std::map<std::string, Upload> media_;  // both the client's media and uploads, by id
    std::map<std::string, Upload> uploads_;
    std::map<std::string, std::string> mediaUrlBases_;
    std::map<std::string, int> downloadFailures_;
    std::deque<int> messageErrors_;
    std::vector<Request> requests_;
    std::vector<Poco::JSON::Object::Ptr> sent_;
    std::size_t uploadCounter_ = 0;
};

}  // namespace omnigate::test
