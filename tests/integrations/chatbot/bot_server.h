// A real local HTTP server playing the bot for the chatbot's unit tests: it records every webhook and answers
// with the status, body and delay the test sets.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "support/stop_http_server.h"

namespace omnigate::chatbot::test {

class BotServer {
public:
    struct Request {
        std::string event, delivery, timestamp, signature, contentType, body;
    };

    BotServer() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(8);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket_, params);
        server_->start();
    }
    ~BotServer() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        stopped_.notify_all();
        omnigate::test::stopHttpServer(*server_);
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/hook"; }
    std::vector<Request> received() {
        std::lock_guard<std::mutex> lock(mutex_);
        return received_;
    }
    void answer(int status, std::string body, std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
        std::lock_guard<std::mutex> lock(mutex_);
        status_ = status;
        body_ = std::move(body);
        delay_ = delay;
    }

private:
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(BotServer& server) : server_(server) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
            Request r;
            Poco::StreamCopier::copyToString(request.stream(), r.body);
            r.event = request.get("X-Omnigate-Event", "");
            r.delivery = request.get("X-Omnigate-Delivery", "");
            r.timestamp = request.get("X-Omnigate-Timestamp", "");
            r.signature = request.get("X-Omnigate-Signature", "");
            r.contentType = request.getContentType();
            int status = 200;
            std::string body;
            {
                std::unique_lock<std::mutex> lock(server_.mutex_);
                server_.received_.push_back(r);
                status = server_.status_;
                body = server_.body_;
                // A late answer comes after the delay, or not at all when the test ends first.
                if (server_.stopped_.wait_for(lock, server_.delay_, [this] { return server_.stopping_; })) return;
            }
            response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
            response.setContentType("application/json");
            response.setContentLength(static_cast<std::streamsize>(body.size()));
            response.send() << body;
        }

    private:
        BotServer& server_;
    };

    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(BotServer& server) : server_(server) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(server_);
        }

    private:
        BotServer& server_;
    };

    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::mutex mutex_;
    std::vector<Request> received_;
    int status_ = 200;
    std::string body_;
    std::chrono::milliseconds delay_{0};
    bool stopping_ = false;
    std::condition_variable stopped_;
};

}  // namespace omnigate::chatbot::test
