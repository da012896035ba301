#include "omnigate/sdk/address_rule.h"

#include <Poco/String.h>
#include <Poco/UTF8String.h>

#include <cstring>

namespace omnigate {

namespace {

constexpr std::size_t kMaxValueBytes = 255;  // the address columns' width
constexpr std::size_t kMaxMailboxBytes = 254;  // RFC 5321 4.5.3.1.3: a path of 256 octets with its brackets
constexpr std::size_t kMaxLocalPartBytes = 64;
constexpr std::size_t kMaxLabelBytes = 63;
constexpr std::size_t kMinPhoneDigits = 3;
constexpr std::size_t kMaxPhoneDigits = 15;  // E.164

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isLetDig(char c) { return isAlpha(c) || isDigit(c); }

// RFC 5321 4.1.2 atext (RFC 5322 3.2.3): letters, digits and these.
bool isAtext(char c) { return isLetDig(c) || (c != '\0' && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr); }

// Dot-string = Atom *("."  Atom)
bool isDotString(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.') return false;
    char previous = '.';
    for (const char c : s) {
        if (c == '.' ? previous == '.' : !isAtext(c)) return false;
        previous = c;
    }
    return true;
}

// Quoted-string = DQUOTE *(qtextSMTP / quoted-pairSMTP) DQUOTE; both stay within %d32-126.
bool isQuotedString(std::string_view s) {
    if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        const char c = s[i];
        if (c < 32 || c > 126) return false;
        if (c == '"') return false;
        if (c == '\\') {
            if (i + 2 >= s.size()) return false;  // the closing quote cannot be the escaped character
            ++i;
        }
    }
    return true;
}

// sub-domain = Let-dig [Ldh-str]
bool isSubDomain(std::string_view s) {
    if (s.empty() || s.size() > kMaxLabelBytes || !isLetDig(s.front()) || !isLetDig(s.back())) return false;
    for (const char c : s) {
        if (!isLetDig(c) && c != '-') return false;
    }
    return true;
}

bool isDomain(std::string_view s) {
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = s.find('.', start);
        if (!isSubDomain(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start))) {
            return false;
        }
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

bool isIpv4(std::string_view s) {
    int parts = 0;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = s.find('.', start);
        const std::string_view part = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (part.empty() || part.size() > 3) return false;
        int value = 0;
        for (const char c : part) {
            if (!isDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        if (value > 255) return false;
        ++parts;
        if (dot == std::string_view::npos) return parts == 4;
        start = dot + 1;
    }
}

// address-literal = "[" ( IPv4-address-literal / IPv6-address-literal / General-address-literal ) "]", the last
// two being Standardized-tag ":" 1*dcontent ("IPv6:" is one such tag).
bool isAddressLiteral(std::string_view s) {
    if (s.size() < 3 || s.front() != '[' || s.back() != ']') return false;
    const std::string_view inner = s.substr(1, s.size() - 2);
    if (isIpv4(inner)) return true;
    const std::size_t colon = inner.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == inner.size()) return false;
    const std::string_view tag = inner.substr(0, colon);
    if (!isLetDig(tag.back())) return false;
    for (const char c : tag) {
        if (!isLetDig(c) && c != '-') return false;
    }
    for (const char c : inner.substr(colon + 1)) {
        const bool dcontent = (c >= 33 && c <= 90) || (c >= 94 && c <= 126);
        if (!dcontent) return false;
    }
    return true;
}

std::string_view trimSpaces(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

std::optional<std::string> phoneProblem(std::string_view value) {
    for (const char c : value) {
        if (!isDigit(c) && std::strchr(" +-().", c) == nullptr) {
            return "must be a phone number: digits, spaces, '+', '-', '(', ')' and '.' only";
        }
    }
    const std::size_t digits = phoneDigits(value).size();
    if (digits < kMinPhoneDigits || digits > kMaxPhoneDigits) {
        return "must be a phone number of " + std::to_string(kMinPhoneDigits) + " to " +
               std::to_string(kMaxPhoneDigits) + " digits";
    }
    return std::nullopt;
}

}  // namespace

bool isMailbox(std::string_view text) {
    if (text.empty() || text.size() > kMaxMailboxBytes) return false;
    // A quoted local part may itself contain '@': the domain follows the last one.
    const std::size_t at = text.rfind('@');
    if (at == std::string_view::npos || at == 0 || at > kMaxLocalPartBytes) return false;
    const std::string_view local = text.substr(0, at);
    const std::string_view domain = text.substr(at + 1);
    if (!isDotString(local) && !isQuotedString(local)) return false;
    return isDomain(domain) || isAddressLiteral(domain);
}

std::string phoneDigits(std::string_view text) {
    std::string digits;
    for (const char c : text) {
        if (isDigit(c)) digits += c;
    }
    return digits;
}

Address canonicalAddress(Address address) {
    address.value = Poco::trim(address.value);
    if (address.kind == "email") {
        address.value = Poco::UTF8::toLower(address.value);
    } else if (address.kind == "phone" || address.kind == "whatsapp") {
        const std::string digits = phoneDigits(address.value);
        if (!digits.empty()) address.value = "+" + digits;
    }
    return address;
}

std::optional<std::string> addressProblem(const Address& address, AddressSource source) {
    for (const char c : address.value) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F) return "must not contain control characters (line breaks, tabs, DEL)";
        if (c == '<' || c == '>') return "must not contain '<' or '>': give the bare address";
    }
    const std::string_view value = trimSpaces(address.value);
    if (value.empty()) return "is empty";
    if (value.size() > kMaxValueBytes) return "is longer than " + std::to_string(kMaxValueBytes) + " bytes";
    if (address.kind == "email" && !isMailbox(value)) {
        return "must be an email address: one RFC 5321 mailbox such as anna@example.com";
    }
    if (address.kind == "whatsapp" || (address.kind == "phone" && source == AddressSource::Typed)) {
        return phoneProblem(value);
    }
    return std::nullopt;
}

}  // namespace omnigate
