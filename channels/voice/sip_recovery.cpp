#include "sip_engine_impl.h"

namespace omnigate::voice {

void SipEngine::Impl::noteCall(const Call& call, const std::string& state) {
    const std::string key = statePrefix(accountOf(call)) + std::to_string(call.summary.interactionId);
    worker.post([this, key, state] {
        try {
            host.saveState(key, state);
        } catch (const std::exception& e) {
            host.log(LogLevel::Warning, "voice: noting a call in the plugin state failed: " + std::string(e.what()));
        }
    });
}

std::string SipEngine::Impl::statePrefix(const AccountRuntime& account) const {
    return "call/" + hostName + "/" + account.config.listenHost + ":" + std::to_string(account.config.listenPort) + "/";
}

void SipEngine::Impl::recoverCutOffCalls() {
    for (const auto& account : accounts) {
        const std::string prefix = statePrefix(*account);
        worker.post([this, prefix] {
            try {
                for (const auto& [key, value] : host.listState(prefix)) {
                    const std::string idText = key.substr(prefix.size());
                    if (idText.empty() || idText.find_first_not_of("0123456789") != std::string::npos) continue;
                    const std::int64_t id = std::stoll(idText);
                    try {
                        if (value == "connected") {
                            host.addSystemMessage(id, "The call was cut off: the daemon stopped during the talk; no "
                                                      "recording was kept.", {});
                        } else {
                            host.closeInteraction(id, "abandoned",
                                                  "the call was cut off: the daemon stopped while the caller waited");
                        }
                    } catch (const std::exception& e) {
                        // 404 or 409 (closed meanwhile): nothing left to do for it.
                        host.log(LogLevel::Debug, "voice: interaction " + idText + " of a cut-off call: " + e.what());
                    }
                    host.eraseState(key);
                    host.log(LogLevel::Warning, "voice: interaction " + idText +
                                                    " belonged to a call cut off when the daemon stopped; " +
                                                    (value == "connected" ? "noted" : "closed as abandoned"));
                }
            } catch (const std::exception& e) {
                host.log(LogLevel::Error, std::string("voice: looking for calls cut off by a stop failed: ") + e.what());
            }
        });
    }
}

}  // namespace omnigate::voice
