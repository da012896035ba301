// Local passwords: argon2id through libsodium's crypto_pwhash_str, which keeps its salt and cost parameters inside
// the string it returns, so costs can rise later without a migration (needsRehash tells when a stored one is old).
#pragma once

#include <string>

namespace omnigate::passwords {

constexpr std::size_t kMinLength = 10;
constexpr std::size_t kMaxLength = 1024;  // argon2 takes any length; a megabyte "password" is only a burden

// 400 naming the rule a new password breaks (too short, too long).
void checkPolicy(const std::string& password);

// A new argon2id string at libsodium's interactive cost (64 MiB, about 0.1 s on this machine's kind of core).
std::string hash(const std::string& password);

// True when `password` is the one `stored` was made from. False for anything that is not such a string.
bool verify(const std::string& stored, const std::string& password);

// Spends the time of a verify against a password nobody has: an unknown login then takes as long to refuse as a
// wrong password, so the timing does not tell which logins exist.
void verifyNothing(const std::string& password);

bool needsRehash(const std::string& stored);

}  // namespace omnigate::passwords
