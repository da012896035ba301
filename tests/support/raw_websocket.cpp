#include "support/raw_websocket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace omnigate::test {

namespace {

using Clock = std::chrono::steady_clock;

int remainingMillis(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

int RawWebSocket::Frame::closeCode() const {
    if (opcode != 0x8 || payload.size() < 2) return 0;
    return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
}

RawWebSocket::RawWebSocket(int port, const std::string& target, int receiveBuffer, const std::string& protocol) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    if (receiveBuffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        const std::string error = std::strerror(errno);
        ::close(fd_);
        throw std::runtime_error("connect: " + error);
    }
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                "Sec-WebSocket-Version: 13\r\n" +
                                (protocol.empty() ? "" : "Sec-WebSocket-Protocol: " + protocol + "\r\n") + "\r\n";
    send(request);
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    std::size_t end = std::string::npos;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        pollfd p{fd_, POLLIN, 0};
        char chunk[4096];
        ssize_t n = 0;
        if (::poll(&p, 1, remainingMillis(deadline)) <= 0 || (n = ::recv(fd_, chunk, sizeof chunk, 0)) <= 0) {
            ::close(fd_);
            throw std::runtime_error("no answer to the WebSocket upgrade of " + target + ": " + buffer_);
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    const std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    if (head.rfind("HTTP/1.1 101", 0) != 0) {
        ::close(fd_);
        throw std::runtime_error("the upgrade of " + target + " was answered: " + head.substr(0, head.find("\r\n")));
    }
}

RawWebSocket::~RawWebSocket() {
    if (fd_ >= 0) ::close(fd_);
}

std::string RawWebSocket::frame(std::uint8_t opcode, const std::string& payload) {
    std::string bytes(1, static_cast<char>(0x80 | opcode));
    if (payload.size() < 126) {
        bytes.push_back(static_cast<char>(0x80 | payload.size()));
    } else {
        bytes.push_back(static_cast<char>(0x80 | 126));
        bytes.push_back(static_cast<char>((payload.size() >> 8) & 0xFF));
        bytes.push_back(static_cast<char>(payload.size() & 0xFF));
    }
    const char mask[4] = {0x0A, 0x1B, 0x2C, 0x3D};
    bytes.append(mask, 4);
    for (std::size_t i = 0; i < payload.size(); ++i) bytes.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    return bytes;
}

bool RawWebSocket::send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::optional<RawWebSocket::Frame> RawWebSocket::next(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (buffer_.size() >= 2) {
            const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(buffer_[i]); };
            std::size_t header = 2;
            std::uint64_t length = byte(1) & 0x7F;
            if (length >= 126) {
                const std::size_t bytes = length == 126 ? 2 : 8;
                if (buffer_.size() >= header + bytes) {
                    length = 0;
                    for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | byte(header + i);
                }
                header += bytes;
            }
            if (buffer_.size() >= header && buffer_.size() >= header + length) {
                Frame frame{static_cast<std::uint8_t>(byte(0) & 0x0F), buffer_.substr(header, length)};
                buffer_.erase(0, header + length);
                return frame;
            }
        }
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, remainingMillis(deadline)) <= 0) return std::nullopt;
        char chunk[65536];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) return std::nullopt;
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

std::optional<int> RawWebSocket::awaitClose(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        const std::optional<Frame> frame = next(std::chrono::milliseconds(remainingMillis(deadline)));
        if (!frame) return std::nullopt;
        if (frame->opcode == 0x8) return frame->closeCode();
    }
    return std::nullopt;
}

bool RawWebSocket::awaitEof(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, remainingMillis(deadline)) <= 0) return false;
        char chunk[65536];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) return true;
    }
}

}  // namespace omnigate::test
