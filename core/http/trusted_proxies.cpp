#include "http/trusted_proxies.h"

#include <Poco/String.h>

#include <stdexcept>

namespace omnigate {

namespace {

// A v4 client of a dual-stack listener shows as ::ffff:a.b.c.d; compared and keyed as a.b.c.d.
Poco::Net::IPAddress plain(const Poco::Net::IPAddress& address) {
    if (address.family() == Poco::Net::IPAddress::IPv6 && address.isIPv4Mapped()) {
        const std::string text = address.toString();
        return Poco::Net::IPAddress(text.substr(text.rfind(':') + 1));
    }
    return address;
}

}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
    for (const std::string& entry : entries) {
        const std::size_t slash = entry.find('/');
        Poco::Net::IPAddress address;
        if (!Poco::Net::IPAddress::tryParse(entry.substr(0, slash), address)) {
            throw std::invalid_argument("'" + entry + "' is not an IP address or network");
        }
        address = plain(address);
        const unsigned bits = address.family() == Poco::Net::IPAddress::IPv4 ? 32 : 128;
        unsigned prefix = bits;
        if (slash != std::string::npos) {
            const std::string digits = entry.substr(slash + 1);
            if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos ||
                std::stoul(digits) > bits) {
                throw std::invalid_argument("'" + entry + "' has no valid prefix length");
            }
            prefix = static_cast<unsigned>(std::stoul(digits));
        }
        const Poco::Net::IPAddress mask(prefix, address.family());
        networks_.push_back({address & mask, mask});
    }
}

bool TrustedProxies::trusts(const Poco::Net::IPAddress& address) const {
    const Poco::Net::IPAddress candidate = plain(address);
    for (const Network& network : networks_) {
        if (candidate.family() == network.address.family() && (candidate & network.mask) == network.address) {
            return true;
        }
    }
    return false;
}

std::string TrustedProxies::clientIp(const Poco::Net::IPAddress& peer, const std::string& forwardedFor) const {
    Poco::Net::IPAddress client = plain(peer);
    if (!trusts(client)) return client.toString();
    std::size_t end = forwardedFor.size();
    while (end > 0) {
        const std::size_t comma = forwardedFor.rfind(',', end - 1);
        const std::size_t start = comma == std::string::npos ? 0 : comma + 1;
        Poco::Net::IPAddress hop;
        if (!Poco::Net::IPAddress::tryParse(Poco::trim(forwardedFor.substr(start, end - start)), hop)) break;
        client = plain(hop);
        if (!trusts(client)) break;
        if (comma == std::string::npos) break;
        end = comma;
    }
    return client.toString();
}

}  // namespace omnigate
