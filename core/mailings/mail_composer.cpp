#include "mailings/mail_composer.h"

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include <sstream>

namespace omnigate {

namespace {

bool ascii(const std::string& text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

std::string encoded(const std::string& text) {
    return ascii(text) ? text : Poco::Net::MailMessage::encodeWord(text, "UTF-8");
}

}  // namespace

std::string composeMail(const SmtpConfig& account, const std::vector<std::string>& recipients,
                        const std::string& subject, const std::string& body,
                        const std::vector<MailAttachment>& attachments) {
    Poco::Net::MailMessage message;
    message.setSender(account.fromName.empty() ? account.from
                                               : "\"" + encoded(account.fromName) + "\" <" + account.from + ">");
    for (const std::string& to : recipients) {
        message.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, to));
    }
    message.setSubject(encoded(subject));
    message.setDate(Poco::Timestamp());
    const std::string domain = account.from.substr(account.from.rfind('@') + 1);
    message.set("Message-ID",
                "<" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString() + "@" + domain + ">");
    message.addContent(new Poco::Net::StringPartSource(body, "text/plain; charset=UTF-8"),
                       Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
    for (const MailAttachment& a : attachments) {
        message.addAttachment(a.fileName, new Poco::Net::StringPartSource(a.bytes, a.mimeType, a.fileName),
                              Poco::Net::MailMessage::ENCODING_BASE64);
    }
    std::ostringstream out;
    message.write(out);
    return out.str();
}

}  // namespace omnigate
