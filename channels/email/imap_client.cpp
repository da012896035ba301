#include "imap_client.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>

#include <sstream>

#include "mime_text.h"

namespace omnigate::email {

namespace {

bool startsWithNoCase(const std::string& s, const std::string& prefix) {
    return s.size() >= prefix.size() && toLower(s.substr(0, prefix.size())) == toLower(prefix);
}

}  // namespace

std::string imapQuote(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\r' || c == '\n') continue;
        out += c;
    }
    return out + "\"";
}

ImapClient::ImapClient(const ServerEndpoint& endpoint, bool tlsVerify, std::chrono::seconds timeout)
    : endpoint_(endpoint),
      tlsVerify_(tlsVerify),
      timeout_(timeout),
      reader_([this](std::string& buffer) {
          char chunk[65536];
          const int n = socket_.receiveBytes(chunk, sizeof(chunk));
          if (n <= 0) return false;
          buffer.append(chunk, static_cast<std::size_t>(n));
          return true;
      }) {}

ImapClient::~ImapClient() {
    try {
        if (connected_) socket_.close();
    } catch (...) {
    }
}

std::string ImapClient::nextTag() { return "og" + std::to_string(++tagCounter_); }

void ImapClient::send(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const int n = socket_.sendBytes(data.data() + sent, static_cast<int>(data.size() - sent));
        if (n <= 0) throw ImapError("the IMAP connection closed while sending");
        sent += static_cast<std::size_t>(n);
    }
}

std::vector<ImapResponse> ImapClient::command(const std::string& cmd, std::size_t maxLiteral,
                                                      const std::string& continuation) {
    const std::string tag = nextTag();
    send(tag + " " + cmd + "\r\n");
    std::vector<ImapResponse> untagged;
    while (true) {
        ImapResponse r = reader_.read(maxLiteral);
        if (r.text.compare(0, 2, "* ") == 0) {
            if (startsWithNoCase(r.text, "* BYE")) throw ImapError("the IMAP server said: " + r.text);
            if (startsWithNoCase(r.text, "* CAPABILITY ")) parseCapabilities(r.text.substr(13));
            untagged.push_back(std::move(r));
            continue;
        }
        if (r.text.compare(0, 1, "+") == 0) {
            if (continuation.empty()) {
                send("*\r\n");  // cancels an authentication we cannot continue
            } else {
                send(continuation + "\r\n");
            }
            continue;
        }
        if (r.text.compare(0, tag.size() + 1, tag + " ") == 0) {
            const std::string status = r.text.substr(tag.size() + 1);
            if (!startsWithNoCase(status, "OK")) {
                // The command word only: never echo arguments (LOGIN carries the password).
                throw ImapError("IMAP " + cmd.substr(0, cmd.find(' ')) + " failed: " + status.substr(0, 300));
            }
            const std::size_t cap = toLower(status).find("[capability ");
            if (cap != std::string::npos) {
                const std::size_t end = status.find(']', cap);
                parseCapabilities(status.substr(cap + 12, end == std::string::npos ? std::string::npos : end - cap - 12));
            }
            return untagged;
        }
        // Anything else is a protocol error from this server.
        throw ImapError("unexpected IMAP response: " + r.text.substr(0, 200));
    }
}

void ImapClient::parseCapabilities(const std::string& text) {
    capabilities_.clear();
    std::istringstream in(text);
    std::string word;
    while (in >> word && capabilities_.size() < 200) capabilities_.insert(toLower(word));
}

bool ImapClient::hasCapability(const std::string& name) const { return capabilities_.count(toLower(name)) > 0; }

void ImapClient::connect() {
    const Poco::Timespan timeout(static_cast<long>(timeout_.count()), 0);
    try {
        if (endpoint_.tls != TlsMode::None) {
            context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                              tlsVerify_ ? Poco::Net::Context::VERIFY_RELAXED
                                                         : Poco::Net::Context::VERIFY_NONE,
                                              9, true);
        }
        const Poco::Net::SocketAddress address(endpoint_.host, endpoint_.port);
        if (endpoint_.tls == TlsMode::Implicit) {
            Poco::Net::SecureStreamSocket secure(context_);
            secure.setPeerHostName(endpoint_.host);
            secure.connect(address, timeout);
            socket_ = secure;
        } else {
            socket_.connect(address, timeout);
        }
        connected_ = true;
        socket_.setReceiveTimeout(timeout);
        socket_.setSendTimeout(timeout);
        socket_.setNoDelay(true);
        const std::string greeting = reader_.readLine();
        if (!startsWithNoCase(greeting, "* OK") && !startsWithNoCase(greeting, "* PREAUTH")) {
            throw ImapError("the IMAP server greeted with: " + greeting.substr(0, 200));
        }
        command("CAPABILITY");
        if (endpoint_.tls == TlsMode::StartTls) {
            if (!hasCapability("STARTTLS")) {
                throw ImapError("the IMAP server offers no STARTTLS; use imaps:// or, on loopback only, allow_plaintext");
            }
            command("STARTTLS");
            reader_.clear();  // nothing read before TLS may be trusted after it (RFC 3501 6.2.1)
            socket_ = Poco::Net::SecureStreamSocket::attach(socket_, endpoint_.host, context_);
            command("CAPABILITY");
        }
    } catch (const ImapError&) {
        throw;
    } catch (const Poco::Exception& e) {
        throw ImapError("cannot reach the IMAP server " + endpoint_.host + ":" + std::to_string(endpoint_.port) + ": " +
                        e.displayText());
    }
}

void ImapClient::login() {
    if (hasCapability("LOGINDISABLED") && !hasCapability("AUTH=PLAIN")) {
        throw ImapError("the IMAP server refuses LOGIN on this connection (LOGINDISABLED): use TLS");
    }
    if (hasCapability("AUTH=PLAIN")) {
        const std::string token = encodeBase64(std::string(1, '\0') + endpoint_.user + std::string(1, '\0') + endpoint_.password, 0);
        if (hasCapability("SASL-IR")) {
            command("AUTHENTICATE PLAIN " + token);
        } else {
            command("AUTHENTICATE PLAIN", 1 << 16, token);
        }
    } else {
        command("LOGIN " + imapQuote(endpoint_.user) + " " + imapQuote(endpoint_.password));
    }
    command("CAPABILITY");
}

SelectedMailbox ImapClient::select(const std::string& mailbox) {
    return selectedMailboxOf(command("SELECT " + imapQuote(mailbox)), mailbox);
}

std::vector<std::uint32_t> ImapClient::search(const std::string& criteria) {
    return searchUidsOf(command("UID SEARCH " + criteria));
}

std::optional<FetchedMail> ImapClient::fetch(std::uint32_t uid, std::size_t maxBytes) {
    const std::string id = std::to_string(uid);
    std::uint64_t size = 0;
    bool found = false;
    for (const ImapResponse& r : command("UID FETCH " + id + " (UID RFC822.SIZE)")) {
        const auto u = imapNumberAfter(r.text, "UID");
        if (!u || *u != uid) continue;
        found = true;
        size = imapNumberAfter(r.text, "RFC822.SIZE").value_or(0);
    }
    if (!found) return std::nullopt;
    FetchedMail mail;
    mail.uid = uid;
    mail.size = size;
    mail.headerOnly = size > maxBytes;
    const std::string item = mail.headerOnly ? "BODY.PEEK[HEADER]" : "BODY.PEEK[]";
    for (ImapResponse& r : command("UID FETCH " + id + " (UID " + item + ")", maxBytes + 4096)) {
        const auto u = imapNumberAfter(r.text, "UID");
        if (!u || *u != uid || r.literals.empty()) continue;
        if (r.literalTruncated) {
            mail.headerOnly = true;  // larger than announced: keep nothing rather than a cut mail
            continue;
        }
        mail.raw = std::move(r.literals.back());
        return mail;
    }
    if (mail.headerOnly) return mail;
    return std::nullopt;
}

void ImapClient::markSeen(std::uint32_t uid) { command("UID STORE " + std::to_string(uid) + " +FLAGS.SILENT (\\Seen)"); }

void ImapClient::moveTo(std::uint32_t uid, const std::string& folder) {
    const std::string id = std::to_string(uid);
    const std::string verb = hasCapability("MOVE") ? "UID MOVE " : "UID COPY ";
    try {
        command(verb + id + " " + imapQuote(folder));
    } catch (const ImapError& e) {
        // RFC 3501 6.4.7: [TRYCREATE] says the folder is merely missing; it is ours to create.
        if (toLower(e.what()).find("trycreate") == std::string::npos) throw;
        command("CREATE " + imapQuote(folder));
        command(verb + id + " " + imapQuote(folder));
    }
    if (verb == "UID MOVE ") return;
    command("UID STORE " + id + " +FLAGS.SILENT (\\Seen \\Deleted)");
    if (hasCapability("UIDPLUS")) command("UID EXPUNGE " + id);
}

void ImapClient::noop() { command("NOOP"); }

bool ImapClient::idle(std::chrono::seconds maxWait, const std::atomic<bool>& stop) {
    const std::string tag = nextTag();
    send(tag + " IDLE\r\n");
    while (true) {
        const ImapResponse r = reader_.read(1 << 16);
        if (r.text.compare(0, 1, "+") == 0) break;
        if (r.text.compare(0, tag.size() + 1, tag + " ") == 0) throw ImapError("IMAP IDLE refused: " + r.text.substr(0, 200));
        if (startsWithNoCase(r.text, "* BYE")) throw ImapError("the IMAP server said: " + r.text);
    }
    bool changed = false;
    const auto deadline = std::chrono::steady_clock::now() + maxWait;
    while (!stop && !changed && std::chrono::steady_clock::now() < deadline) {
        if (!reader_.buffered() && !socket_.poll(Poco::Timespan(0, 250000), Poco::Net::Socket::SELECT_READ)) {
            continue;
        }
        const ImapResponse r = reader_.read(1 << 16);
        if (startsWithNoCase(r.text, "* BYE")) throw ImapError("the IMAP server said: " + r.text);
        changed = announcesNewMail(r);
    }
    send("DONE\r\n");
    while (true) {
        const ImapResponse r = reader_.read(1 << 16);
        if (r.text.compare(0, tag.size() + 1, tag + " ") == 0) {
            if (!startsWithNoCase(r.text.substr(tag.size() + 1), "OK")) throw ImapError("IMAP IDLE ended with: " + r.text.substr(0, 200));
            break;
        }
        if (startsWithNoCase(r.text, "* BYE")) throw ImapError("the IMAP server said: " + r.text);
        changed = changed || announcesNewMail(r);
    }
    return changed;
}

void ImapClient::logout() noexcept {
    if (!connected_) return;
    try {
        socket_.setReceiveTimeout(Poco::Timespan(2, 0));
        command("LOGOUT");
    } catch (...) {
    }
    try {
        socket_.close();
    } catch (...) {
    }
    connected_ = false;
}

}  // namespace omnigate::email
