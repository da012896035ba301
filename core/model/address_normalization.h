// One spelling per address, so that "Anna@Example.com" and "anna@example.com", or "+7 (912) 345-67-89" and
// "79123456789", are the same client, the same black-list entry and the same search hit. The rule and the spelling
// are the SDK's (omnigate/sdk/address_rule.h), so that the plugins and the daemon cannot disagree on them.
#pragma once

#include <string>

#include "omnigate/sdk/address_rule.h"
#include "omnigate/sdk/messages.h"

namespace omnigate {

// The SDK's canonicalAddress(): email trimmed and lower-cased; phone and whatsapp '+' followed by the digits only;
// others trimmed.
Address normalizeAddress(Address address);

// `raw` normalized, after the SDK's addressProblem() (the one rule, shared with the plugins) found no fault with
// it; otherwise a 400 whose message begins with `field` ("'value' must not contain control characters…").
Address checkedAddress(const Address& raw, const std::string& field, AddressSource source);

}  // namespace omnigate
