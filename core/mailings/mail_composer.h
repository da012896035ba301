// A mailing's message as SMTP DATA takes it: MIME built by POCO's MailMessage, a UTF-8 text body and the
// attachments in base64, the subject and the sender's name encoded for non-ASCII (a centre's reports are named in
// Russian as often as in English).
#pragma once

#include <string>
#include <vector>

#include "config/daemon_config.h"

namespace omnigate {

struct MailAttachment {
    std::string fileName;
    std::string mimeType;
    std::string bytes;
};

// The whole message with CRLF line ends: From, To, Subject, Date, Message-ID, the body and the attachments.
std::string composeMail(const SmtpConfig& account, const std::vector<std::string>& recipients,
                        const std::string& subject, const std::string& body,
                        const std::vector<MailAttachment>& attachments);

}  // namespace omnigate
