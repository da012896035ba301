// The typed settings of one WhatsApp Business Cloud API account (one business phone number). Read and checked once
// at load time, so the webhook and the sender only ever see valid values, and a mistake in the file is reported
// with its position before the daemon serves anything.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "omnigate/sdk/config_node.h"

namespace omnigate::whatsapp {

struct WhatsappConfig {
    std::string phoneNumberId;   // the Graph API id of the business phone number (not the number itself)
    std::string appSecret;       // signs the webhooks (X-Hub-Signature-256)
    std::string verifyToken;     // the webhook subscription check's hub.verify_token
    std::string accessToken;     // bearer token of the Graph API calls
    std::string graphUrl = "https://graph.facebook.com";  // no trailing slash
    std::string apiVersion = "v19.0";
    int sendAttempts = 3;                                // tries of one send against rate limits and 5xx
    std::chrono::milliseconds retryBackoff{500};         // before the 2nd try; doubles each time
    std::chrono::milliseconds requestTimeout{15000};     // of one Graph API call
    std::chrono::seconds mediaRetryInterval{60};         // between download attempts of pending media
    int mediaMaxAttempts = 20;                           // then the media is given up on
    std::size_t maxMediaBytes = 16 * 1024 * 1024;        // a larger download is refused (and not retried)

    // "{graph_url}/{api_version}/" + path
    std::string endpoint(const std::string& path) const { return graphUrl + "/" + apiVersion + "/" + path; }
};

// Reads `settings` of `channels: [{type: whatsapp, id: …, settings: {…}}]`. Throws ConfigError (file, line,
// column, key path) on a missing, mistyped, out-of-range or unknown key.
WhatsappConfig parseWhatsappConfig(const ConfigNode& settings);

}  // namespace omnigate::whatsapp
