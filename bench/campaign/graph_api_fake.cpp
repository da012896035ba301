#include "graph_api_fake.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/StringTokenizer.h>

namespace omnigate::bench {

class GraphApiFake::Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(GraphApiFake& fake) : fake_(fake) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        fake_.handle(request, response);
    }

private:
    GraphApiFake& fake_;
};

class GraphApiFake::Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(GraphApiFake& fake) : fake_(fake) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(fake_);
    }

private:
    GraphApiFake& fake_;
};

GraphApiFake::GraphApiFake(int port)
    : socket_(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port))) {
    accepted_.reserve(200000);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(32);
    params->setMaxQueued(256);
    params->setKeepAlive(true);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket_, params);
    server_->start();
}

GraphApiFake::~GraphApiFake() { server_->stopAll(true); }

std::vector<GraphApiFake::Clock::time_point> GraphApiFake::accepted() {
    std::lock_guard<std::mutex> lock(mutex_);
    return accepted_;
}

std::int64_t GraphApiFake::refused() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return refused_;
}

void GraphApiFake::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    std::string body;
    Poco::StreamCopier::copyToString(request.stream(), body);
    const Poco::StringTokenizer parts(request.getURI(), "/",
                                      Poco::StringTokenizer::TOK_IGNORE_EMPTY | Poco::StringTokenizer::TOK_TRIM);
    response.setContentType("application/json");
    if (request.getMethod() != "POST" || parts.count() != 3 || parts[2] != "messages") {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++refused_;
        }
        response.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
        response.send() << R"({"error":{"message":"Unknown path components","type":"OAuthException","code":2500}})";
        return;
    }
    std::string to;
    try {
        to = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>()->optValue<std::string>("to", "");
    } catch (const Poco::Exception&) {
    }
    if (to.empty()) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++refused_;
        }
        response.setStatus(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
        response.send() << R"({"error":{"message":"(#100) The parameter to is required.","type":"OAuthException",)"
                           R"("code":100}})";
        return;
    }
    std::size_t n = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        accepted_.push_back(Clock::now());
        n = accepted_.size();
    }
    response.send() << R"({"messaging_product":"whatsapp","contacts":[{"input":")" << to << R"(","wa_id":")" << to
                    << R"("}],"messages":[{"id":"wamid.bench)" << n << R"("}]})";
}

}  // namespace omnigate::bench
