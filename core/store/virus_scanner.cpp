#include "store/virus_scanner.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace omnigate {

namespace {

// clamd reads INSTREAM chunks of any size up to StreamMaxLength in all; 64 KiB keeps each write one syscall.
constexpr std::size_t kChunk = 64 * 1024;

Poco::Net::SocketAddress addressOf(const std::string& address) {
    if (address.rfind("unix:", 0) == 0) {
        return Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, address.substr(5));
    }
    return Poco::Net::SocketAddress(address);
}

void sendAll(Poco::Net::StreamSocket& socket, const char* data, std::size_t size) {
    while (size > 0) {
        const int sent = socket.sendBytes(data, static_cast<int>(std::min<std::size_t>(size, kChunk + 4)));
        if (sent <= 0) throw Poco::Net::NetException("clamd stopped reading");
        data += sent;
        size -= static_cast<std::size_t>(sent);
    }
}

std::string lengthPrefix(std::size_t length) {
    const auto n = static_cast<std::uint32_t>(length);
    return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8), static_cast<char>(n)};
}

}  // namespace

VirusScanner::VirusScanner(AntivirusConfig config) : config_(std::move(config)) {}

ScanVerdict VirusScanner::scan(const std::string& bytes) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config_.timeoutSeconds);
    std::string answer;
    try {
        Poco::Net::StreamSocket socket;
        socket.connect(addressOf(config_.address), Poco::Timespan(config_.timeoutSeconds, 0));
        socket.setSendTimeout(Poco::Timespan(config_.timeoutSeconds, 0));
        // The z prefix: the command and clamd's answer end with a NUL byte instead of a newline.
        sendAll(socket, "zINSTREAM", 10);
        for (std::size_t at = 0; at < bytes.size(); at += kChunk) {
            const std::size_t length = std::min(kChunk, bytes.size() - at);
            const std::string chunk = lengthPrefix(length) + bytes.substr(at, length);
            sendAll(socket, chunk.data(), chunk.size());
        }
        sendAll(socket, "\0\0\0\0", 4);  // a chunk of length zero ends the stream
        char buffer[512];
        while (answer.find('\0') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                                    std::chrono::steady_clock::now());
            if (left.count() <= 0) throw Poco::TimeoutException("no verdict in time");
            socket.setReceiveTimeout(Poco::Timespan(left.count() * 1000));
            const int n = socket.receiveBytes(buffer, sizeof buffer);
            if (n <= 0) break;
            answer.append(buffer, static_cast<std::size_t>(n));
        }
    } catch (const Poco::Exception& e) {
        // clamd closes the socket on a stream over its StreamMaxLength, so a partial answer may say why.
        if (answer.empty()) return {ScanVerdict::Outcome::Failed, "clamd at " + config_.address + ": " + e.displayText()};
    }
    answer = answer.substr(0, answer.find('\0'));
    // "stream: OK", "stream: Eicar-Test-Signature FOUND", "INSTREAM size limit exceeded. ERROR".
    const std::string prefix = "stream: ";
    if (answer == prefix + "OK") return {ScanVerdict::Outcome::Clean, ""};
    const std::string found = " FOUND";
    if (answer.rfind(prefix, 0) == 0 && answer.size() > prefix.size() + found.size() &&
        answer.compare(answer.size() - found.size(), found.size(), found) == 0) {
        return {ScanVerdict::Outcome::Infected, answer.substr(prefix.size(), answer.size() - prefix.size() - found.size())};
    }
    return {ScanVerdict::Outcome::Failed,
            "clamd at " + config_.address + " answered '" + (answer.empty() ? "nothing" : answer.substr(0, 200)) + "'"};
}

}  // namespace omnigate
