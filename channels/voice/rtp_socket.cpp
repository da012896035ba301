#include "rtp_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

namespace omnigate::voice {

namespace {

std::uint32_t randomWord() {
    static thread_local std::mt19937 generator{std::random_device{}()};
    return generator();
}

}  // namespace

std::unique_ptr<RtpSocket> RtpSocket::open(const std::string& address, int minPort, int maxPort, int& cursor) {
    const int firstEven = minPort + (minPort & 1);
    const int count = (maxPort - firstEven) / 2 + 1;
    if (count <= 0) return nullptr;
    for (int attempt = 0; attempt < count; ++attempt) {
        const int port = firstEven + 2 * ((cursor + attempt) % count);
        const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) return nullptr;
        sockaddr_in local{};
        local.sin_family = AF_INET;
        local.sin_port = htons(static_cast<std::uint16_t>(port));
        ::inet_pton(AF_INET, address.c_str(), &local.sin_addr);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0) {
            cursor = (cursor + attempt + 1) % count;
            return std::unique_ptr<RtpSocket>(new RtpSocket(fd, port));
        }
        ::close(fd);
    }
    return nullptr;
}

RtpSocket::RtpSocket(int fd, int port)
    : fd_(fd),
      port_(port),
      sequence_(static_cast<std::uint16_t>(randomWord())),
      timestamp_(randomWord()),
      ssrc_(randomWord()),
      lastHeard_(std::chrono::steady_clock::now()) {}

RtpSocket::~RtpSocket() { ::close(fd_); }

void RtpSocket::setRemote(const std::string& address, int port, int payloadType) {
    payloadType_ = payloadType;
    latched_ = false;
    remote_ = {};
    remote_.sin_family = AF_INET;
    remote_.sin_port = htons(static_cast<std::uint16_t>(port));
    // 0.0.0.0 is the old way to put a call on hold: keep the socket, send nothing.
    haveRemote_ = ::inet_pton(AF_INET, address.c_str(), &remote_.sin_addr) == 1 && remote_.sin_addr.s_addr != 0 &&
                  port > 0;
}

std::size_t RtpSocket::receive(const std::function<void(const std::uint8_t*, std::size_t)>& sink) {
    std::size_t accepted = 0;
    std::uint8_t buffer[2048];
    for (int i = 0; i < 256; ++i) {  // bounded: a flood on one socket must not starve the others
        sockaddr_in from{};
        socklen_t length = sizeof from;
        const ssize_t n = ::recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length);
        if (n < 0) break;
        const bool sameHost = haveRemote_ && from.sin_addr.s_addr == remote_.sin_addr.s_addr;
        const bool samePort = from.sin_port == remote_.sin_port;
        const std::uint8_t* payload = nullptr;
        std::size_t payloadSize = 0;
        if (!sameHost || (latched_ && !samePort) ||
            !rtpPayload(buffer, static_cast<std::size_t>(n), payloadType_, payload, payloadSize)) {
            ++dropped_;
            continue;
        }
        if (!latched_) {
            remote_.sin_port = from.sin_port;
            latched_ = true;
        }
        lastHeard_ = std::chrono::steady_clock::now();
        ++accepted;
        sink(payload, payloadSize);
    }
    return accepted;
}

void RtpSocket::send(const std::string& payload) {
    if (!haveRemote_ || payload.empty()) return;
    std::string packet(12, '\0');
    packet[0] = static_cast<char>(0x80);
    packet[1] = static_cast<char>((first_ ? 0x80 : 0) | (payloadType_ & 0x7F));
    packet[2] = static_cast<char>(sequence_ >> 8);
    packet[3] = static_cast<char>(sequence_ & 0xFF);
    for (int i = 0; i < 4; ++i) {
        packet[4 + i] = static_cast<char>(timestamp_ >> (24 - 8 * i));
        packet[8 + i] = static_cast<char>(ssrc_ >> (24 - 8 * i));
    }
    packet += payload;
    ::sendto(fd_, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&remote_), sizeof remote_);
    first_ = false;
    ++sequence_;
    timestamp_ += static_cast<std::uint32_t>(payload.size());
}

}  // namespace omnigate::voice
