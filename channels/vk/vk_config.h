// The typed settings of one VK community account, read and range-checked once at load time so the webhook, the
// Long Poll loop and the sender only ever see valid values, and a mistake in the file names its position.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "omnigate/sdk/config_node.h"

namespace omnigate::vk {

enum class VkMode { Callback, LongPoll };

struct VkConfig {
    std::int64_t groupId = 0;             // the community's id (positive)
    std::string accessToken;              // the community's access key (messages, wall, docs, photos rights)
    std::string secret;                   // Callback API "secret key", sent in every event's `secret`
    std::string confirmation;             // Callback API confirmation string, the answer to `confirmation`
    std::string apiUrl = "https://api.vk.com/method";
    std::string apiVersion = "5.199";
    VkMode mode = VkMode::Callback;
    std::chrono::seconds longPollWait{25};          // a_check's `wait`: VK recommends 25 (proxies cut at 30)
    std::chrono::seconds requestTimeout{20};        // one API call or upload
    std::size_t maxMediaBytes = 20 * 1024 * 1024;   // the largest inbound photo/document/voice message we fetch
    std::chrono::seconds mediaRetryInterval{60};    // between attempts to fetch media that failed
    int mediaRetryAttempts = 10;                    // then the message is marked as lacking it for good
    int sendRetries = 3;                            // further attempts after error 6/9 or a network failure
    std::chrono::milliseconds retryBase{500};       // first back-off; doubles per attempt
    bool fetchNames = true;                         // users.get for a new client's name
};

// Reads `settings` of `channels: [{type: vk, id: …, settings: {…}}]`. Throws ConfigError (file, line, column,
// key path) on a missing, mistyped, out-of-range or unknown key.
VkConfig parseVkConfig(const ConfigNode& settings);

}  // namespace omnigate::vk
