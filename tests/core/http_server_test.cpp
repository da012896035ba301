// What the HTTP front door writes about a request: the error shape every client parses, and the URI as the log
// may show it, with the secrets some clients must put in a query string (a browser's WebSocket cannot send an
// Authorization header) masked.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "http/http_server.h"

namespace omnigate {
namespace {

TEST(ErrorBody, CarriesTheCodeTheMessageAndTheRequestId) {
    const auto body = Poco::JSON::Parser().parse(errorBody("not_found", "no such endpoint", "4f1c-id"))
                          .extract<Poco::JSON::Object::Ptr>()
                          ->getObject("error");
    EXPECT_EQ(body->getValue<std::string>("code"), "not_found");
    EXPECT_EQ(body->getValue<std::string>("message"), "no such endpoint");
    EXPECT_EQ(body->getValue<std::string>("request_id"), "4f1c-id");
}

TEST(RedactedUri, MasksTokensSecretsAndPasswordsInTheQuery) {
    EXPECT_EQ(redactedUri("/api/v1/webchat/demo/ws?token=eyJ.visitor.sig"), "/api/v1/webchat/demo/ws?token=REDACTED");
    EXPECT_EQ(redactedUri("/webhooks/whatsapp/demo?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=42"),
              "/webhooks/whatsapp/demo?hub.mode=subscribe&hub.verify_token=REDACTED&hub.challenge=42");
    EXPECT_EQ(redactedUri("/x?Access_Token=a&client_secret=b&password=c&limit=5"),
              "/x?Access_Token=REDACTED&client_secret=REDACTED&password=REDACTED&limit=5");
}

TEST(RedactedUri, LeavesOtherUrisAlone) {
    EXPECT_EQ(redactedUri("/api/v1/interactions/7"), "/api/v1/interactions/7");
    EXPECT_EQ(redactedUri("/api/v1/interactions?status=queued&limit=5"), "/api/v1/interactions?status=queued&limit=5");
}

TEST(RedactedUri, AQueryThatDoesNotParseIsNotShown) {
    const std::string shown = redactedUri("/api/v1/webchat/demo/ws?token=%zz-secret");
    EXPECT_EQ(shown.find("secret"), std::string::npos) << shown;
    EXPECT_EQ(shown.rfind("/api/v1/webchat/demo/ws?", 0), 0u) << shown;
}

}  // namespace
}  // namespace omnigate
