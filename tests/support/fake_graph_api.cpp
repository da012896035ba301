#include "support/fake_graph_api.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/StringTokenizer.h>
#include <Poco/UUIDGenerator.h>

#include <sstream>

#include "support/stop_http_server.h"

namespace omnigate::test {

namespace {

class Sha256Engine : public Poco::SHA2Engine {
public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

std::string graphError(int code, const std::string& message, const std::string& details = "") {
    std::string body = R"({"error":{"message":")" + message + R"(","type":"OAuthException","code":)" +
                       std::to_string(code);
    if (!details.empty()) body += R"(,"error_data":{"messaging_product":"whatsapp","details":")" + details + "\"}";
    return body + R"(,"fbtrace_id":"AbCdEfGhIjK"}})";
}

// Meta's documented answers for the errors a test can ask for.
std::pair<int, std::string> documentedError(int code) {
    switch (code) {
        case 131047:
            return {400, graphError(131047, "(#131047) Re-engagement message",
                                    "Message failed to send because more than 24 hours have passed since the "
                                    "customer last replied to this number.")};
        case 130429:
            return {400, graphError(130429, "(#130429) Rate limit hit", "Cloud API message throughput has been reached.")};
        case 131056:
            return {400, graphError(131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit")};
        case 80007:
            return {400, graphError(80007, "(#80007) Rate limit issues")};
        case 4:
            return {400, graphError(4, "(#4) Application request limit reached")};
        case 190:
            return {401, graphError(190, "Error validating access token: Session has expired on Tuesday, 01-Jul-25 "
                                         "10:00:00 PDT.")};
        case 500:
            return {500, graphError(1, "An unknown error has occurred.")};
        default:
            return {400, graphError(code, "(#" + std::to_string(code) + ") Error " + std::to_string(code))};
    }
}

std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> out;
    Poco::StringTokenizer tokens(path, "/", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const std::string& t : tokens) out.push_back(t);
    return out;
}

class UploadPart : public Poco::Net::PartHandler {
public:
    void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
        std::string disposition;
        Poco::Net::NameValueCollection parameters;
        Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, parameters);
        fileName = parameters.get("filename", "");
        mimeType = header.get("Content-Type", "");
        Poco::StreamCopier::copyToString(stream, bytes);
    }
    std::string fileName;
    std::string mimeType;
    std::string bytes;
};

}  // namespace

std::string signWhatsappWebhook(const std::string& appSecret, const std::string& body) {
    Poco::HMACEngine<Sha256Engine> hmac(appSecret);
    hmac.update(body);
    return "sha256=" + Poco::DigestEngine::digestToHex(hmac.digest());
}

class FakeGraphApi::Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(FakeGraphApi& api) : api_(api) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        api_.handle(request, response);
    }

private:
    FakeGraphApi& api_;
};

class FakeGraphApi::Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(FakeGraphApi& api) : api_(api) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(api_);
    }

private:
    FakeGraphApi& api_;
};

FakeGraphApi::FakeGraphApi(std::string accessToken)
    : accessToken_(std::move(accessToken)),
      instanceTag_(Poco::UUIDGenerator::defaultGenerator().createRandom().toString()),
      socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(16);
    params->setKeepAlive(true);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket_, params);
    server_->start();
}

FakeGraphApi::~FakeGraphApi() { stopHttpServer(*server_); }

std::string FakeGraphApi::baseUrl() const { return "http://127.0.0.1:" + std::to_string(socket_.address().port()); }

void FakeGraphApi::addMedia(const std::string& mediaId, const std::string& mimeType, const std::string& bytes,
                           const std::string& urlBase) {
    std::lock_guard<std::mutex> lock(mutex_);
    media_[mediaId] = Upload{mimeType, "", bytes};
    if (!urlBase.empty()) mediaUrlBases_[mediaId] = urlBase;
}

void FakeGraphApi::failMediaDownloads(const std::string& mediaId, int times) {
    std::lock_guard<std::mutex> lock(mutex_);
    downloadFailures_[mediaId] = times;
}

void FakeGraphApi::failMessages(int code, int times) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int i = 0; i < times; ++i) messageErrors_.push_back(code);
}

std::vector<FakeGraphApi::Request> FakeGraphApi::requests(const std::string& pathEnd) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Request> out;
    for (const Request& r : requests_) {
        if (pathEnd.empty() ||
            (r.path.size() >= pathEnd.size() && r.path.compare(r.path.size() - pathEnd.size(), pathEnd.size(), pathEnd) == 0)) {
            out.push_back(r);
        }
    }
    return out;
}

std::vector<Poco::JSON::Object::Ptr> FakeGraphApi::sentMessages() {
    std::lock_guard<std::mutex> lock(mutex_);
    return sent_;
}

std::map<std::string, FakeGraphApi::Upload> FakeGraphApi::uploads() {
    std::lock_guard<std::mutex> lock(mutex_);
    return uploads_;
}

std::string FakeGraphApi::wamidOf(std::size_t n) const { return "wamid.FAKE" + instanceTag_ + "." + std::to_string(n); }

void FakeGraphApi::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    Request seen;
    seen.method = request.getMethod();
    seen.path = request.getURI().substr(0, request.getURI().find('?'));
    seen.authorization = request.get("Authorization", "");
    seen.contentType = request.getContentType();
    const std::vector<std::string> parts = segments(seen.path);

    int status = 200;
    std::string body;
    std::string contentType = "application/json";
    UploadPart upload;
    const bool isUpload = seen.method == "POST" && parts.size() == 3 && parts[2] == "media";
    if (isUpload) {
        try {
            Poco::Net::HTMLForm form(request, request.stream(), upload);
            if (form.get("messaging_product", "") != "whatsapp") upload.bytes.clear();
        } catch (const std::exception&) {
            upload.bytes.clear();
        }
        seen.body = upload.bytes;
    } else {
        Poco::StreamCopier::copyToString(request.stream(), seen.body);
    }

    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (seen.authorization != "Bearer " + accessToken_) {
            status = 401;
            body = graphError(190, "Invalid OAuth access token - Cannot parse access token");
        } else if (seen.method == "GET" && parts.size() == 2 && parts[0] == "media-bytes") {
            const auto found = media_.find(parts[1]);
            int& failures = downloadFailures_[parts[1]];
            if (found == media_.end()) {
                status = 404;
                body = graphError(100, "Unsupported get request.");
            } else if (failures > 0) {
                --failures;
                status = 500;
                body = "temporarily unavailable";
                contentType = "text/plain";
            } else {
                body = found->second.bytes;
                contentType = found->second.mimeType;
            }
        } else if (seen.method == "GET" && parts.size() == 2 && !parts[0].empty() && parts[0][0] == 'v') {
            const auto found = media_.find(parts[1]);
            if (found == media_.end()) {
                status = 400;
                body = graphError(100, "Unsupported get request. Object with ID '" + parts[1] + "' does not exist");
            } else {
                const auto base = mediaUrlBases_.find(parts[1]);
                body = R"({"messaging_product":"whatsapp","url":")" +
                       (base == mediaUrlBases_.end() ? baseUrl() : base->second) + "/media-bytes/" + parts[1] +
                       R"(","mime_type":")" + found->second.mimeType + R"(","sha256":"00","file_size":")" +
                       std::to_string(found->second.bytes.size()) + R"(","id":")" + parts[1] + "\"}";
            }
        } else if (isUpload) {
            if (upload.bytes.empty()) {
                status = 400;
                body = graphError(100, "(#100) The parameter file is required.");
            } else {
                const std::string id = "upload" + std::to_string(++uploadCounter_);
                uploads_[id] = Upload{upload.mimeType, upload.fileName, upload.bytes};
                media_[id] = uploads_[id];
                body = R"({"id":")" + id + "\"}";
            }
        } else if (seen.method == "POST" && parts.size() == 3 && parts[2] == "messages") {
            Poco::JSON::Object::Ptr message;
            try {
                const Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(seen.body);
                if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) message = parsed.extract<Poco::JSON::Object::Ptr>();
            } catch (const std::exception&) {
            }
            const std::string type = message ? message->optValue<std::string>("type", "") : "";
            const std::string to = message ? message->optValue<std::string>("to", message->optValue<std::string>("recipient", "")) : "";
            bool valid = message && message->optValue<std::string>("messaging_product", "") == "whatsapp" && !to.empty();
            if (valid && type == "text") {
                valid = message->getObject("text") && !message->getObject("text")->optValue<std::string>("body", "").empty();
            } else if (valid && (type == "image" || type == "audio" || type == "video" || type == "document" ||
                                 type == "sticker")) {
                const Poco::JSON::Object::Ptr media = message->getObject(type);
                valid = media && media_.count(media->optValue<std::string>("id", "")) != 0;
            } else if (valid && type == "template") {
                const Poco::JSON::Object::Ptr tmpl = message->getObject("template");
                valid = tmpl && !tmpl->optValue<std::string>("name", "").empty() && tmpl->getObject("language") &&
                        !tmpl->getObject("language")->optValue<std::string>("code", "").empty();
            } else {
                valid = false;
            }
            if (!messageErrors_.empty()) {
                const auto [errorStatus, errorBody] = documentedError(messageErrors_.front());
                messageErrors_.pop_front();
                status = errorStatus;
                body = errorBody;
            } else if (!valid) {
                status = 400;
                body = graphError(100, "(#100) Invalid parameter");
            } else {
                const std::string wamid = wamidOf(sent_.size());
                sent_.push_back(message);
                body = R"({"messaging_product":"whatsapp","contacts":[{"input":")" + to + R"(","wa_id":")" + to +
                       R"("}],"messages":[{"id":")" + wamid + "\"}]}";
            }
        } else {
            status = 400;
            body = graphError(100, "Unsupported " + seen.method + " request.");
        }
        seen.status = status;
        requests_.push_back(seen);
    }
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.setContentType(contentType);
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
}

}  // namespace omnigate::test
