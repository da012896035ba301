// The single window's client card from the CRM: when a client or an interaction appears, the CRM's lookup URL is
// asked (a signed POST of the client as the REST API shows it) and its answer {"card": {field: value}} is written
// to the client's card. Answers are cached per client address; a failure is logged and changes nothing. It runs
// after the fact, from the durable queue, so it never delays the message that created the client.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "crm_config.h"
#include "http_transfers.h"

namespace omnigate::crm {

using Card = std::map<std::string, std::string>;

class ClientLookup {
public:
    explicit ClientLookup(ClientLookupConfig config) : config_(std::move(config)) {}

    // The client a client.created or interaction.created event is about (0 when it names none).
    static std::int64_t clientIdOf(const std::string& type, const std::string& payload);
    // The cache key of a client (its first address, "kind:value"), from the client JSON; empty when it has none.
    static std::string addressKeyOf(const std::string& clientJson);
    // The card fields of a CRM's answer; what is wrong with it otherwise (thrown as std::runtime_error).
    static Card parseAnswer(const std::string& body);

    OutgoingRequest request(const std::string& clientJson, std::int64_t unixSeconds) const;

    std::optional<Card> cached(const std::string& key, Clock::time_point now);
    void remember(const std::string& key, Card card, Clock::time_point now);

private:
    ClientLookupConfig config_;
    std::mutex mutex_;
    std::map<std::string, std::pair<Clock::time_point, Card>> cache_;
};

}  // namespace omnigate::crm
