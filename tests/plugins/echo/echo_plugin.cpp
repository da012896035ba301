// A small working channel for the host's tests: it validates its accounts' settings like a real plugin (so config
// errors from inside a plugin can be checked), registers a route that echoes what it was given, one that throws
// (the host must contain it), a timer whose ticks a route reports, and answers send() without a provider.
#include <atomic>
#include <chrono>
#include <map>
#include <stdexcept>

#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/plugin.h"

namespace {

using namespace omnigate;

class EchoPlugin : public ChannelPlugin {
public:
    std::string name() const override { return "echo"; }

    LoadResult load(Host& host) override {
        for (const AccountConfig& account : host.accounts()) {
            account.settings.expectKeys({"greeting"});
            greetings_[account.id] = account.settings.getString("greeting");
        }
        host.addRoute("GET", "/test/echo/{account}", [this](const HttpRequest& request) {
            const auto it = greetings_.find(request.param("account"));
            if (it == greetings_.end()) throw ApiError::notFound("no echo account '" + request.param("account") + "'");
            HttpResponse response;
            response.contentType = "text/plain";
            response.body = "account=" + it->first + " greeting=" + it->second + " x-echo=" + request.header("x-echo");
            return response;
        });
        host.addRoute("GET", "/test/echo/{account}/throw",
                      [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom in a handler"); });
        host.addRoute("GET", "/test/echo/{account}/ticks", [this](const HttpRequest&) {
            HttpResponse response;
            response.contentType = "text/plain";
            response.body = std::to_string(ticks_.load());
            return response;
        });
        host_ = &host;
        return LoadResult::success();
    }

    void start() override {
        host_->addTimer(std::chrono::milliseconds(20), [this] { ++ticks_; });
        // A timer task that throws must not stop the timer thread or reach the daemon.
        host_->addTimer(std::chrono::milliseconds(20), [] { throw std::runtime_error("boom in a timer"); });
    }

    SendResult send(const OutboundMessage& message) override {
        SendResult result;
        result.status = DeliveryStatus::Sent;
        result.externalId = "echo:" + std::to_string(message.messageId);
        return result;
    }

private:
    Host* host_ = nullptr;
    std::atomic<int> ticks_{0};
    std::map<std::string, std::string> greetings_;  // account id -> greeting; written in load(), read afterwards
};

}  // namespace

OMNIGATE_PLUGIN(EchoPlugin)
