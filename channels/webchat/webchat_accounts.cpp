#include "webchat_accounts.h"

#include "omnigate/sdk/api_error.h"

namespace omnigate::webchat {

bool WebchatAccounts::add(const std::string& id, WebchatConfig config) {
    return accounts_.emplace(id, std::move(config)).second;
}

std::vector<std::string> WebchatAccounts::ids() const {
    std::vector<std::string> out;
    for (const auto& account : accounts_) out.push_back(account.first);
    return out;
}

const WebchatConfig& WebchatAccounts::find(const std::string& id) const {
    const auto found = accounts_.find(id);
    if (found == accounts_.end()) {
        throw ApiError(404, "unknown_account", "no webchat account '" + id + "' is configured");
    }
    return found->second;
}

VisitorToken WebchatAccounts::authenticate(const std::string& id, const std::string& token,
                                           const std::string& whereTheTokenGoes) const {
    const WebchatConfig& config = find(id);
    if (token.empty()) {
        throw ApiError(401, "missing_token",
                       "this request needs the visitor token " + whereTheTokenGoes +
                           " (open a session with POST /api/v1/webchat/" + id + "/sessions to get one)");
    }
    return VisitorToken::verify(token, id, config.tokenSecret, VisitorToken::currentTime());
}

}  // namespace omnigate::webchat
