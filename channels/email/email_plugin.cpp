#include "email_plugin.h"

#include "omnigate/sdk/abi.h"

namespace omnigate::email {

EmailPlugin::EmailPlugin() {
    // POCO's NetSSL counts its users; held for the plugin's life so TLS sessions never see it torn down.
    Poco::Net::initializeSSL();
}

EmailPlugin::~EmailPlugin() {
    stop();
    workers_.clear();
    Poco::Net::uninitializeSSL();
}

LoadResult EmailPlugin::load(ChannelHost& host) {
    host_ = &host;
    if (host.accounts().empty()) return LoadResult::decline("no email accounts are configured");
    for (const AccountConfig& account : host.accounts()) {
        auto config = std::make_unique<EmailConfig>(parseEmailConfig(account.id, account.settings));
        mailers_[account.id] = std::make_unique<OutboundMailer>(host, *config);
        for (const std::string& mailbox : config->mailboxes) {
            const std::string component = config->mailboxes.size() == 1 ? account.id : account.id + "/" + mailbox;
            workers_.push_back(std::make_unique<MailboxWorker>(host, *config, mailbox, component));
        }
        configs_.push_back(std::move(config));
    }
    return LoadResult::success();
}

void EmailPlugin::start() {
    for (auto& worker : workers_) worker->start();
}

void EmailPlugin::stop() {
    // Each stops within a quarter second (its waits check the flag), so stop them all first, then join.
    for (auto& worker : workers_) worker->stop();
}

SendResult EmailPlugin::send(const OutboundMessage& message) {
    const auto it = mailers_.find(message.account);
    if (it == mailers_.end()) {
        return {DeliveryStatus::Failed, "", "unknown_account", "no email account '" + message.account + "'"};
    }
    return it->second->send(message);
}

}  // namespace omnigate::email

OMNIGATE_PLUGIN(omnigate::email::EmailPlugin)
