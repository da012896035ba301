#include "mail_ingest.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include "mime_text.h"
#include "omnigate/sdk/address_rule.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate::email {

namespace {

std::string sha256Hex(const std::string& bytes) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(bytes);
    return Poco::DigestEngine::digestToHex(engine.digest());
}

// The thread's first mail: what the core's own threading keys an email conversation on.
std::string threadKeyOf(const ParsedMail& mail, const std::string& externalId) {
    std::string root = !mail.references.empty() ? mail.references.front()
                       : !mail.inReplyTo.empty() ? mail.inReplyTo
                                                 : externalId;
    if (root.size() > 200) root = "sha256:" + sha256Hex(root);
    return "mail:" + root;
}

}  // namespace

MailIngest::MailIngest(ChannelHost& host, const EmailConfig& config) : host_(host), config_(config) {}

std::string MailIngest::externalIdOf(const ParsedMail& mail, const std::string& raw) {
    if (!mail.messageId.empty() && mail.messageId.size() <= 240) return mail.messageId;
    return "sha256:" + sha256Hex(raw);
}

std::int64_t MailIngest::threadOf(const ParsedMail& mail, const Address& from) {
    const std::vector<StoredMessage> history = host_.history(config_.id, from, 500);
    if (const std::int64_t tag = subjectTag(mail.subject); tag != 0) {
        for (const StoredMessage& m : history) {
            if (m.interactionId == tag) return tag;  // the tag names one of this client's own interactions
        }
    }
    std::vector<std::string> ids;
    if (!mail.inReplyTo.empty()) ids.push_back(mail.inReplyTo);
    for (auto it = mail.references.rbegin(); it != mail.references.rend(); ++it) ids.push_back(*it);
    for (const std::string& id : ids) {
        for (auto m = history.rbegin(); m != history.rend(); ++m) {
            if (!m->externalId.empty() && m->externalId == id) return m->interactionId;
        }
    }
    return 0;
}

IngestOutcome MailIngest::ingest(const std::string& raw, bool headerOnly, std::uint64_t size) {
    MimeLimits limits;
    limits.maxAttachmentBytes = config_.maxMessageBytes;
    const ParsedMail mail = parseMail(raw, limits);

    InboundMessage in;
    in.account = config_.id;
    in.externalId = externalIdOf(mail, raw);
    // A mail without a usable From (none, or not one mailbox, which the host would refuse) still arrived: kept
    // under a placeholder rather than lost.
    in.from = {"email", isMailbox(mail.fromAddress) ? mail.fromAddress : "unknown-sender@invalid"};
    in.clientName = mail.fromName;
    in.subject = mail.subject;
    // Mail from our own address (a copy of what we sent, a forwarding loop) is never answered automatically.
    in.autoSubmitted = mail.autoSubmitted || mail.fromAddress == toLower(config_.address);
    in.text = mail.text;
    if (headerOnly) {
        in.text = "[This mail of " + std::to_string(size) + " bytes is over the limit of " +
                  std::to_string(config_.maxMessageBytes) + " bytes; only its header was fetched.]";
    }

    for (const MailAttachment& a : mail.attachments) {
        try {
            in.attachments.push_back(host_.storeFile(a.bytes, a.mimeType, a.name));
        } catch (const ApiError& e) {
            if (e.status() == 503) throw;  // the disk failed: try the whole mail again later
            in.text += "\n[attachment " + a.name + " not kept: " + e.what() + "]";
        }
    }
    if (!mail.html.empty()) {
        // The HTML as it came, for an operator who needs the original layout; the text shows plain.
        try {
            in.attachments.push_back(host_.storeFile(mail.html, "text/html", "message.html"));
        } catch (const ApiError& e) {
            if (e.status() == 503) throw;
        }
    }

    in.threadKey = threadKeyOf(mail, in.externalId);
    in.interactionId = threadOf(mail, in.from);

    const SubmitResult result = host_.submitInbound(in);

    // A bounce of one of ours: that message failed (unknown ids are simply not ours).
    if (mail.bounce) {
        for (const std::string& id : mail.bouncedMessageIds) {
            StatusUpdate update;
            update.account = config_.id;
            update.externalId = id;
            update.status = DeliveryStatus::Failed;
            update.errorCode = "bounced";
            update.errorText = mail.bounceDiagnostic.empty() ? "the mail bounced" : mail.bounceDiagnostic;
            host_.updateDeliveryStatus(update);
        }
    }
    return {in.externalId, result.message.interactionId, result.duplicate};
}

}  // namespace omnigate::email
