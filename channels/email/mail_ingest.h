// Turns one fetched mail into a stored inbound message: parsed, its files in the file store, flagged when a machine
// sent it, threaded (a "[#id]" subject tag first, then In-Reply-To / References against the Message-IDs stored for
// that same client, else a new interaction), and, for a bounce of one of our mails, that mail marked failed.
// Returns only once ChannelHost::submitInbound has, so the caller may then mark the mail seen.
#pragma once

#include <cstdint>
#include <string>

#include "email_config.h"
#include "mime_parser.h"
#include "omnigate/sdk/channel_host.h"

namespace omnigate::email {

struct IngestOutcome {
    std::string externalId;
    std::int64_t interactionId = 0;
    bool duplicate = false;
};

class MailIngest {
public:
    MailIngest(ChannelHost& host, const EmailConfig& config);

    // `headerOnly`: the mail was over max_message_bytes and only its header was fetched (`size` is its real size).
    IngestOutcome ingest(const std::string& raw, bool headerOnly = false, std::uint64_t size = 0);

    // The interaction this mail continues, among the sender's own conversation only; 0 for a new one.
    std::int64_t threadOf(const ParsedMail& mail, const Address& from);

    // The id a mail is de-duplicated on: its Message-ID, or a hash of its bytes when it has none (or a silly one).
    static std::string externalIdOf(const ParsedMail& mail, const std::string& raw);

private:
    ChannelHost& host_;
    const EmailConfig& config_;
};

}  // namespace omnigate::email
