// The configured VK communities: each account's settings, its API client, and whether VK still accepts its
// token (an expired or revoked token makes the account not ready on /readyz until a call succeeds again).
// Filled once in load() and read-only afterwards apart from that flag, so every thread shares it without a lock.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "omnigate/sdk/channel_host.h"
#include "vk_api.h"
#include "vk_config.h"

namespace omnigate::vk {

struct VkAccount {
    VkAccount(std::string accountId, VkConfig settings)
        : id(std::move(accountId)), config(std::move(settings)), api(config) {}
    const std::string id;
    const VkConfig config;
    const VkApi api;  // refers to `config`: an account never moves (held by unique_ptr)
    std::atomic<bool> tokenAccepted{true};
};

class VkAccounts {
public:
    // False when `id` is configured already.
    bool add(const std::string& id, VkConfig config);
    // Nothing for an unknown id.
    VkAccount* find(const std::string& id) const;
    std::vector<VkAccount*> all() const;

    // What VK said about the token on the latest call: readiness changes only when that changes.
    static void tokenWorked(ChannelHost& host, VkAccount& account);
    static void tokenRejected(ChannelHost& host, VkAccount& account, const std::string& vkMessage);

private:
    std::map<std::string, std::unique_ptr<VkAccount>> accounts_;
};

}  // namespace omnigate::vk
