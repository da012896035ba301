#include "outbound_mailer.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <thread>

#include "mail_composer.h"
#include "mime_text.h"
#include "smtp_sender.h"

namespace omnigate::email {

OutboundMailer::OutboundMailer(ChannelHost& host, const EmailConfig& config) : host_(host), config_(config) {}

bool OutboundMailer::allowAutoReply(const std::string& to) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    auto& sent = autoReplies_[toLower(to)];
    while (!sent.empty() && now - sent.front() > std::chrono::hours(1)) sent.pop_front();
    if (static_cast<int>(sent.size()) >= config_.autoReplyLimitPerHour) return false;
    sent.push_back(now);
    if (autoReplies_.size() > 100000) autoReplies_.clear();  // bounded: forgetting only allows a few more
    return true;
}

std::string OutboundMailer::subjectOf(const OutboundMessage& message) {
    if (!message.subject.empty()) return message.subject;
    // Operators' replies arrive without the subject: it is the interaction's.
    try {
        const auto json = host_.interaction(message.interactionId);
        if (!json) return "";
        const auto object = Poco::JSON::Parser().parse(*json).extract<Poco::JSON::Object::Ptr>();
        return object->optValue<std::string>("subject", "");
    } catch (const std::exception&) {
        return "";
    }
}

SendResult OutboundMailer::send(const OutboundMessage& message) {
    if (message.to.kind != "email") {
        return {DeliveryStatus::Failed, "", "bad_address",
                "the email channel reaches email addresses only, not a '" + message.to.kind + "' address"};
    }
    const bool autoReply = message.author == AuthorKind::System;
    if (autoReply && !allowAutoReply(message.to.value)) {
        return {DeliveryStatus::Failed, "", "auto_reply_rate_limited",
                "no more than " + std::to_string(config_.autoReplyLimitPerHour) +
                    " automatic mails an hour to one address (mail loop protection)"};
    }

    // The thread so far: inbound external ids are the client's Message-IDs, outbound ones ours. A campaign's mail
    // starts none.
    const bool campaign = message.campaignRecipientId != 0;
    std::vector<std::string> references;
    std::string inReplyTo;
    bool reply = false;
    for (const StoredMessage& m : campaign ? std::vector<StoredMessage>{} : host_.messages(message.interactionId, 100)) {
        if (m.id == message.messageId || m.externalId.empty() || m.externalId.compare(0, 7, "sha256:") == 0) continue;
        if (m.channel != "email") continue;
        references.push_back(m.externalId);
        if (m.direction == Direction::Inbound) {
            inReplyTo = m.externalId;
            reply = true;
        }
    }
    if (inReplyTo.empty() && !references.empty()) inReplyTo = references.back();
    // RFC 5322 3.6.4: the first (the thread's root) and the most recent ones are what matters.
    if (references.size() > 20) references.erase(references.begin() + 1, references.end() - 19);

    OutgoingMail mail;
    mail.fromAddress = config_.address;
    mail.fromName = config_.displayName;
    mail.toAddress = message.to.value;
    // A campaign's subject is the marketer's, untagged: a reply opens an interaction of its own.
    mail.subject = campaign ? message.subject : taggedSubject(subjectOf(message), message.interactionId, reply);
    mail.messageId = campaign ? newCampaignMessageId(config_.address, message.campaignId, message.campaignRecipientId)
                              : newMessageId(config_.address, message.interactionId, message.messageId);
    mail.unsubscribeUrl = message.unsubscribeUrl;
    mail.inReplyTo = inReplyTo;
    mail.references = references;
    mail.autoReply = autoReply;
    mail.text = message.text;
    for (const Attachment& a : message.attachments) {
        const auto file = host_.readFile(a.fileId);
        if (!file) return {DeliveryStatus::Failed, "", "attachment_missing", "the file " + a.fileId + " is not stored"};
        mail.attachments.push_back({a.name.empty() ? file->meta.name : a.name,
                                    a.mimeType.empty() ? file->meta.mimeType : a.mimeType, file->bytes});
    }
    std::string data;
    try {
        data = composeMail(mail);
    } catch (const InvalidAddress& e) {
        return {DeliveryStatus::Failed, "", "invalid_address", e.what()};
    }

    const SmtpSender sender(config_.smtp, config_.tlsVerify, config_.timeout);
    auto delay = config_.smtpRetryDelay;
    SmtpOutcome outcome;
    for (int attempt = 0; attempt <= config_.smtpRetries; ++attempt) {
        if (attempt > 0) {
            std::this_thread::sleep_for(delay);
            delay *= 2;
        }
        outcome = sender.send(config_.address, {message.to.value}, data);
        if (outcome.kind != SmtpOutcome::Kind::Temporary) break;
        host_.log(LogLevel::Warning, "email " + config_.id + ": temporary SMTP failure for message " +
                                         std::to_string(message.messageId) + ": " + outcome.reply);
    }
    switch (outcome.kind) {
        case SmtpOutcome::Kind::Sent:
            return {DeliveryStatus::Sent, mail.messageId, "", ""};
        case SmtpOutcome::Kind::Permanent:
            return {DeliveryStatus::Failed, mail.messageId, "smtp_" + std::to_string(outcome.code), outcome.reply};
        case SmtpOutcome::Kind::InvalidAddress:
            return {DeliveryStatus::Failed, "", "invalid_address", outcome.reply};
        case SmtpOutcome::Kind::Temporary:
            break;
    }
    SendResult failed{DeliveryStatus::Failed, mail.messageId,
                      outcome.code == 0 ? "smtp_unreachable" : "smtp_" + std::to_string(outcome.code),
                      "still failing after " + std::to_string(config_.smtpRetries + 1) + " attempts: " + outcome.reply};
    // A 4xx reply refused the mail; no reply at all may have come after the server took it.
    failed.transient = outcome.code != 0;
    return failed;
}

}  // namespace omnigate::email
