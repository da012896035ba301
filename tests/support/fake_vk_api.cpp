#include "support/fake_vk_api.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <sstream>

#include "support/stop_http_server.h"

namespace omnigate::test {

using namespace std::chrono_literals;

namespace {

std::string stringify(const Poco::Dynamic::Var& v) {
    std::ostringstream out;
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
        v.extract<Poco::JSON::Object::Ptr>()->stringify(out);
    } else if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
        v.extract<Poco::JSON::Array::Ptr>()->stringify(out);
    } else {
        out << v.toString();
    }
    return out.str();
}

// What VK answers for the codes tests provoke (texts as in VK's error list).
std::string errorText(int code) {
    switch (code) {
        case 5: return "User authorization failed: invalid access_token (4).";
        case 6: return "Too many requests per second";
        case 8: return "Invalid request: v (version) is required";
        case 9: return "Flood control";
        case 100: return "One of the parameters specified was missing or invalid";
        case 901: return "Can't send messages for users without permission";
        case 902: return "Can't send messages to this user due to their privacy settings";
        default: return "Unknown error occurred";
    }
}

std::string errorBody(int code, const std::map<std::string, std::string>& params) {
    Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
    error->set("error_code", code);
    error->set("error_msg", errorText(code));
    Poco::JSON::Array::Ptr requestParams = new Poco::JSON::Array;
    for (const auto& [key, value] : params) {
        if (key == "access_token") continue;  // VK leaves the token out
        Poco::JSON::Object::Ptr p = new Poco::JSON::Object;
        p->set("key", key);
        p->set("value", value);
        requestParams->add(p);
    }
    error->set("request_params", requestParams);
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("error", error);
    return stringify(body);
}

std::string responseBody(const Poco::Dynamic::Var& response) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("response", response);
    return stringify(body);
}

class FilePart : public Poco::Net::PartHandler {
public:
    void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
        std::string disposition;
        Poco::Net::NameValueCollection parameters;
        Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, parameters);
        field = parameters.get("name", "");
        fileName = parameters.get("filename", "");
        std::ostringstream out;
        Poco::StreamCopier::copyStream(stream, out);
        bytes = out.str();
    }
    std::string field;
    std::string fileName;
    std::string bytes;
};

}  // namespace

class FakeVkApi::Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(FakeVkApi& api) : api_(api) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        api_.handle(request, response);
    }

private:
    FakeVkApi& api_;
};

class FakeVkApi::Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(FakeVkApi& api) : api_(api) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(api_);
    }

private:
    FakeVkApi& api_;
};

FakeVkApi::FakeVkApi(std::string accessToken, std::int64_t groupId)
    : initialToken_(std::move(accessToken)),
      groupId_(groupId),
      socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
      accessToken_(initialToken_) {
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(32);
    params->setKeepAlive(true);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket_, params);
    server_->start();
}

FakeVkApi::~FakeVkApi() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    events_.notify_all();
    stopHttpServer(*server_);
}

std::string FakeVkApi::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + path;
}

std::vector<FakeVkApi::Call> FakeVkApi::calls(const std::string& method) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Call> out;
    for (const Call& c : calls_) {
        if (method.empty() || c.method == method) out.push_back(c);
    }
    return out;
}

std::vector<FakeVkApi::Upload> FakeVkApi::uploads() {
    std::lock_guard<std::mutex> lock(mutex_);
    return uploads_;
}

std::size_t FakeVkApi::posted(const std::string& method) {
    std::lock_guard<std::mutex> lock(mutex_);
    return posted_[method];
}

void FakeVkApi::failNext(const std::string& method, int code, int times) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int i = 0; i < times; ++i) failures_[method].push_back(code);
}

void FakeVkApi::setAccessToken(const std::string& token) {
    std::lock_guard<std::mutex> lock(mutex_);
    accessToken_ = token;
}

void FakeVkApi::serveFile(const std::string& name, const std::string& bytes, const std::string& contentType) {
    std::lock_guard<std::mutex> lock(mutex_);
    files_[name] = {bytes, contentType};
}

void FakeVkApi::redirectFile(const std::string& name, const std::string& location) {
    std::lock_guard<std::mutex> lock(mutex_);
    fileRedirects_[name] = location;
}

int FakeVkApi::fileRequests(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    return fileRequests_[name];
}

void FakeVkApi::failFile(const std::string& name, int times) {
    std::lock_guard<std::mutex> lock(mutex_);
    fileFailures_[name] = times;
}

void FakeVkApi::pushEvent(const std::string& updateJson) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        history_.emplace_back(nextTs_++, updateJson);
    }
    events_.notify_all();
}

void FakeVkApi::failLongPoll(int code) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        longPollFailure_ = code;
    }
    events_.notify_all();  // a waiting a_check answers it at once
}

std::vector<std::map<std::string, std::string>> FakeVkApi::longPollRequests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return longPollRequests_;
}

std::string FakeVkApi::longPollKey() {
    std::lock_guard<std::mutex> lock(mutex_);
    return key_;
}

void FakeVkApi::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const Poco::URI uri(request.getURI());
    const std::string path = uri.getPath();
    response.setContentType("application/json; charset=utf-8");

    if (path.rfind("/method/", 0) == 0) {
        Poco::Net::HTMLForm form(request, request.stream());  // the query and an urlencoded body alike
        std::map<std::string, std::string> params;
        for (const auto& [key, value] : form) params[key] = value;
        int errorCode = 0;
        const std::string body = method(path.substr(8), params, errorCode);
        response.send() << body;  // VK answers errors with HTTP 200 too
        return;
    }
    if (path == "/upload/doc" || path == "/upload/photo") {
        FilePart part;
        Poco::Net::HTMLForm form(request, request.stream(), part);
        const std::string wanted = path == "/upload/doc" ? "file" : "photo";
        std::string answer;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            uploads_.push_back({path, part.field, part.fileName, part.bytes});
            const std::int64_t n = nextId_++;
            if (part.field != wanted || part.bytes.empty()) {
                answer = R"({"error":"no )" + wanted + R"( field in the upload"})";
            } else if (wanted == "file") {
                answer = R"({"file":"uploaded-doc-)" + std::to_string(n) + R"("})";
            } else {
                answer = R"({"server":777,"photo":"[{\"photo\":\"p)" + std::to_string(n) +
                         R"(\"}]","hash":"hash-)" + std::to_string(n) + R"("})";
            }
        }
        response.send() << answer;
        return;
    }
    if (path.rfind("/files/", 0) == 0) {
        const std::string name = path.substr(7);
        std::unique_lock<std::mutex> lock(mutex_);
        ++fileRequests_[name];
        if (auto r = fileRedirects_.find(name); r != fileRedirects_.end()) {
            const std::string location = r->second;
            lock.unlock();
            response.setStatus(Poco::Net::HTTPResponse::HTTP_FOUND);
            response.set("Location", location);
            response.send() << "{}";
            return;
        }
        if (auto f = fileFailures_.find(name); f != fileFailures_.end() && f->second > 0) {
            --f->second;
            lock.unlock();
            response.setStatus(Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
            response.send() << "{}";
            return;
        }
        const auto found = files_.find(name);
        if (found == files_.end()) {
            lock.unlock();
            response.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
            response.send() << "{}";
            return;
        }
        const auto [bytes, type] = found->second;
        lock.unlock();
        response.setContentType(type);
        response.setContentLength(static_cast<std::streamsize>(bytes.size()));
        response.send() << bytes;
        return;
    }
    if (path == "/lp") {
        std::map<std::string, std::string> params;
        for (const auto& [key, value] : uri.getQueryParameters()) params[key] = value;
        response.send() << longPoll(params);
        return;
    }
    response.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
    response.send() << "{}";
}

std::string FakeVkApi::method(const std::string& name, const std::map<std::string, std::string>& params,
                              int& errorCode) {
    std::lock_guard<std::mutex> lock(mutex_);
    Call call{name, params, 0};
    const auto param = [&](const std::string& key) {
        const auto found = params.find(key);
        return found == params.end() ? std::string() : found->second;
    };
    const auto fail = [&](int code) {
        call.errorCode = errorCode = code;
        calls_.push_back(call);
        return errorBody(code, params);
    };
    if (param("access_token") != accessToken_) return fail(5);
    if (param("v").empty()) return fail(8);
    if (auto scripted = failures_.find(name); scripted != failures_.end() && !scripted->second.empty()) {
        const int code = scripted->second.front();
        scripted->second.erase(scripted->second.begin());
        return fail(code);
    }

    Poco::Dynamic::Var response;
    const std::string group = std::to_string(groupId_);
    if (name == "messages.send") {
        // Since 5.90 random_id is required; a repeat within the conversation is not sent again.
        if (param("peer_id").empty() || param("random_id").empty()) return fail(100);
        const std::string key = name + "/" + param("peer_id") + "/" + param("random_id");
        if (!idempotent_.count(key)) {
            idempotent_[key] = std::to_string(nextId_++);
            ++posted_[name];
        }
        response = std::stoll(idempotent_[key]);
    } else if (name == "wall.createComment" || name == "board.createComment" || name == "photos.createComment" ||
               name == "video.createComment" || name == "market.createComment") {
        const std::string key = name + "/" + (param("guid").empty() ? std::to_string(nextId_) : param("guid"));
        if (!idempotent_.count(key)) {
            idempotent_[key] = std::to_string(nextId_++);
            ++posted_[name];
        }
        const std::int64_t id = std::stoll(idempotent_[key]);
        if (name == "wall.createComment") {
            if (param("owner_id").empty() || param("post_id").empty()) return fail(100);
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            o->set("comment_id", id);
            o->set("parents_stack", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
            response = o;
        } else {
            response = id;
        }
    } else if (name == "users.get") {
        Poco::JSON::Array::Ptr users = new Poco::JSON::Array;
        std::istringstream ids(param("user_ids"));
        for (std::string id; std::getline(ids, id, ',');) {
            Poco::JSON::Object::Ptr user = new Poco::JSON::Object;
            user->set("id", std::stoll(id));
            user->set("first_name", std::string("Ivan"));
            user->set("last_name", "Petrov" + id);
            user->set("can_access_closed", true);
            user->set("is_closed", false);
            users->add(user);
        }
        response = users;
    } else if (name == "groups.getLongPollServer") {
        if (param("group_id") != group) return fail(100);
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("key", key_);
        o->set("server", url("/lp"));
        o->set("ts", std::to_string(nextTs_));
        response = o;
    } else if (name == "docs.getMessagesUploadServer" || name == "docs.getWallUploadServer") {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("upload_url", url("/upload/doc"));
        response = o;
    } else if (name == "photos.getMessagesUploadServer" || name == "photos.getWallUploadServer") {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("upload_url", url("/upload/photo"));
        o->set("album_id", -3);
        o->set("group_id", groupId_);
        response = o;
    } else if (name == "docs.save") {
        if (param("file").empty()) return fail(100);
        Poco::JSON::Object::Ptr doc = new Poco::JSON::Object;
        doc->set("id", nextId_++);
        doc->set("owner_id", -groupId_);
        doc->set("title", param("title"));
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("type", std::string("doc"));
        o->set("doc", doc);
        response = o;
    } else if (name == "photos.saveMessagesPhoto" || name == "photos.saveWallPhoto") {
        if (param("photo").empty() || param("hash").empty() || param("server").empty()) return fail(100);
        Poco::JSON::Object::Ptr photo = new Poco::JSON::Object;
        photo->set("id", nextId_++);
        photo->set("owner_id", -groupId_);
        photo->set("access_key", std::string("key") + std::to_string(nextId_));
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        list->add(photo);
        response = list;
    } else {
        call.errorCode = errorCode = 3;
        calls_.push_back(call);
        Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
        error->set("error_code", 3);
        error->set("error_msg", std::string("Unknown method passed"));
        error->set("request_params", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("error", error);
        return stringify(body);
    }
    calls_.push_back(call);
    return responseBody(response);
}

std::string FakeVkApi::longPoll(const std::map<std::string, std::string>& params) {
    std::unique_lock<std::mutex> lock(mutex_);
    longPollRequests_.push_back(params);
    const auto param = [&](const std::string& key) {
        const auto found = params.find(key);
        return found == params.end() ? std::string() : found->second;
    };
    const auto failed = [&](int code) -> std::string {
        if (code == 1) return R"({"failed":1,"ts":")" + std::to_string(nextTs_) + R"("})";
        return R"({"failed":)" + std::to_string(code) + "}";
    };
    const auto takeFailure = [&]() -> int {
        const int code = longPollFailure_;
        longPollFailure_ = 0;
        if (code == 1) {
            history_.clear();  // the history is gone: only what comes after the new ts is served
        } else if (code == 2 || code == 3) {
            key_ = "lp-key-" + std::to_string(++keyGeneration_);
            if (code == 3) history_.clear();
        }
        return code;
    };
    if (param("act") != "a_check") return R"({"failed":4})";
    if (longPollFailure_ != 0) return failed(takeFailure());
    if (param("key") != key_) return failed(2);
    std::int64_t ts = 0;
    try {
        ts = std::stoll(param("ts"));
    } catch (const std::exception&) {
        return failed(1);
    }
    if (ts > nextTs_) return failed(1);
    int wait = 25;
    try {
        wait = std::min(std::max(std::stoi(param("wait")), 1), 90);
    } catch (const std::exception&) {
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait);
    for (;;) {
        if (stopping_) return R"({"ts":")" + std::to_string(ts) + R"(","updates":[]})";
        if (longPollFailure_ != 0) return failed(takeFailure());
        std::string updates;
        for (const auto& [number, json] : history_) {
            if (number >= ts) updates += (updates.empty() ? "" : ",") + json;
        }
        if (!updates.empty()) return R"({"ts":")" + std::to_string(nextTs_) + R"(","updates":[)" + updates + "]}";
        if (events_.wait_until(lock, deadline) == std::cv_status::timeout) {
            return R"({"ts":")" + std::to_string(ts) + R"(","updates":[]})";
        }
    }
}

}  // namespace omnigate::test
