#include "hub_signature.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include <cctype>

#include "omnigate/sdk/secrets.h"

namespace omnigate::whatsapp {

namespace {

// Poco::HMACEngine wants the block and digest sizes as constants, which SHA2Engine lacks.
class Sha256Engine : public Poco::SHA2Engine {
public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

}  // namespace

std::string hubSignature(const std::string& appSecret, const std::string& body) {
    Poco::HMACEngine<Sha256Engine> hmac(appSecret);
    hmac.update(body);
    return "sha256=" + Poco::DigestEngine::digestToHex(hmac.digest());
}

bool verifyHubSignature(const std::string& appSecret, const std::string& body, const std::string& header) {
    // Lower-casing the claim leaks nothing: it is the attacker's own input.
    std::string claimed = header;
    for (char& c : claimed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return constantTimeEquals(hubSignature(appSecret, body), claimed);
}

}  // namespace omnigate::whatsapp
