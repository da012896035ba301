#include "omnigate/sdk/content_disposition.h"

namespace omnigate {

namespace {

// RFC 5987 attr-char: what may stand unencoded in an ext-value.
bool isAttrChar(unsigned char c) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
        case '!': case '#': case '$': case '&': case '+': case '-': case '.': case '^': case '_': case '`':
        case '|': case '~':
            return true;
        default:
            return false;
    }
}

// Printable ASCII that needs no escape inside a quoted-string; each other character (a whole UTF-8 sequence
// counts as one) becomes one '_', so the fallback keeps the name's shape and its extension.
std::string asciiFallback(const std::string& name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c >= 0x80) {
            while (i + 1 < name.size() && (static_cast<unsigned char>(name[i + 1]) & 0xC0) == 0x80) ++i;
            out += '_';
        } else if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') {
            out += '_';
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string percentEncoded(const std::string& name) {
    static const char* const hex = "0123456789ABCDEF";
    std::string out;
    for (const char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        if (isAttrChar(c)) {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0x0F];
        }
    }
    return out;
}

}  // namespace

std::string contentDisposition(const std::string& disposition, const std::string& fileName) {
    const std::string name = fileName.empty() ? "file" : fileName;
    return disposition + "; filename=\"" + asciiFallback(name) + "\"; filename*=UTF-8''" + percentEncoded(name);
}

}  // namespace omnigate
