// The configured webchat accounts, and the two checks every request starts with: is the {account} in the path
// one of ours (404 otherwise), and does the visitor's token belong to it (401 otherwise). Filled once in load()
// and read-only afterwards, so the HTTP threads and the WebSocket poller share it without a lock.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "visitor_token.h"
#include "webchat_config.h"

namespace omnigate::webchat {

class WebchatAccounts {
public:
    // Returns false when `id` is already configured.
    bool add(const std::string& id, WebchatConfig config);

    bool empty() const { return accounts_.empty(); }
    bool has(const std::string& id) const { return accounts_.count(id) != 0; }
    std::vector<std::string> ids() const;

    // Throws ApiError(404, "unknown_account").
    const WebchatConfig& find(const std::string& id) const;

    // The visitor `token` stands for on account `id`. Throws ApiError 404 for an unknown account, 401
    // "missing_token" with `whereTheTokenGoes` when `token` is empty, 401 "invalid_token" when it does not verify.
    VisitorToken authenticate(const std::string& id, const std::string& token,
                              const std::string& whereTheTokenGoes) const;

private:
    std::map<std::string, WebchatConfig> accounts_;
};

}  // namespace omnigate::webchat
