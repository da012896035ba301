// One call leg's RTP over UDP: a socket of its own on an even port, our outgoing stream (sequence, timestamp,
// SSRC), and the source rule for what comes in. Only packets from the address the peer's SDP named count; the
// first one latches its port (symmetric RTP, for peers behind NAT that send from another port than they announced)
// and from then on only that exact address and port is heard: injected or stray packets are dropped and counted.
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "rtp_payload.h"

namespace omnigate::voice {

class RtpSocket {
public:
    // A socket on the first free even port of [minPort, maxPort] from `cursor` on (which advances, so ports are
    // reused last); nothing when all are taken.
    static std::unique_ptr<RtpSocket> open(const std::string& address, int minPort, int maxPort, int& cursor);
    ~RtpSocket();
    RtpSocket(const RtpSocket&) = delete;
    RtpSocket& operator=(const RtpSocket&) = delete;

    int port() const { return port_; }
    // Where the peer's SDP says to send to (a re-INVITE may move it); forgets a latched port.
    void setRemote(const std::string& address, int port, int payloadType);
    int payloadType() const { return payloadType_; }

    // Reads every waiting datagram; `sink` gets the payloads of the accepted ones. Returns how many were accepted.
    std::size_t receive(const std::function<void(const std::uint8_t*, std::size_t)>& sink);
    // Sends one packet carrying `payload` (G.711: one byte per sample, so the timestamp advances by its size).
    void send(const std::string& payload);

    std::chrono::steady_clock::time_point lastHeard() const { return lastHeard_; }
    // The silence timeout counts from now (the call was just answered).
    void resetSilence() { lastHeard_ = std::chrono::steady_clock::now(); }
    std::uint64_t dropped() const { return dropped_; }

private:
    RtpSocket(int fd, int port);

    int fd_;
    int port_;
    sockaddr_in remote_{};
    bool haveRemote_ = false;
    bool latched_ = false;
    int payloadType_ = 0;
    std::uint16_t sequence_;
    std::uint32_t timestamp_;
    std::uint32_t ssrc_;
    bool first_ = true;
    std::chrono::steady_clock::time_point lastHeard_;
    std::uint64_t dropped_ = 0;
};

}  // namespace omnigate::voice
