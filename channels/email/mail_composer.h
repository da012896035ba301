// Builds the RFC 5322 mail omnigate sends: our Message-ID, the reply headers that thread it in the client's mail
// program, the "[#id]" subject tag that threads the client's answer back to us, UTF-8 headers RFC 2047-encoded,
// text plus an HTML rendering, and attachments. Pure: the bytes are handed in, nothing is looked up.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace omnigate::email {

struct OutgoingAttachment {
    std::string name;
    std::string mimeType;
    std::string bytes;
};

struct OutgoingMail {
    std::string fromAddress;
    std::string fromName;
    std::string toAddress;
    std::string subject;     // UTF-8, with its tag already in it
    std::string messageId;   // without angle brackets
    std::string inReplyTo;   // without angle brackets; empty for none
    std::vector<std::string> references;
    bool autoReply = false;  // Auto-Submitted: auto-replied (RFC 3834)
    std::string text;
    std::vector<OutgoingAttachment> attachments;
    std::string date;        // RFC 5322 date; empty: now
    // A campaign's mail: where the client unsubscribes with one click (RFC 8058); empty: none. Printable ASCII
    // without spaces or angle brackets, else InvalidAddress.
    std::string unsubscribeUrl;
};

// The From or To address is not one RFC 5321 mailbox: no mail is built around it, so a stored address with a
// line break can never add a header.
class InvalidAddress : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// Throws InvalidAddress when fromAddress or toAddress is not one mailbox (omnigate/sdk/address_rule.h).
std::string composeMail(const OutgoingMail& mail);

// "Re: <subject> [#id]": the tag appended once, "Re: " once when it is a reply.
std::string taggedSubject(const std::string& subject, long long interactionId, bool reply);

// A Message-ID of ours: unique, and recognisably from this account's domain.
std::string newMessageId(const std::string& fromAddress, long long interactionId, long long messageId);
// The same for a campaign's mail to one recipient: "og.c<campaign>.<recipient>.<random>@<domain>".
std::string newCampaignMessageId(const std::string& fromAddress, long long campaignId, long long recipientId);

}  // namespace omnigate::email
