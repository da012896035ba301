// The email channel: each configured account reads its IMAP mailbox(es) on threads of their own and sends the
// operators' replies by SMTP. Inbound mail becomes messages of the client with that address (threaded by subject
// tag and References within that client only); machine-sent mail is stored flagged, and bounces fail our mail.
#pragma once

#include <Poco/Net/NetSSL.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "email_config.h"
#include "mailbox_worker.h"
#include "omnigate/sdk/plugin.h"
#include "outbound_mailer.h"

namespace omnigate::email {

class EmailPlugin : public ChannelPlugin {
public:
    EmailPlugin();
    ~EmailPlugin() override;

    std::string name() const override { return "email"; }
    LoadResult load(ChannelHost& host) override;
    void start() override;
    void stop() override;
    SendResult send(const OutboundMessage& message) override;

private:
    ChannelHost* host_ = nullptr;
    std::vector<std::unique_ptr<EmailConfig>> configs_;
    std::map<std::string, std::unique_ptr<OutboundMailer>> mailers_;  // by account id
    std::vector<std::unique_ptr<MailboxWorker>> workers_;
};

}  // namespace omnigate::email
