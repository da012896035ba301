// A real local HTTP server playing the knowledge base for the suggester's unit tests. What it answers depends on
// the path: /ok (a good answer), /hang (no answer until released), /huge (a body far over any limit), /drip (a
// byte now and then: only a total timeout stops it), /html, /status500, /redirect (to itself), and /search (like
// /ok, or like /hang while `hangSearch` is set: for a daemon whose search_url stays the same). It records the last
// request's query and Authorization header. The end-to-end test uses it too.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "support/stop_http_server.h"

namespace omnigate::knowledge_base::test {

class KbServer {
public:
    struct Seen {
        std::string query;  // decoded q
        std::string limit;
        std::string authorization;
    };

    KbServer() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(8);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket_, params);
        server_->start();
    }
    ~KbServer() {
        release();
        omnigate::test::stopHttpServer(*server_);
    }

    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + path;
    }
    void release() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            released_ = true;
        }
        cv_.notify_all();
    }
    Seen seen() {
        std::lock_guard<std::mutex> lock(mutex_);
        return seen_;
    }

    std::atomic<bool> hangSearch{false};
    std::string okBody =
        R"({"results":[{"title":"Сроки доставки","text":"Доставка 1-2 дня","url":"https://kb.example/1","score":0.9},)"
        R"({"title":"Оплата","text":"Картой или наличными","score":0.4}]})";

private:
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(KbServer& server) : server_(server) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
            const Poco::URI uri(request.getURI());
            {
                std::lock_guard<std::mutex> lock(server_.mutex_);
                server_.seen_ = {};
                for (const auto& [key, value] : uri.getQueryParameters()) {
                    if (key == "q") server_.seen_.query = value;
                    if (key == "limit") server_.seen_.limit = value;
                }
                server_.seen_.authorization = request.get("Authorization", "");
            }
            const std::string path = uri.getPath();
            if (path == "/hang" || (path == "/search" && server_.hangSearch)) {
                std::unique_lock<std::mutex> lock(server_.mutex_);
                server_.cv_.wait_for(lock, std::chrono::seconds(30), [this] { return server_.released_; });
                return;  // the client has long given up
            }
            if (path == "/huge") {
                response.setContentType("application/json");
                response.setChunkedTransferEncoding(true);
                std::ostream& out = response.send();
                out << R"({"results":[{"text":")";
                const std::string block(64 * 1024, 'x');
                for (int i = 0; i < 64 && out.good(); ++i) out << block;  // 4 MiB
                out << R"("}]})";
                return;
            }
            if (path == "/drip") {
                response.setContentType("application/json");
                response.setChunkedTransferEncoding(true);
                std::ostream& out = response.send();
                for (int i = 0; i < 100 && out.good(); ++i) {
                    out << ' ' << std::flush;
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
                }
                return;
            }
            if (path == "/redirect") {
                response.redirect(server_.url("/redirect"));
                return;
            }
            if (path == "/status500") {
                response.setStatus(Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
                response.send() << R"({"results":[]})";
                return;
            }
            if (path == "/html") {
                response.setContentType("text/html");
                response.send() << "<html><body>Search is down</body></html>";
                return;
            }
            response.setContentType("application/json");
            response.send() << server_.okBody;
        }

    private:
        KbServer& server_;
    };

    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(KbServer& server) : server_(server) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(server_);
        }

    private:
        KbServer& server_;
    };

    Poco::Net::ServerSocket socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool released_ = false;
    Seen seen_;
};

}  // namespace omnigate::knowledge_base::test
