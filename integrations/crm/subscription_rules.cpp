#include "subscription_rules.h"

#include <algorithm>
#include <regex>

namespace omnigate::crm {

namespace {

// Shorter HMAC keys can be guessed offline from one signed request a receiver logged.
constexpr std::size_t minimumSecretLength = 16;
constexpr std::size_t maximumUrlLength = 2048;

}  // namespace

const std::vector<std::string>& subscribableEvents() {
    static const std::vector<std::string> types{"interaction.created", "interaction.updated", "interaction.closed",
                                                "message.created",     "message.status",      "client.created",
                                                "client.updated",      "client.merged",       "rating.created",
                                                "offer.activated",     "client.opted_out",    "client.opted_in",
                                                "campaign.updated"};
    return types;
}

std::optional<std::string> checkSubscriptionId(const std::string& id) {
    // It becomes part of a sink name, a readiness component and URLs.
    static const std::regex allowed("[A-Za-z0-9_-]{1,64}");
    if (!std::regex_match(id, allowed)) return "'" + id + "' is not a valid id: use 1-64 letters, digits, '_' or '-'";
    return std::nullopt;
}

std::optional<std::string> checkUrl(const std::string& url) {
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
        return "expected an http:// or https:// URL, got '" + url + "'";
    }
    const std::size_t schemeEnd = url.find("://") + 3;
    if (url.size() == schemeEnd || url[schemeEnd] == '/') return "the URL '" + url + "' names no host";
    if (url.size() > maximumUrlLength)
        return "the URL is longer than " + std::to_string(maximumUrlLength) + " characters";
    if (url.find_first_of(" \t\r\n") != std::string::npos) return "the URL must not contain whitespace";
    return std::nullopt;
}

std::optional<std::string> checkSecret(const std::string& secret) {
    if (secret.size() < minimumSecretLength) {
        return "must be at least " + std::to_string(minimumSecretLength) + " characters long, got " +
               std::to_string(secret.size()) +
               " (it signs every webhook: use a long random value, e.g. `openssl rand -hex 32`)";
    }
    return std::nullopt;
}

std::optional<std::string> checkEventType(const std::string& type) {
    const auto& known = subscribableEvents();
    if (std::find(known.begin(), known.end(), type) != known.end()) return std::nullopt;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    return "unknown event type '" + type + "': expected one of " + list;
}

}  // namespace omnigate::crm
