// Reads one raw RFC 5322 mail into what omnigate stores: who sent it, the thread it belongs to, the text the
// operator reads (plain, or rendered from HTML, quoted history behind a marker), the HTML kept as it came, the
// attachments and inline images, and whether a machine sent it (auto-replies, lists, bounces). A pure function of
// the bytes, bounded in depth, parts and sizes: a broken mail yields what can be read, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace omnigate::email {

struct MimeLimits {
    std::size_t maxDepth = 8;              // nested multiparts and forwarded messages
    std::size_t maxParts = 256;            // leaf parts looked at
    std::size_t maxTextBytes = 1 << 20;    // of the text shown (the HTML is kept separately, as a file)
    std::size_t maxAttachments = 64;
    std::size_t maxAttachmentBytes = 32u << 20;  // all attachments together; beyond this they are dropped
    std::size_t maxHeaderBytes = 256 << 10;
};

struct MailAttachment {
    std::string name;
    std::string mimeType;
    std::string contentId;  // inline images: referenced from the HTML as cid:
    bool inlinePart = false;
    std::string bytes;
};

struct ParsedMail {
    std::string messageId;                // without the angle brackets; empty when the mail has none
    std::string inReplyTo;                // the first id of In-Reply-To
    std::vector<std::string> references;  // oldest first
    std::string subject;                  // decoded, control characters stripped
    std::string fromAddress;              // lower-cased
    std::string fromName;
    std::string text;                     // what the operator reads
    std::string html;                     // the first HTML body, UTF-8
    std::vector<MailAttachment> attachments;
    bool autoSubmitted = false;           // sent by a machine: never answered automatically
    std::string autoReason;               // which header said so
    bool bounce = false;                  // a delivery status notification or a mailer-daemon's message
    std::vector<std::string> bouncedMessageIds;  // the Message-IDs of the mails that bounced
    std::string bounceDiagnostic;         // the failure as the remote server put it
    bool damaged = false;                 // structure broken or limits hit: what could be read is here
};

ParsedMail parseMail(const std::string& raw, const MimeLimits& limits = {});

// The interaction id of a "[#123]" tag in a subject, or 0.
std::int64_t subjectTag(const std::string& subject);

// Angle-bracketed ids of a Message-ID / In-Reply-To / References value, without the brackets.
std::vector<std::string> parseMessageIds(const std::string& value);

}  // namespace omnigate::email
