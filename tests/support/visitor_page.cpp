#include "support/visitor_page.h"

#include <Poco/JSON/Parser.h>

namespace omnigate::test {

VisitorPage::VisitorPage(int port, const std::string& token, const std::string& account)
    : session_("127.0.0.1", static_cast<Poco::UInt16>(port)),
      upgrade_(Poco::Net::HTTPRequest::HTTP_GET, "/api/v1/webchat/" + account + "/ws?token=" + token,
               Poco::Net::HTTPMessage::HTTP_1_1),
      socket_(session_, upgrade_, upgraded_) {
    socket_.setReceiveTimeout(Poco::Timespan(10, 0));
}

VisitorPage::~VisitorPage() {
    try {
        socket_.close();
    } catch (const Poco::Exception&) {
        // The daemon may be gone already.
    }
}

std::optional<Poco::JSON::Object::Ptr> VisitorPage::next(const std::string& type) {
    for (int frames = 0; frames < 20; ++frames) {
        char buffer[8192];
        int flags = 0;
        int n = 0;
        try {
            n = socket_.receiveFrame(buffer, sizeof buffer, flags);
        } catch (const Poco::TimeoutException&) {
            return std::nullopt;
        }
        if (n <= 0) return std::nullopt;
        const auto frame =
            Poco::JSON::Parser().parse(std::string(buffer, static_cast<std::size_t>(n))).extract<Poco::JSON::Object::Ptr>();
        if (frame->getValue<std::string>("type") == type) return frame;
    }
    return std::nullopt;
}

}  // namespace omnigate::test
