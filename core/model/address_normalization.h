// One spelling per address, so that "Anna@Example.com" and "anna@example.com", or "+7 (912) 345-67-89" and
// "79123456789", are the same client, the same black-list entry and the same search hit.
#pragma once

#include "omnigate/sdk/messages.h"

namespace omnigate {

// email: trimmed and lower-cased; phone and whatsapp: '+' followed by the digits only; others: trimmed.
Address normalizeAddress(Address address);

}  // namespace omnigate
