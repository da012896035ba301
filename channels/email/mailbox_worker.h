// One thread per IMAP mailbox: connect, SELECT, take every mail after the last UID made durable, store it, only then
// mark it seen (or move it) and remember its UID, per mailbox and UIDVALIDITY, in the plugin's durable state. So a
// restart or a lost connection neither loses a mail (its UID is not remembered until it is stored) nor duplicates
// one (the store de-duplicates on the Message-ID). Then IDLE (re-issued in time) or poll; an unreachable mailbox
// makes the account not ready and is retried with backoff.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "email_config.h"
#include "imap_client.h"
#include "mail_ingest.h"
#include "omnigate/sdk/channel_host.h"
#include "omnigate/sdk/polling_thread.h"

namespace omnigate::email {

class MailboxWorker {
public:
    MailboxWorker(ChannelHost& host, const EmailConfig& config, std::string mailbox, std::string component);
    ~MailboxWorker();

    void start();
    void stop();  // returns promptly: IDLE and waits check the stop flag every 250 ms

    // The durable key of the last stored UID: "uid:<account>:<mailbox>" → "<uidvalidity>:<uid>".
    std::string stateKey() const;

private:
    std::size_t pass();
    void connect();
    std::size_t fetchNew();
    void disconnect(const std::string& reason);

    ChannelHost& host_;
    const EmailConfig& config_;
    const std::string mailbox_;
    const std::string component_;  // the readiness entry
    MailIngest ingest_;
    std::unique_ptr<ImapClient> client_;
    std::uint32_t uidValidity_ = 0;
    std::uint32_t lastUid_ = 0;
    bool haveState_ = false;
    std::chrono::seconds backoff_{1};
    std::chrono::steady_clock::time_point nextAttempt_{};
    std::chrono::steady_clock::time_point nextPoll_{};
    PollingThread thread_{std::chrono::milliseconds(250)};
};

}  // namespace omnigate::email
