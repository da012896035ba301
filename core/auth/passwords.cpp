#include "auth/passwords.h"

#include <sodium.h>

#include <stdexcept>

#include "omnigate/sdk/api_error.h"

namespace omnigate::passwords {

namespace {

void initialise() {
    // Thread-safe and idempotent; fails only when the system has no randomness source.
    static const int result = sodium_init();
    if (result < 0) throw std::runtime_error("libsodium could not initialise (no randomness source?)");
}

}  // namespace

void checkPolicy(const std::string& password) {
    if (password.size() < kMinLength) {
        throw ApiError::badRequest("'password' must be at least " + std::to_string(kMinLength) + " characters");
    }
    if (password.size() > kMaxLength) {
        throw ApiError::badRequest("'password' must be at most " + std::to_string(kMaxLength) + " bytes");
    }
}

std::string hash(const std::string& password) {
    initialise();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        throw std::runtime_error("hashing a password failed: out of memory for argon2id");
    }
    return out;
}

bool verify(const std::string& stored, const std::string& password) {
    initialise();
    if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return false;
    return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

void verifyNothing(const std::string& password) {
    static const std::string decoy = hash("no user has this password; it only costs time");
    verify(decoy, password);
}

bool needsRehash(const std::string& stored) {
    initialise();
    return crypto_pwhash_str_needs_rehash(stored.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

}  // namespace omnigate::passwords
