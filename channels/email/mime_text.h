// The text decoding every part of a mail needs: transfer encodings (base64, quoted-printable), charsets into UTF-8
// through glibc's iconv, RFC 2047 encoded words and RFC 2231 parameter values. Pure functions over bytes, lenient
// on purpose: mail from the wild is often slightly wrong, and a wrong byte must cost a replacement character,
// never the message.
#pragma once

#include <cstddef>
#include <string>

namespace omnigate::email {

// Base64 ignoring whitespace and any byte outside the alphabet; stops at the first '=' padding.
std::string decodeBase64(const std::string& in);
std::string encodeBase64(const std::string& in, std::size_t lineLength = 76);
// Quoted-printable (RFC 2045 6.7): soft line breaks removed, a malformed "=XY" kept as it is.
std::string decodeQuotedPrintable(const std::string& in, bool underscoreIsSpace = false);

bool isValidUtf8(const std::string& s);
// Valid UTF-8 from anything: each invalid byte becomes U+FFFD.
std::string sanitizeUtf8(const std::string& s);
// `bytes` in `charset` (any name glibc's iconv knows, and the usual aliases of mail software) into UTF-8. An empty,
// unknown or lying charset falls back to UTF-8 when the bytes are valid UTF-8, else windows-1251 (what an
// unlabelled Russian mail almost always is).
std::string toUtf8(const std::string& bytes, const std::string& charset);

// A header value with RFC 2047 encoded words decoded (B and Q, any charset; whitespace between adjacent encoded
// words dropped, words of one charset joined before conversion so a character split across words survives).
// Raw 8-bit bytes outside encoded words are taken as UTF-8 when valid, else as `fallbackCharset`.
std::string decodeHeader(const std::string& value, const std::string& fallbackCharset = "windows-1251");

// An RFC 2231 extended value "charset'language'percent-encoded" into UTF-8.
std::string decodeRfc2231Value(const std::string& value);

// Control characters (C0 except nothing, DEL, C1) removed and runs of whitespace folded to one space, trimmed:
// what a subject line may show.
std::string cleanSubject(const std::string& s);

// RFC 2047 B-encoding of a UTF-8 header text when it is not plain ASCII (words of at most 75 characters, never
// splitting a UTF-8 character); plain ASCII is returned as it is.
std::string encodeHeaderWords(const std::string& utf8);

std::string toLower(std::string s);
std::string trim(const std::string& s);

}  // namespace omnigate::email
