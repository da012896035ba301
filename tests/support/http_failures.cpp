#include "support/http_failures.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/NetException.h>

namespace omnigate::test {

std::string failureKind(const Poco::Exception& e) {
    if (dynamic_cast<const Poco::Net::ConnectionRefusedException*>(&e)) return "connection refused";
    if (dynamic_cast<const Poco::Net::ConnectionResetException*>(&e)) return "connection reset";
    if (dynamic_cast<const Poco::Net::NoMessageException*>(&e)) return "connection closed without an answer";
    if (dynamic_cast<const Poco::TimeoutException*>(&e)) return "connection timed out";
    return std::string("connection failed: ") + e.name();
}

std::string errorCodeOf(const std::string& body) {
    try {
        const auto root = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
        return root->getObject("error")->getValue<std::string>("code");
    } catch (const std::exception&) {  // Poco's exceptions too
        return "(no JSON error)";
    }
}

}  // namespace omnigate::test
