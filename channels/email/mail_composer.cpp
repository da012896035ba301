#include "mail_composer.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>

#include "mime_text.h"
#include "omnigate/sdk/address_rule.h"

namespace omnigate::email {

namespace {

std::string htmlEscape(const std::string& text) {
    std::string out;
    out.reserve(text.size() + 64);
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\n': out += "<br>\r\n"; break;
            case '\r': break;
            default: out += c;
        }
    }
    return out;
}

bool isAscii(const std::string& s) {
    for (const char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

// A header-safe one-line value: no CR/LF (header injection), UTF-8 encoded words when not ASCII.
std::string headerText(const std::string& value) {
    std::string line;
    for (const char c : value) line += c == '\r' || c == '\n' ? ' ' : c;
    return encodeHeaderWords(line);
}

std::string mailbox(const std::string& name, const std::string& address) {
    if (name.empty()) return "<" + address + ">";
    if (isAscii(name)) {
        std::string quoted = "\"";
        for (const char c : name) {
            if (c == '"' || c == '\\') quoted += '\\';
            if (c != '\r' && c != '\n') quoted += c;
        }
        return quoted + "\" <" + address + ">";
    }
    return headerText(name) + " <" + address + ">";
}

// Content-Disposition with the file name as RFC 2231 (filename*=UTF-8''…) when not ASCII, plus the plain form for
// old readers.
std::string filenameParams(const std::string& name) {
    std::string safe;
    for (const char c : name) safe += c == '"' || c == '\\' || c == '\r' || c == '\n' ? '_' : c;
    if (isAscii(safe)) return "filename=\"" + safe + "\"";
    static const char hex[] = "0123456789ABCDEF";
    std::string encoded;
    for (const char ch : safe) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') {
            encoded += static_cast<char>(c);
        } else {
            encoded += '%';
            encoded += hex[c >> 4];
            encoded += hex[c & 15];
        }
    }
    return "filename*=UTF-8''" + encoded;
}

std::string boundary() {
    return "=_og_" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
}

}  // namespace

std::string taggedSubject(const std::string& subject, long long interactionId, bool reply) {
    const std::string tag = "[#" + std::to_string(interactionId) + "]";
    std::string s = trim(subject);
    if (s.find(tag) == std::string::npos) s = s.empty() ? tag : s + " " + tag;
    const std::string lower = toLower(s.substr(0, 3));
    if (reply && lower != "re:" && toLower(s.substr(0, 3)) != "на:") s = "Re: " + s;
    return s;
}

namespace {

std::string messageIdOf(const std::string& fromAddress, const std::string& local) {
    const std::size_t at = fromAddress.find('@');
    const std::string domain = at == std::string::npos ? "omnigate.invalid" : fromAddress.substr(at + 1);
    std::string random = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    random.erase(std::remove(random.begin(), random.end(), '-'), random.end());
    return local + "." + random.substr(0, 16) + "@" + domain;
}

}  // namespace

std::string newMessageId(const std::string& fromAddress, long long interactionId, long long messageId) {
    return messageIdOf(fromAddress, "og." + std::to_string(interactionId) + "." + std::to_string(messageId));
}

std::string newCampaignMessageId(const std::string& fromAddress, long long campaignId, long long recipientId) {
    return messageIdOf(fromAddress, "og.c" + std::to_string(campaignId) + "." + std::to_string(recipientId));
}

std::string composeMail(const OutgoingMail& mail) {
    // Not quoted in the error: it would carry the line breaks into the log and the operator's view.
    if (!isMailbox(mail.fromAddress)) throw InvalidAddress("the From address is not one mail address (RFC 5321)");
    if (!isMailbox(mail.toAddress)) throw InvalidAddress("the To address is not one mail address (RFC 5321)");
    std::string out;
    out.reserve(mail.text.size() * 3 + 1024);
    const std::string date = mail.date.empty()
                                 ? Poco::DateTimeFormatter::format(Poco::DateTime(), Poco::DateTimeFormat::RFC1123_FORMAT)
                                 : mail.date;
    out += "From: " + mailbox(mail.fromName, mail.fromAddress) + "\r\n";
    out += "To: <" + mail.toAddress + ">\r\n";
    out += "Subject: " + headerText(mail.subject) + "\r\n";
    out += "Date: " + date + "\r\n";
    out += "Message-ID: <" + mail.messageId + ">\r\n";
    if (!mail.inReplyTo.empty()) out += "In-Reply-To: <" + mail.inReplyTo + ">\r\n";
    if (!mail.references.empty()) {
        out += "References:";
        for (const std::string& id : mail.references) out += " <" + id + ">\r\n";
        out.erase(out.size() - 2);  // the last line break is the header's own
        out += "\r\n";
    }
    if (!mail.unsubscribeUrl.empty()) {
        const bool clean = std::all_of(mail.unsubscribeUrl.begin(), mail.unsubscribeUrl.end(), [](char c) {
            return c > ' ' && c < 0x7f && c != '<' && c != '>';
        });
        if (!clean) throw InvalidAddress("the unsubscribe address is not one URL of printable characters");
        // RFC 8058: a mail client offers "unsubscribe" and POSTs the second header's body to the address itself.
        out += "List-Unsubscribe: <" + mail.unsubscribeUrl + ">\r\n";
        out += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
    }
    if (mail.autoReply) {
        // RFC 3834: marks it so other responders stay silent; Microsoft servers honour the suppress header.
        out += "Auto-Submitted: auto-replied\r\n";
        out += "X-Auto-Response-Suppress: All\r\n";
    }
    out += "MIME-Version: 1.0\r\n";

    const std::string alternative = boundary();
    std::string body;
    body += "Content-Type: multipart/alternative; boundary=\"" + alternative + "\"\r\n\r\n";
    body += "--" + alternative + "\r\n";
    body += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    body += encodeBase64(sanitizeUtf8(mail.text)) + "\r\n";
    body += "--" + alternative + "\r\n";
    body += "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    body += encodeBase64("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" +
                         htmlEscape(sanitizeUtf8(mail.text)) + "</body></html>") + "\r\n";
    body += "--" + alternative + "--\r\n";

    if (mail.attachments.empty()) {
        out += body;
        return out;
    }
    const std::string mixed = boundary();
    out += "Content-Type: multipart/mixed; boundary=\"" + mixed + "\"\r\n\r\n";
    out += "--" + mixed + "\r\n" + body;
    for (const OutgoingAttachment& a : mail.attachments) {
        std::string type = a.mimeType.empty() ? "application/octet-stream" : a.mimeType;
        for (char& c : type) {
            if (c == '\r' || c == '\n' || c == ';' || c == '"') c = '_';
        }
        out += "--" + mixed + "\r\n";
        out += "Content-Type: " + type + "; name=\"" + headerText(a.name) + "\"\r\n";
        out += "Content-Disposition: attachment; " + filenameParams(a.name) + "\r\n";
        out += "Content-Transfer-Encoding: base64\r\n\r\n";
        out += encodeBase64(a.bytes) + "\r\n";
    }
    out += "--" + mixed + "--\r\n";
    return out;
}

}  // namespace omnigate::email
