#include "mailbox_worker.h"

#include <algorithm>

#include "omnigate/sdk/api_error.h"

namespace omnigate::email {

MailboxWorker::MailboxWorker(ChannelHost& host, const EmailConfig& config, std::string mailbox, std::string component)
    : host_(host), config_(config), mailbox_(std::move(mailbox)), component_(std::move(component)),
      ingest_(host, config) {}

MailboxWorker::~MailboxWorker() { stop(); }

std::string MailboxWorker::stateKey() const { return "uid:" + config_.id + ":" + mailbox_; }

void MailboxWorker::start() {
    host_.setReadiness(component_, false, "connecting to the IMAP mailbox " + mailbox_);
    thread_.start([this] { return pass(); },
                  [this](const std::exception& e) {
                      host_.log(LogLevel::Error, "email " + component_ + ": " + e.what());
                  });
}

void MailboxWorker::stop() {
    thread_.stop();
    if (client_) {
        client_->logout();
        client_.reset();
    }
}

void MailboxWorker::disconnect(const std::string& reason) {
    if (client_) {
        client_->logout();
        client_.reset();
    }
    host_.setReadiness(component_, false, reason);
    host_.log(LogLevel::Warning, "email " + component_ + ": " + reason + "; retrying in " +
                                     std::to_string(backoff_.count()) + " s");
    nextAttempt_ = std::chrono::steady_clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, config_.reconnectMax);
}

void MailboxWorker::connect() {
    auto client = std::make_unique<ImapClient>(config_.imap, config_.tlsVerify, config_.timeout);
    client->connect();
    client->login();
    const SelectedMailbox selected = client->select(mailbox_);

    const auto saved = host_.loadState(stateKey());
    haveState_ = false;
    lastUid_ = 0;
    if (saved) {
        const auto colon = saved->find(':');
        try {
            if (colon != std::string::npos && std::stoul(saved->substr(0, colon)) == selected.uidValidity) {
                lastUid_ = static_cast<std::uint32_t>(std::stoul(saved->substr(colon + 1)));
                haveState_ = true;
            }
        } catch (const std::exception&) {
            // A damaged value: start over; the store's de-duplication keeps that harmless.
        }
        if (!haveState_) {
            // UIDVALIDITY changed: the old UIDs mean nothing now. Every mail is looked at again and the ones already
            // stored are recognised by their Message-ID.
            host_.log(LogLevel::Warning, "email " + component_ + ": UIDVALIDITY changed; re-reading the mailbox");
            haveState_ = true;
        }
    }
    uidValidity_ = selected.uidValidity;
    client_ = std::move(client);
    backoff_ = std::chrono::seconds(1);
    host_.setReadiness(component_, true, "");
    host_.log(LogLevel::Info, "email " + component_ + ": connected to " + mailbox_ + " (UIDVALIDITY " +
                                  std::to_string(uidValidity_) + ", last stored UID " + std::to_string(lastUid_) + ")");
}

std::size_t MailboxWorker::fetchNew() {
    // Without any state yet (the first start on this mailbox): the unread mails. After that: everything after the
    // last stored UID, read or not, since we mark them read ourselves only after storing.
    const std::string criteria = haveState_ ? "UID " + std::to_string(lastUid_ + 1) + ":*" : "UNSEEN";
    std::vector<std::uint32_t> uids = client_->search(criteria);
    // "n:*" always includes the highest UID even when it is below n.
    uids.erase(std::remove_if(uids.begin(), uids.end(), [&](std::uint32_t u) { return haveState_ && u <= lastUid_; }),
               uids.end());
    std::size_t stored = 0;
    for (const std::uint32_t uid : uids) {
        if (thread_.stopping()) break;
        const auto mail = client_->fetch(uid, config_.maxMessageBytes);
        if (mail) {
            IngestOutcome outcome;
            try {
                outcome = ingest_.ingest(mail->raw, mail->headerOnly, mail->size);
            } catch (const ApiError& e) {
                // A mail the store refuses for what it is (not for being down) would block the mailbox for ever.
                if (e.status() < 400 || e.status() >= 500 || e.status() == 429) throw;
                host_.log(LogLevel::Error, "email " + component_ + ": mail UID " + std::to_string(uid) +
                                               " refused by the store, left marked seen: " + e.what());
                outcome.duplicate = true;
            }
            // Durable now: only from here on may the server forget it is new.
            if (config_.processedFolder.empty()) {
                client_->markSeen(uid);
            } else {
                client_->moveTo(uid, config_.processedFolder);
            }
            if (!outcome.duplicate) ++stored;
        }
        lastUid_ = uid;
        haveState_ = true;
        host_.saveState(stateKey(), std::to_string(uidValidity_) + ":" + std::to_string(lastUid_));
    }
    if (!haveState_) {
        // Nothing unread on the first start: remember where the mailbox stands so that later mails are all taken.
        haveState_ = true;
        host_.saveState(stateKey(), std::to_string(uidValidity_) + ":" + std::to_string(lastUid_));
    }
    return stored;
}

std::size_t MailboxWorker::pass() {
    const auto now = std::chrono::steady_clock::now();
    if (!client_) {
        if (now < nextAttempt_) return 0;
        try {
            connect();
        } catch (const ImapError& e) {
            disconnect(e.what());
            return 0;
        } catch (const Poco::Exception& e) {
            disconnect("IMAP: " + e.displayText());
            return 0;
        }
        nextPoll_ = now;
    }
    const bool useIdle = config_.idle && client_->hasCapability("IDLE");
    if (!useIdle && now < nextPoll_) return 0;
    try {
        if (!useIdle) client_->noop();  // lets the server tell us about new mail
        const std::size_t stored = fetchNew();
        if (thread_.stopping()) return 0;
        if (useIdle) {
            // Returns at a change, at the renewal time (well before RFC 2177's 29 minutes) or at stop.
            client_->idle(config_.idleRenew, thread_.stopping());
            return 1;
        }
        nextPoll_ = std::chrono::steady_clock::now() + config_.pollInterval;
        return stored;
    } catch (const ImapError& e) {
        disconnect(e.what());
    } catch (const Poco::Exception& e) {
        disconnect("IMAP: " + e.displayText());
    } catch (const std::exception& e) {
        // The store refused or is down: the mail was not marked seen; the connection is fine, try again later.
        host_.log(LogLevel::Error, "email " + component_ + ": storing a mail failed: " + e.what());
        nextAttempt_ = std::chrono::steady_clock::now() + backoff_;
        backoff_ = std::min(backoff_ * 2, config_.reconnectMax);
        if (client_) {
            client_->logout();
            client_.reset();
        }
    }
    return 0;
}

}  // namespace omnigate::email
