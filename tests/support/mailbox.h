// Mail as a mail client meets it, against scripts/services.sh's private Dovecot (IMAP) and SMTP receiver: a mail
// put into any address's INBOX by IMAP APPEND or sent by SMTP, and every mail of a mailbox fetched back over IMAP,
// logged in as that address through Dovecot's master user (every address has a mailbox). Through curl, as a real
// client; the email channel's and the mailings' end-to-end tests read what omnigate sent this way.
#pragma once

#include <string>
#include <vector>

namespace omnigate::test {

// Runs a command line of the test's own making (no outside input) and returns its standard output; throws when it
// fails.
std::string runCommand(const std::string& command);

// Dovecot's master password ($OMNIGATE_MAIL_MASTER_PASSWORD, services.sh's default otherwise).
std::string mailMasterPassword();
// imap://127.0.0.1:$OMNIGATE_IMAP_PORT/<folder>
std::string imapBase(const std::string& folder = "INBOX");
// curl's -u value that logs in as `user` through the master user, quoted for the shell.
std::string imapLoginAs(const std::string& user);

// IMAP APPEND into `user`'s INBOX, as a mail server's delivery would.
void appendMail(const std::string& user, const std::string& raw);
// Real SMTP to the receiver (as demo@omnigate.test), which delivers into Dovecot.
void sendBySmtp(const std::string& from, const std::string& to, const std::string& raw);

std::vector<int> searchUids(const std::string& user, const std::string& criteria, const std::string& folder = "INBOX");
// Every mail in `user`'s INBOX, oldest first, as the raw text a mail program reads.
std::vector<std::string> mailbox(const std::string& user);

// The unfolded value of a header of a raw mail; empty when it has none.
std::string mailHeader(const std::string& raw, const std::string& name);
// The encoded words of a header value (RFC 2047, B or Q), decoded and joined; what is around them is dropped.
std::string decodeUtf8Words(const std::string& value);

struct MailPart {
    std::string contentType;  // as the part's header says it, e.g. "text/plain; charset=UTF-8"
    std::string fileName;     // of an attachment; empty for the text
    std::string bytes;        // decoded from its transfer encoding
};
// The parts of a raw MIME mail (parsed by POCO's MailMessage), the text and every attachment.
std::vector<MailPart> mailParts(const std::string& raw);

}  // namespace omnigate::test
