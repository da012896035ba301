// A client: who the contact centre talks to, however they write. Addresses are unique across clients, so an
// address identifies exactly one client; after a merge the absorbed client is an alias of the surviving one.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "omnigate/sdk/messages.h"

namespace omnigate {

struct ClientAddress {
    std::int64_t id = 0;
    Address address;
};

struct Client {
    std::int64_t id = 0;
    std::string name;
    std::map<std::string, std::string> card;  // fields the business administrator defines
    std::vector<std::string> flags;           // "vip", …
    std::vector<ClientAddress> addresses;
    std::int64_t aliasOf = 0;                 // non-zero once merged into another client
    std::string createdAt;
    std::string updatedAt;
    int version = 1;
};

}  // namespace omnigate
