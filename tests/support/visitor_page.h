// A web chat visitor's open page, as the tests see it: the widget's WebSocket to the daemon, and the frames the
// daemon pushes to it (operator replies, auto-replies, interaction updates).
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/WebSocket.h>

#include <optional>
#include <string>

namespace omnigate::test {

class VisitorPage {
public:
    // Opens /api/v1/webchat/{account}/ws?token=…; throws when the upgrade is refused.
    VisitorPage(int port, const std::string& token, const std::string& account = "demo");
    ~VisitorPage();

    // The next frame of `type`, skipping others (an operator's or an automatic message may come first); nothing
    // when none arrives within 10 seconds.
    std::optional<Poco::JSON::Object::Ptr> next(const std::string& type);

private:
    Poco::Net::HTTPClientSession session_;
    Poco::Net::HTTPRequest upgrade_;
    Poco::Net::HTTPResponse upgraded_;
    Poco::Net::WebSocket socket_;
};

}  // namespace omnigate::test
