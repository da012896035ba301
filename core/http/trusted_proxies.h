// Whose word on the client's address the daemon takes. Rate limits per client IP are only as good as that address:
// X-Forwarded-For is written by whoever sends the request, so it is believed only when the peer is a reverse proxy
// the operator named (http.trusted_proxies), and then only the part such proxies appended.
#pragma once

#include <Poco/Net/IPAddress.h>

#include <string>
#include <vector>

namespace omnigate {

class TrustedProxies {
public:
    // "10.0.0.7", "10.0.0.0/8", "fd00::/8"; throws std::invalid_argument for anything else.
    explicit TrustedProxies(const std::vector<std::string>& entries);

    bool trusts(const Poco::Net::IPAddress& address) const;
    // The peer's address, unless the peer is a trusted proxy: then the right-most address in X-Forwarded-For that
    // is not a trusted proxy (anything left of it the client wrote itself). Where the header ends, or has
    // something that is not an address, the last trusted address read stands.
    std::string clientIp(const Poco::Net::IPAddress& peer, const std::string& forwardedFor) const;

private:
    struct Network {
        Poco::Net::IPAddress address;
        Poco::Net::IPAddress mask;
    };
    std::vector<Network> networks_;
};

}  // namespace omnigate
