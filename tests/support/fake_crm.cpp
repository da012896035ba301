#include "support/fake_crm.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>

#include <sstream>

#include "support/stop_http_server.h"

namespace omnigate::test {

namespace {

class Sha256Engine : public Poco::SHA2Engine {
public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

}  // namespace

std::string webhookSignature(const std::string& secret, const std::string& timestamp, const std::string& body) {
    Poco::HMACEngine<Sha256Engine> hmac(secret);
    hmac.update(timestamp + "." + body);
    return "sha256=" + Poco::DigestEngine::digestToHex(hmac.digest());
}

using namespace std::chrono_literals;

class FakeCrm::Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(FakeCrm& crm) : crm_(crm) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        crm_.handle(request, response);
    }

private:
    FakeCrm& crm_;
};

class FakeCrm::Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(FakeCrm& crm) : crm_(crm) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(crm_);
    }

private:
    FakeCrm& crm_;
};

FakeCrm::FakeCrm() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(32);
    params->setKeepAlive(true);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket_, params);
    server_->start();
}

FakeCrm::~FakeCrm() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    stopHttpServer(*server_);
}

std::string FakeCrm::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + path;
}

void FakeCrm::setStatus(const std::string& path, int status) {
    std::lock_guard<std::mutex> lock(mutex_);
    statuses_[path] = status;
}

void FakeCrm::setLookup(int status, const std::string& body, bool hangs) {
    std::lock_guard<std::mutex> lock(mutex_);
    lookupStatus_ = status;
    lookupBody_ = body;
    lookupHangs_ = hangs;
}

std::vector<FakeCrm::Request> FakeCrm::requests(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Request> out;
    for (const Request& r : requests_) {
        if (path.empty() || r.path == path) out.push_back(r);
    }
    return out;
}

void FakeCrm::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    Request seen;
    seen.path = request.getURI();
    seen.event = request.get("X-Omnigate-Event", "");
    seen.delivery = request.get("X-Omnigate-Delivery", "");
    seen.timestamp = request.get("X-Omnigate-Timestamp", "");
    seen.signature = request.get("X-Omnigate-Signature", "");
    std::ostringstream body;
    Poco::StreamCopier::copyStream(request.stream(), body);
    seen.body = body.str();

    bool hang = seen.path == "/hang";
    int status = 200;
    std::string answer = "{}";
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (seen.path == "/lookup") {
            status = lookupStatus_;
            answer = lookupBody_;
            hang = lookupHangs_;
        } else if (const auto it = statuses_.find(seen.path); it != statuses_.end()) {
            status = it->second;
        }
        if (seen.path == "/redirect") status = 302;
        seen.status = hang ? 0 : status;
        requests_.push_back(seen);
    }
    if (hang) {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait_for(lock, 20s, [this] { return stopping_; });
        return;
    }
    if (seen.path == "/redirect") {
        response.redirect(url("/target"), Poco::Net::HTTPResponse::HTTP_FOUND);
        return;
    }
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.setContentType("application/json");
    if (seen.path == "/huge") {
        response.setChunkedTransferEncoding(true);
        std::ostream& out = response.send();
        const std::string block(64 * 1024, 'x');
        for (int i = 0; i < 64 && out.good(); ++i) out << block;
        return;
    }
    response.send() << answer;
}

}  // namespace omnigate::test
