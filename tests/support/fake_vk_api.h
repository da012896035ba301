// VK's API for tests, written from its public documentation: a real HTTP server on loopback serving
// /method/<name> (form-encoded POST or GET; access_token and v checked; {"response":…} or
// {"error":{"error_code","error_msg","request_params"}}), the upload servers of docs and photos, media files to
// download (or redirect elsewhere), and a Bots Long Poll server (a_check with key and ts; told to answer failed 1, 2 or 3 it behaves as
// the docs describe). It records every call, honours messages.send's random_id and the comments' guid (a repeat
// is not sent twice) and can be scripted to fail a method with a VK error code a number of times.
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace omnigate::test {

class FakeVkApi {
public:
    struct Call {
        std::string method;
        std::map<std::string, std::string> params;
        int errorCode = 0;  // what it answered: 0 for a response
    };
    struct Upload {
        std::string path;   // /upload/doc or /upload/photo
        std::string field;  // the multipart field name
        std::string fileName;
        std::string bytes;
    };

    explicit FakeVkApi(std::string accessToken = "vk-test-token-0123", std::int64_t groupId = 100);
    ~FakeVkApi();

    std::string apiUrl() const { return url("/method"); }
    std::string url(const std::string& path) const;
    std::int64_t groupId() const { return groupId_; }

    // Every call so far (of `method` when given), in arrival order.
    std::vector<Call> calls(const std::string& method = "");
    std::vector<Upload> uploads();
    // The messages and comments really posted: a repeated random_id or guid is not posted again.
    std::size_t posted(const std::string& method);
    // The next `times` calls of `method` answer VK error `code`.
    void failNext(const std::string& method, int code, int times = 1);
    void setAccessToken(const std::string& token);

    // GET /files/<name> answers these bytes; failFile makes the next `times` requests answer 500.
    void serveFile(const std::string& name, const std::string& bytes, const std::string& contentType);
    void failFile(const std::string& name, int times);
    std::string fileUrl(const std::string& name) const { return url("/files/" + name); }
    // GET /files/<name> answers 302 Found to `location`.
    void redirectFile(const std::string& name, const std::string& location);
    // How many GET /files/<name> arrived.
    int fileRequests(const std::string& name);

    // Long Poll: an update (a whole event object) becomes the next event; failLongPoll makes the next a_check
    // answer {"failed": code} (2 and 3 also rotate the key, 3 forgets the history, as a server restart does).
    void pushEvent(const std::string& updateJson);
    void failLongPoll(int code);
    // The query strings of every a_check so far.
    std::vector<std::map<std::string, std::string>> longPollRequests();
    std::string longPollKey();

private:
    class Handler;
    class Factory;
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    std::string method(const std::string& name, const std::map<std::string, std::string>& params, int& errorCode);
    std::string longPoll(const std::map<std::string, std::string>& params);

    const std::string initialToken_;
    const std::int64_t groupId_;
    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::mutex mutex_;
    std::condition_variable events_;
    bool stopping_ = false;
    std::string accessToken_;
    std::vector<Call> calls_;
    std::vector<Upload> uploads_;
    std::map<std::string, std::vector<int>> failures_;
    std::map<std::string, std::pair<std::string, std::string>> files_;  // name -> bytes, content type
    std::map<std::string, int> fileFailures_;
    std::map<std::string, std::string> fileRedirects_;
    std::map<std::string, int> fileRequests_;
    std::map<std::string, std::string> idempotent_;  // method/peer/random_id or method/guid -> the answer
    std::map<std::string, std::size_t> posted_;
    std::int64_t nextId_ = 1000;
    // Long Poll
    std::string key_ = "lp-key-1";
    int keyGeneration_ = 1;
    std::int64_t nextTs_ = 1;                                       // the number the next event gets
    std::vector<std::pair<std::int64_t, std::string>> history_;    // event number, update JSON
    int longPollFailure_ = 0;
    std::vector<std::map<std::string, std::string>> longPollRequests_;
};

}  // namespace omnigate::test
