// Random ids for things that must be unique but need not be unguessable: event ids, generated message ids.
// POCO's UUIDGenerator::createRandom opens /dev/urandom on every call, one open and close per event on the
// hottest path; this draws from a generator seeded once per thread by the system's entropy instead. Anything a
// stranger must not guess (tokens, session ids) keeps using a cryptographic source.
#pragma once

#include <string>

namespace omnigate {

// A version 4 UUID in its usual 36-character form.
std::string randomUuid();

}  // namespace omnigate
