#include "imap_client.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <sstream>

#include "mime_text.h"

namespace omnigate::email {

namespace {

constexpr std::size_t maxLineBytes = 1 << 20;  // a server's single line: SEARCH results of huge mailboxes fit

bool startsWithNoCase(const std::string& s, const std::string& prefix) {
    return s.size() >= prefix.size() && toLower(s.substr(0, prefix.size())) == toLower(prefix);
}

// The number after `key` in `text` ("UIDVALIDITY 123"), or nothing.
std::optional<std::uint64_t> numberAfter(const std::string& text, const std::string& key) {
    const std::string upper = toLower(text);
    const std::size_t pos = upper.find(toLower(key));
    if (pos == std::string::npos) return std::nullopt;
    std::size_t i = pos + key.size();
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
    std::uint64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && n < (1ULL << 40)) n = n * 10 + (text[i++] - '0');
    return n;
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
    : endpoint_(endpoint), tlsVerify_(tlsVerify), timeout_(timeout) {}

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

bool ImapClient::fill() {
    if (bufferPos_ > 0 && bufferPos_ >= buffer_.size()) {
        buffer_.clear();
        bufferPos_ = 0;
    } else if (bufferPos_ > (1 << 20)) {
        buffer_.erase(0, bufferPos_);
        bufferPos_ = 0;
    }
    char chunk[65536];
    const int n = socket_.receiveBytes(chunk, sizeof(chunk));
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
}

std::string ImapClient::readLine() {
    while (true) {
        const std::size_t nl = buffer_.find('\n', bufferPos_);
        if (nl != std::string::npos) {
            std::string line = buffer_.substr(bufferPos_, nl - bufferPos_);
            bufferPos_ = nl + 1;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return line;
        }
        if (buffer_.size() - bufferPos_ > maxLineBytes) throw ImapError("the IMAP server sent an over-long line");
        if (!fill()) throw ImapError("the IMAP server closed the connection");
    }
}

void ImapClient::readExact(std::size_t n, std::string* into) {
    while (n > 0) {
        if (bufferPos_ >= buffer_.size() && !fill()) throw ImapError("the IMAP server closed the connection");
        const std::size_t take = std::min(n, buffer_.size() - bufferPos_);
        if (into != nullptr) into->append(buffer_, bufferPos_, take);
        bufferPos_ += take;
        n -= take;
    }
}

ImapClient::Response ImapClient::readResponse(std::size_t maxLiteral) {
    Response response;
    while (true) {
        std::string line = readLine();
        // A literal: "{123}" (or "{123+}") at the end of the line, then exactly that many bytes.
        if (!line.empty() && line.back() == '}') {
            const std::size_t open = line.rfind('{');
            if (open != std::string::npos) {
                std::string digits = line.substr(open + 1, line.size() - open - 2);
                if (!digits.empty() && digits.back() == '+') digits.pop_back();
                if (!digits.empty() && digits.size() <= 12 && digits.find_first_not_of("0123456789") == std::string::npos) {
                    const std::uint64_t n = std::stoull(digits);
                    response.text += line;
                    std::string literal;
                    if (n <= maxLiteral) {
                        literal.reserve(static_cast<std::size_t>(n));
                        readExact(static_cast<std::size_t>(n), &literal);
                    } else {
                        // Kept in step with the server, but not in memory.
                        readExact(static_cast<std::size_t>(n), nullptr);
                        response.literalTruncated = true;
                    }
                    response.literals.push_back(std::move(literal));
                    continue;
                }
            }
        }
        response.text += line;
        return response;
    }
}

std::vector<ImapClient::Response> ImapClient::command(const std::string& cmd, std::size_t maxLiteral,
                                                      const std::string& continuation) {
    const std::string tag = nextTag();
    send(tag + " " + cmd + "\r\n");
    std::vector<Response> untagged;
    while (true) {
        Response r = readResponse(maxLiteral);
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
        const std::string greeting = readLine();
        if (!startsWithNoCase(greeting, "* OK") && !startsWithNoCase(greeting, "* PREAUTH")) {
            throw ImapError("the IMAP server greeted with: " + greeting.substr(0, 200));
        }
        command("CAPABILITY");
        if (endpoint_.tls == TlsMode::StartTls) {
            if (!hasCapability("STARTTLS")) {
                throw ImapError("the IMAP server offers no STARTTLS; use imaps:// or, on loopback only, allow_plaintext");
            }
            command("STARTTLS");
            buffer_.clear();  // nothing read before TLS may be trusted after it (RFC 3501 6.2.1)
            bufferPos_ = 0;
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
    SelectedMailbox selected;
    for (const Response& r : command("SELECT " + imapQuote(mailbox))) {
        if (const auto v = numberAfter(r.text, "[UIDVALIDITY")) selected.uidValidity = static_cast<std::uint32_t>(*v);
        if (const auto v = numberAfter(r.text, "[UIDNEXT")) selected.uidNext = static_cast<std::uint32_t>(*v);
        const std::string lower = toLower(r.text);
        if (lower.size() > 7 && lower.compare(lower.size() - 7, 7, " exists") == 0) {
            if (const auto v = numberAfter(r.text, "* ")) selected.exists = static_cast<std::uint32_t>(*v);
        }
    }
    if (selected.uidValidity == 0) throw ImapError("the IMAP server gave no UIDVALIDITY for " + mailbox);
    return selected;
}

std::vector<std::uint32_t> ImapClient::search(const std::string& criteria) {
    std::vector<std::uint32_t> uids;
    for (const Response& r : command("UID SEARCH " + criteria)) {
        if (!startsWithNoCase(r.text, "* SEARCH")) continue;
        std::istringstream in(r.text.substr(8));
        std::string word;
        while (in >> word) {
            if (word.find_first_not_of("0123456789") != std::string::npos || word.size() > 10) continue;
            const unsigned long v = std::stoul(word);
            if (v > 0 && v <= 0xFFFFFFFFUL) uids.push_back(static_cast<std::uint32_t>(v));
        }
    }
    std::sort(uids.begin(), uids.end());
    uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
    return uids;
}

std::optional<FetchedMail> ImapClient::fetch(std::uint32_t uid, std::size_t maxBytes) {
    const std::string id = std::to_string(uid);
    std::uint64_t size = 0;
    bool found = false;
    for (const Response& r : command("UID FETCH " + id + " (UID RFC822.SIZE)")) {
        const auto u = numberAfter(r.text, "UID");
        if (!u || *u != uid) continue;
        found = true;
        size = numberAfter(r.text, "RFC822.SIZE").value_or(0);
    }
    if (!found) return std::nullopt;
    FetchedMail mail;
    mail.uid = uid;
    mail.size = size;
    mail.headerOnly = size > maxBytes;
    const std::string item = mail.headerOnly ? "BODY.PEEK[HEADER]" : "BODY.PEEK[]";
    for (Response& r : command("UID FETCH " + id + " (UID " + item + ")", maxBytes + 4096)) {
        const auto u = numberAfter(r.text, "UID");
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
        const Response r = readResponse(1 << 16);
        if (r.text.compare(0, 1, "+") == 0) break;
        if (r.text.compare(0, tag.size() + 1, tag + " ") == 0) throw ImapError("IMAP IDLE refused: " + r.text.substr(0, 200));
        if (startsWithNoCase(r.text, "* BYE")) throw ImapError("the IMAP server said: " + r.text);
    }
    bool changed = false;
    const auto deadline = std::chrono::steady_clock::now() + maxWait;
    while (!stop && !changed && std::chrono::steady_clock::now() < deadline) {
        if (bufferPos_ >= buffer_.size() && !socket_.poll(Poco::Timespan(0, 250000), Poco::Net::Socket::SELECT_READ)) {
            continue;
        }
        const Response r = readResponse(1 << 16);
        if (startsWithNoCase(r.text, "* BYE")) throw ImapError("the IMAP server said: " + r.text);
        const std::string lower = toLower(r.text);
        if (lower.find(" exists") != std::string::npos || lower.find(" recent") != std::string::npos) changed = true;
    }
    send("DONE\r\n");
    while (true) {
        const Response r = readResponse(1 << 16);
        if (r.text.compare(0, tag.size() + 1, tag + " ") == 0) {
            if (!startsWithNoCase(r.text.substr(tag.size() + 1), "OK")) throw ImapError("IMAP IDLE ended with: " + r.text.substr(0, 200));
            break;
        }
        if (startsWithNoCase(r.text, "* BYE")) throw ImapError("the IMAP server said: " + r.text);
        const std::string lower = toLower(r.text);
        if (lower.find(" exists") != std::string::npos) changed = true;
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
