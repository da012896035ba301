#include "mime_text.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace omnigate::email {

namespace {

int base64Value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;  // '-' and '_': the URL alphabet some broken mailers use
    if (c == '/' || c == '_') return 63;
    return -1;
}

int hexValue(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

const char* const replacementChar = "\xEF\xBF\xBD";

// The length of the valid UTF-8 sequence at s[i], or 0.
std::size_t utf8SequenceLength(const std::string& s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    std::size_t n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and beyond U+10FFFF are invalid (MariaDB's utf8mb4 and JSON refuse them).
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

std::string normalizeCharset(std::string charset) {
    charset = toLower(trim(charset));
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') charset = charset.substr(1, charset.size() - 2);
    const auto star = charset.find('*');  // RFC 2231 language suffix: utf-8*ru
    if (star != std::string::npos) charset.erase(star);
    if (charset == "utf8" || charset == "utf-8") return "UTF-8";
    if (charset == "cp1251" || charset == "win-1251" || charset == "windows1251" || charset == "x-cp1251") return "WINDOWS-1251";
    if (charset == "koi8r" || charset == "koi8") return "KOI8-R";
    if (charset == "x-mac-cyrillic" || charset == "mac-cyrillic") return "MACCYRILLIC";
    if (charset == "ks_c_5601-1987") return "CP949";
    if (charset == "iso-8859-8-i") return "ISO-8859-8";
    if (charset == "ansi_x3.4-1968" || charset == "us-ascii" || charset == "ascii") return "UTF-8";  // a superset
    if (charset == "unknown-8bit" || charset == "x-unknown" || charset == "x-user-defined" || charset == "default") return "";
    return charset;
}

// iconv from `charset`; false when iconv does not know it. Invalid input bytes become U+FFFD.
bool convertWithIconv(const std::string& bytes, const std::string& charset, std::string& out) {
    iconv_t cd = iconv_open("UTF-8", charset.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) return false;
    out.clear();
    out.reserve(bytes.size() * 2);
    char buffer[4096];
    char* in = const_cast<char*>(bytes.data());
    std::size_t inLeft = bytes.size();
    while (inLeft > 0) {
        char* o = buffer;
        std::size_t oLeft = sizeof(buffer);
        const std::size_t rc = iconv(cd, &in, &inLeft, &o, &oLeft);
        out.append(buffer, static_cast<std::size_t>(o - buffer));
        if (rc != static_cast<std::size_t>(-1)) continue;
        if (errno == E2BIG) continue;
        // EILSEQ (a byte invalid in the charset) or EINVAL (a sequence cut off at the end): replace one byte.
        out += replacementChar;
        ++in;
        --inLeft;
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
    char* o = buffer;
    std::size_t oLeft = sizeof(buffer);
    iconv(cd, nullptr, nullptr, &o, &oLeft);  // flush a stateful encoding's shift sequence
    out.append(buffer, static_cast<std::size_t>(o - buffer));
    iconv_close(cd);
    return true;
}

struct EncodedWord {
    std::size_t end = 0;  // one past the closing "?="
    std::string charset;
    std::string bytes;
};

// An RFC 2047 encoded word starting at value[pos] ("=?"), or false.
bool parseEncodedWord(const std::string& value, std::size_t pos, EncodedWord& word) {
    const std::size_t q1 = value.find('?', pos + 2);
    if (q1 == std::string::npos || q1 - pos > 80) return false;
    if (q1 + 2 >= value.size() || value[q1 + 2] != '?') return false;
    const char encoding = static_cast<char>(value[q1 + 1] | 0x20);
    if (encoding != 'b' && encoding != 'q') return false;
    const std::size_t textStart = q1 + 3;
    // RFC 2047 words are at most 75 characters; looking further than that (generously) would make a header full
    // of "=?" quadratic.
    const std::size_t limit = std::min(value.size(), textStart + 1000);
    std::size_t close = std::string::npos;
    for (std::size_t i = textStart; i + 1 < limit; ++i) {
        if (value[i] == '?' && value[i + 1] == '=') {
            close = i;
            break;
        }
    }
    if (close == std::string::npos) return false;
    const std::string text = value.substr(textStart, close - textStart);
    if (text.find_first_of(" \t\r\n") != std::string::npos && encoding == 'q') return false;
    word.charset = value.substr(pos + 2, q1 - pos - 2);
    word.bytes = encoding == 'b' ? decodeBase64(text) : decodeQuotedPrintable(text, true);
    word.end = close + 2;
    return true;
}

}  // namespace

std::string toLower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return s;
}

std::string trim(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return "";
    const auto end = s.find_last_not_of(" \t\r\n");
    return s.substr(begin, end - begin + 1);
}

std::string decodeBase64(const std::string& in) {
    std::string out;
    out.reserve(in.size() / 4 * 3 + 3);
    std::uint32_t accumulator = 0;
    int bits = 0;
    for (const char ch : in) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '=') break;
        const int v = base64Value(c);
        if (v < 0) continue;
        accumulator = (accumulator << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((accumulator >> bits) & 0xFF));
        }
    }
    return out;
}

std::string encodeBase64(const std::string& in, std::size_t lineLength) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve(in.size() * 4 / 3 + in.size() / 50 + 8);
    std::size_t column = 0;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        std::uint32_t n = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
        if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += i + 1 < in.size() ? alphabet[(n >> 6) & 63] : '=';
        out += i + 2 < in.size() ? alphabet[n & 63] : '=';
        column += 4;
        if (lineLength > 0 && column >= lineLength && i + 3 < in.size()) {
            out += "\r\n";
            column = 0;
        }
    }
    return out;
}

std::string decodeQuotedPrintable(const std::string& in, bool underscoreIsSpace) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '_' && underscoreIsSpace) {
            out += ' ';
        } else if (c == '=') {
            // Soft line break: "=" then optional trailing whitespace then a line end.
            std::size_t j = i + 1;
            while (j < in.size() && (in[j] == ' ' || in[j] == '\t')) ++j;
            if (j < in.size() && (in[j] == '\n' || in[j] == '\r')) {
                if (in[j] == '\r' && j + 1 < in.size() && in[j + 1] == '\n') ++j;
                i = j;
                continue;
            }
            if (j == in.size()) break;  // "=" at the very end: a soft break without its line end
            if (i + 2 < in.size() + 0 && hexValue(static_cast<unsigned char>(in[i + 1])) >= 0 &&
                hexValue(static_cast<unsigned char>(in[i + 2])) >= 0) {
                out += static_cast<char>(hexValue(static_cast<unsigned char>(in[i + 1])) * 16 +
                                         hexValue(static_cast<unsigned char>(in[i + 2])));
                i += 2;
            } else {
                out += c;
            }
        } else {
            out += c;
        }
    }
    return out;
}

bool isValidUtf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8SequenceLength(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string sanitizeUtf8(const std::string& s) {
    if (isValidUtf8(s)) return s;
    std::string out;
    out.reserve(s.size() + 16);
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8SequenceLength(s, i);
        if (n == 0) {
            out += replacementChar;
            ++i;
        } else {
            out.append(s, i, n);
            i += n;
        }
    }
    return out;
}

std::string toUtf8(const std::string& bytes, const std::string& charset) {
    const std::string name = normalizeCharset(charset);
    bool ascii = true;
    for (const char c : bytes) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            ascii = false;
            break;
        }
    }
    // ASCII is the same in every charset mail uses (UTF-7 and UTF-16 aside, which iconv handles below).
    if (ascii && name != "utf-7" && name.rfind("utf-16", 0) != 0 && name.rfind("utf-32", 0) != 0) return bytes;
    if (name == "UTF-8") {
        if (isValidUtf8(bytes)) return bytes;
        std::string converted;  // labelled UTF-8 but is not: most likely the sender's local charset
        if (convertWithIconv(bytes, "WINDOWS-1251", converted)) return converted;
        return sanitizeUtf8(bytes);
    }
    std::string converted;
    if (!name.empty() && convertWithIconv(bytes, name, converted)) return sanitizeUtf8(converted);
    if (isValidUtf8(bytes)) return bytes;
    if (convertWithIconv(bytes, "WINDOWS-1251", converted)) return converted;
    return sanitizeUtf8(bytes);
}

std::string decodeHeader(const std::string& value, const std::string& fallbackCharset) {
    std::string out;
    std::string pendingCharset;
    std::string pendingBytes;
    std::string gap;  // whitespace since the last encoded word: dropped when another encoded word follows
    bool lastWasEncoded = false;
    auto flush = [&] {
        if (!pendingBytes.empty()) out += toUtf8(pendingBytes, pendingCharset);
        pendingBytes.clear();
        pendingCharset.clear();
    };
    std::string raw;  // unencoded text waiting to be converted
    auto flushRaw = [&] {
        if (!raw.empty()) out += toUtf8(raw, isValidUtf8(raw) ? "UTF-8" : fallbackCharset);
        raw.clear();
    };
    for (std::size_t i = 0; i < value.size();) {
        EncodedWord word;
        if (value[i] == '=' && i + 1 < value.size() && value[i + 1] == '?' && parseEncodedWord(value, i, word)) {
            if (lastWasEncoded) {
                gap.clear();  // RFC 2047 6.2: whitespace between adjacent encoded words is not displayed
            } else {
                raw += gap;
                gap.clear();
            }
            flushRaw();
            if (lastWasEncoded && toLower(word.charset) == toLower(pendingCharset)) {
                pendingBytes += word.bytes;
            } else {
                flush();
                pendingCharset = word.charset;
                pendingBytes = word.bytes;
            }
            lastWasEncoded = true;
            i = word.end;
            continue;
        }
        const char c = value[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            gap += c;
        } else {
            if (lastWasEncoded) flush();
            raw += gap;
            gap.clear();
            raw += c;
            lastWasEncoded = false;
        }
        ++i;
    }
    flush();
    raw += gap;
    flushRaw();
    return out;
}

std::string decodeRfc2231Value(const std::string& value) {
    const auto first = value.find('\'');
    const auto second = first == std::string::npos ? std::string::npos : value.find('\'', first + 1);
    std::string charset;
    std::string encoded = value;
    if (second != std::string::npos) {
        charset = value.substr(0, first);
        encoded = value.substr(second + 1);
    }
    std::string bytes;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        if (encoded[i] == '%' && i + 2 < encoded.size() && hexValue(static_cast<unsigned char>(encoded[i + 1])) >= 0 &&
            hexValue(static_cast<unsigned char>(encoded[i + 2])) >= 0) {
            bytes += static_cast<char>(hexValue(static_cast<unsigned char>(encoded[i + 1])) * 16 +
                                       hexValue(static_cast<unsigned char>(encoded[i + 2])));
            i += 2;
        } else {
            bytes += encoded[i];
        }
    }
    return toUtf8(bytes, charset);
}

std::string cleanSubject(const std::string& s) {
    const std::string valid = sanitizeUtf8(s);
    std::string out;
    out.reserve(valid.size());
    bool space = false;
    for (std::size_t i = 0; i < valid.size(); ++i) {
        const auto c = static_cast<unsigned char>(valid[i]);
        // C1 controls are U+0080..U+009F: 0xC2 0x80..0x9F in UTF-8.
        if (c == 0xC2 && i + 1 < valid.size() && static_cast<unsigned char>(valid[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(valid[i + 1]) <= 0x9F) {
            ++i;
            continue;
        }
        if (c == '\t' || c == '\r' || c == '\n' || c == ' ') {
            space = true;
            continue;
        }
        if (c < 0x20 || c == 0x7F) continue;
        if (space && !out.empty()) out += ' ';
        space = false;
        out += static_cast<char>(c);
    }
    return out;
}

std::string encodeHeaderWords(const std::string& utf8) {
    bool ascii = true;
    for (const char c : utf8) {
        if (static_cast<unsigned char>(c) >= 0x80 || c == '\r' || c == '\n') {
            ascii = false;
            break;
        }
    }
    if (ascii) return utf8;
    // "=?UTF-8?B?" + 60 base64 chars + "?=" = 72 <= 75; 60 base64 chars carry 45 bytes.
    std::string out;
    std::size_t i = 0;
    const std::string text = sanitizeUtf8(utf8);
    while (i < text.size()) {
        std::size_t end = i;
        while (end < text.size()) {
            const std::size_t n = std::max<std::size_t>(1, utf8SequenceLength(text, end));
            if (end + n - i > 45) break;
            end += n;
        }
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + encodeBase64(text.substr(i, end - i), 0) + "?=";
        i = end;
    }
    return out;
}

}  // namespace omnigate::email
