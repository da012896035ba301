#include "vk_accounts.h"

namespace omnigate::vk {

bool VkAccounts::add(const std::string& id, VkConfig config) {
    if (accounts_.count(id) != 0) return false;
    accounts_.emplace(id, std::make_unique<VkAccount>(id, std::move(config)));
    return true;
}

VkAccount* VkAccounts::find(const std::string& id) const {
    const auto found = accounts_.find(id);
    return found == accounts_.end() ? nullptr : found->second.get();
}

std::vector<VkAccount*> VkAccounts::all() const {
    std::vector<VkAccount*> out;
    for (const auto& [id, account] : accounts_) out.push_back(account.get());
    return out;
}

void VkAccounts::tokenWorked(ChannelHost& host, VkAccount& account) {
    if (account.tokenAccepted.exchange(true)) return;
    host.setReadiness(account.id, true, "");
    host.log(LogLevel::Info, "vk: account '" + account.id + "': VK accepts its access token again");
}

void VkAccounts::tokenRejected(ChannelHost& host, VkAccount& account, const std::string& vkMessage) {
    if (!account.tokenAccepted.exchange(false)) return;
    const std::string reason = "VK rejected the access token (error 5: " + vkMessage +
                               "): issue a new community access key and set it in the account's access_token";
    host.setReadiness(account.id, false, reason);
    host.log(LogLevel::Error, "vk: account '" + account.id + "': " + reason);
}

}  // namespace omnigate::vk
