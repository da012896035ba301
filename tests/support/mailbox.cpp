#include "support/mailbox.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/test_env.h"

namespace omnigate::test {

namespace {

std::string writeTemp(const std::string& content) {
    const std::string path = Poco::TemporaryFile::tempName() + ".eml";
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

// Every part, in order: the text of the mail and its attachments, each decoded by MailMessage::read.
class CollectParts : public Poco::Net::PartHandler {
public:
    void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
        MailPart part;
        part.contentType = header.get("Content-Type", "");
        std::string disposition = header.get("Content-Disposition", "");
        std::string value;
        Poco::Net::NameValueCollection params;
        Poco::Net::MessageHeader::splitParameters(disposition, value, params);
        part.fileName = params.get("filename", "");
        Poco::StreamCopier::copyToString(stream, part.bytes);
        parts.push_back(std::move(part));
    }
    std::vector<MailPart> parts;
};

}  // namespace

std::string runCommand(const std::string& command) {
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
    std::array<char, 65536> buffer{};
    std::size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
    const int rc = pclose(pipe);
    if (rc != 0) throw std::runtime_error("`" + command + "` failed with status " + std::to_string(rc) + ": " + output);
    return output;
}

std::string mailMasterPassword() {
    const char* v = std::getenv("OMNIGATE_MAIL_MASTER_PASSWORD");
    return v != nullptr && *v != '\0' ? v : "omnigate-relay";
}

std::string imapBase(const std::string& folder) {
    return "imap://127.0.0.1:" + std::to_string(requireEnvInt("OMNIGATE_IMAP_PORT")) + "/" + folder;
}

std::string imapLoginAs(const std::string& user) { return "'" + user + "*relay:" + mailMasterPassword() + "'"; }

void appendMail(const std::string& user, const std::string& raw) {
    const std::string file = writeTemp(raw);
    runCommand("curl -sS --fail " + imapBase() + " -u " + imapLoginAs(user) + " -T " + file);
    std::remove(file.c_str());
}

void sendBySmtp(const std::string& from, const std::string& to, const std::string& raw) {
    const std::string file = writeTemp(raw);
    runCommand("curl -sS --fail smtp://127.0.0.1:" + std::to_string(requireEnvInt("OMNIGATE_SMTP_PORT")) +
               " --mail-from " + from + " --mail-rcpt " + to + " -u 'demo@omnigate.test:demo-password' -T " + file);
    std::remove(file.c_str());
}

std::vector<int> searchUids(const std::string& user, const std::string& criteria, const std::string& folder) {
    const std::string out = runCommand("curl -sS --fail " + imapBase(folder) + " -u " + imapLoginAs(user) +
                                       " -X 'UID SEARCH " + criteria + "'");
    std::vector<int> uids;
    std::istringstream in(out.substr(std::min(out.size(), out.find("SEARCH") + 6)));
    int uid;
    while (in >> uid) uids.push_back(uid);
    return uids;
}

std::vector<std::string> mailbox(const std::string& user) {
    std::vector<std::string> mails;
    for (const int uid : searchUids(user, "ALL")) {
        mails.push_back(
            runCommand("curl -sS --fail '" + imapBase() + ";UID=" + std::to_string(uid) + "' -u " + imapLoginAs(user)));
    }
    return mails;
}

std::string mailHeader(const std::string& raw, const std::string& name) {
    const std::string key = "\r\n" + name + ":";
    std::size_t pos = ("\r\n" + raw).find(key);
    if (pos == std::string::npos) return "";
    pos += key.size() - 2;
    std::string value;
    while (pos < raw.size()) {
        const std::size_t end = raw.find("\r\n", pos);
        value += raw.substr(pos, end - pos);
        pos = end + 2;
        if (end == std::string::npos || pos >= raw.size() || (raw[pos] != ' ' && raw[pos] != '\t')) break;
    }
    return value;
}

std::string decodeUtf8Words(const std::string& value) {
    std::string out;
    std::size_t pos = 0;
    while ((pos = value.find("=?", pos)) != std::string::npos) {
        const std::size_t charsetEnd = value.find('?', pos + 2);
        if (charsetEnd == std::string::npos || charsetEnd + 2 >= value.size() || value[charsetEnd + 2] != '?') break;
        const char encoding = static_cast<char>(std::toupper(static_cast<unsigned char>(value[charsetEnd + 1])));
        const std::size_t start = charsetEnd + 3;
        const std::size_t end = value.find("?=", start);
        if (end == std::string::npos) break;
        const std::string word = value.substr(start, end - start);
        if (encoding == 'B') {
            std::istringstream in(word);
            Poco::Base64Decoder decoder(in);
            out += std::string(std::istreambuf_iterator<char>(decoder), {});
        } else {
            // RFC 2047 Q: '_' is a space, =XX a byte.
            for (std::size_t i = 0; i < word.size(); ++i) {
                if (word[i] == '_') {
                    out += ' ';
                } else if (word[i] == '=' && i + 2 < word.size()) {
                    out += static_cast<char>(std::stoi(word.substr(i + 1, 2), nullptr, 16));
                    i += 2;
                } else {
                    out += word[i];
                }
            }
        }
        pos = end + 2;
    }
    return out;
}

std::vector<MailPart> mailParts(const std::string& raw) {
    std::istringstream in(raw);
    CollectParts handler;
    Poco::Net::MailMessage message;
    message.read(in, handler);
    return handler.parts;
}

}  // namespace omnigate::test
