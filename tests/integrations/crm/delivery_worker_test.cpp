// The request a delivery is sent as: the headers receivers rely on (the event name subscribed to, the event id as
// the delivery id on every attempt, the attempt's timestamp and the signature over it and the body), the body
// unchanged, and the configured bounds.
#include "delivery_worker.h"

#include <gtest/gtest.h>

#include "omnigate/sdk/secrets.h"

namespace omnigate::crm {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> headersOf(const OutgoingRequest& request) {
    std::map<std::string, std::string> headers;
    for (const std::string& line : request.headers) {
        const auto colon = line.find(": ");
        headers[line.substr(0, colon)] = line.substr(colon + 2);
    }
    return headers;
}

TEST(WebhookRequest, CarriesTheSignedEventUnderItsDeliveryId) {
    Subscription s;
    s.id = "sales";
    s.url = "https://crm.example/hook";
    s.secret = "0123456789abcdef0123";
    CrmConfig config;
    config.connectTimeout = 150ms;
    config.timeout = 900ms;
    config.maxResponseBytes = 4096;
    EventDelivery d;
    d.id = 17;
    d.eventId = "6f1c0000-0000-4000-8000-000000000001";
    d.type = "interaction.updated";
    d.payload = R"({"id":"6f1c0000-0000-4000-8000-000000000001","type":"interaction.updated","data":{}})";

    const OutgoingRequest first = webhookRequest(s, config, d, "interaction.closed", 1700000000);
    d.attempts = 3;
    const OutgoingRequest retry = webhookRequest(s, config, d, "interaction.closed", 1700000123);

    const auto h = headersOf(first);
    EXPECT_EQ(first.url, s.url);
    EXPECT_EQ(first.body, d.payload);
    EXPECT_EQ(h.at("Content-Type"), "application/json");
    EXPECT_EQ(h.at("X-Omnigate-Event"), "interaction.closed");
    EXPECT_EQ(h.at("X-Omnigate-Delivery"), d.eventId);
    EXPECT_EQ(h.at("X-Omnigate-Timestamp"), "1700000000");
    EXPECT_EQ(h.at("X-Omnigate-Signature"), webhookSignature(s.secret, "1700000000", d.payload));
    EXPECT_EQ(first.connectTimeout, 150ms);
    EXPECT_EQ(first.timeout, 900ms);
    EXPECT_EQ(first.maxResponseBytes, 4096u);

    // A retry: the same delivery id, a fresh timestamp and a signature over it.
    const auto r = headersOf(retry);
    EXPECT_EQ(r.at("X-Omnigate-Delivery"), d.eventId);
    EXPECT_EQ(r.at("X-Omnigate-Timestamp"), "1700000123");
    EXPECT_EQ(r.at("X-Omnigate-Signature"), webhookSignature(s.secret, "1700000123", d.payload));
}

}  // namespace
}  // namespace omnigate::crm
