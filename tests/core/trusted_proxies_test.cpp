#include "http/trusted_proxies.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace omnigate {
namespace {

Poco::Net::IPAddress ip(const std::string& text) { return Poco::Net::IPAddress(text); }

TEST(TrustedProxies, WithNoneTheHeaderIsIgnored) {
    const TrustedProxies none({});
    EXPECT_EQ(none.clientIp(ip("203.0.113.9"), "198.51.100.1"), "203.0.113.9");
}

TEST(TrustedProxies, AnUntrustedPeerCannotNameAnotherClient) {
    const TrustedProxies proxies({"10.0.0.7"});
    EXPECT_EQ(proxies.clientIp(ip("203.0.113.9"), "198.51.100.1"), "203.0.113.9");
}

TEST(TrustedProxies, ATrustedPeerNamesTheClient) {
    const TrustedProxies proxies({"10.0.0.7"});
    EXPECT_EQ(proxies.clientIp(ip("10.0.0.7"), "198.51.100.1"), "198.51.100.1");
    EXPECT_EQ(proxies.clientIp(ip("10.0.0.7"), ""), "10.0.0.7") << "no header: the proxy itself";
}

TEST(TrustedProxies, WhatTheClientWroteItselfIsIgnored) {
    const TrustedProxies proxies({"10.0.0.0/8"});
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw.
    EXPECT_EQ(proxies.clientIp(ip("10.0.0.7"), "1.2.3.4, 198.51.100.1"), "198.51.100.1");
    // Two proxies in a row, both trusted.
    EXPECT_EQ(proxies.clientIp(ip("10.0.0.7"), "1.2.3.4, 198.51.100.1, 10.0.0.8"), "198.51.100.1");
}

TEST(TrustedProxies, GarbageStopsTheWalkAtTheLastTrustedAddress) {
    const TrustedProxies proxies({"10.0.0.0/8"});
    EXPECT_EQ(proxies.clientIp(ip("10.0.0.7"), "not-an-address"), "10.0.0.7");
    EXPECT_EQ(proxies.clientIp(ip("10.0.0.7"), "198.51.100.1, 10.0.0.8, unknown"), "10.0.0.7");
}

TEST(TrustedProxies, MatchesNetworksOfBothFamilies) {
    const TrustedProxies proxies({"192.168.0.0/16", "fd00::/8", "::1"});
    EXPECT_TRUE(proxies.trusts(ip("192.168.44.3")));
    EXPECT_FALSE(proxies.trusts(ip("192.169.0.1")));
    EXPECT_TRUE(proxies.trusts(ip("fd12::5")));
    EXPECT_FALSE(proxies.trusts(ip("fe80::1")));
    EXPECT_TRUE(proxies.trusts(ip("::1")));
    EXPECT_FALSE(proxies.trusts(ip("127.0.0.1")));
}

TEST(TrustedProxies, AnIPv4ClientOfADualStackListenerIsKeyedAsIPv4) {
    const TrustedProxies proxies({"10.0.0.7"});
    EXPECT_TRUE(proxies.trusts(ip("::ffff:10.0.0.7")));
    EXPECT_EQ(TrustedProxies({}).clientIp(ip("::ffff:203.0.113.9"), ""), "203.0.113.9");
}

TEST(TrustedProxies, RefusesWhatIsNoAddress) {
    EXPECT_THROW(TrustedProxies({"proxy.example.com"}), std::invalid_argument);
    EXPECT_THROW(TrustedProxies({"10.0.0.0/33"}), std::invalid_argument);
    EXPECT_THROW(TrustedProxies({"10.0.0.0/"}), std::invalid_argument);
}

}  // namespace
}  // namespace omnigate
