#include "omnigate/sdk/secrets.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

namespace omnigate {

namespace {

// Poco::HMACEngine wants the block and digest sizes as constants, which SHA2Engine (all four widths) lacks.
class Sha256Engine : public Poco::SHA2Engine {
public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

}  // namespace

bool constantTimeEquals(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::string webhookSignature(const std::string& secret, const std::string& timestamp, const std::string& body) {
    Poco::HMACEngine<Sha256Engine> hmac(secret);
    hmac.update(timestamp);
    hmac.update('.');
    hmac.update(body);
    return "sha256=" + Poco::DigestEngine::digestToHex(hmac.digest());
}

}  // namespace omnigate
