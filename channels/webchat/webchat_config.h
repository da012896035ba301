// The typed settings of one webchat account. They are read and range-checked once, at load time, so the request
// handlers only ever see valid values, and a mistake in the file is reported with its position before the daemon
// starts serving.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "omnigate/sdk/config_node.h"

namespace omnigate::webchat {

struct WebchatConfig {
    std::string tokenSecret;                // HMAC key of the visitors' session tokens
    std::chrono::seconds tokenTtl{86400};   // how long a visitor session lasts without a new POST .../sessions
    std::size_t maxTextBytes = 4096;        // the largest message text a visitor may send, in UTF-8 bytes
    std::size_t historyLimit = 100;         // the largest ?limit= a visitor may ask the history for
    std::size_t maxSocketsPerVisitor = 8;   // open WebSockets (tabs) of one visitor; one more is refused
};

// Reads `settings` of `channels: [{type: webchat, id: …, settings: {…}}]`. Throws ConfigError (with the file,
// line, column and key path) on a missing, mistyped, out-of-range or unknown key.
WebchatConfig parseWebchatConfig(const ConfigNode& settings);

}  // namespace omnigate::webchat
