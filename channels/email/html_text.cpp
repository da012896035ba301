#include "html_text.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "mime_text.h"

namespace omnigate::email {

namespace {

void appendCodePoint(std::string& out, std::uint32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// An entity at html[pos] ('&'); appends its text and returns the position after it, or pos when it is none.
std::size_t decodeEntity(const std::string& html, std::size_t pos, std::string& out) {
    // Entities are short: look no further than that, so a text full of '&' stays linear.
    std::size_t semi = std::string::npos;
    for (std::size_t i = pos + 1; i < html.size() && i <= pos + 10; ++i) {
        if (html[i] == ';') {
            semi = i;
            break;
        }
    }
    if (semi == std::string::npos) return pos;
    const std::string name = html.substr(pos + 1, semi - pos - 1);
    if (name.empty()) return pos;
    if (name[0] == '#') {
        std::uint32_t cp = 0;
        const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
        const std::size_t start = hex ? 2 : 1;
        if (start >= name.size()) return pos;
        for (std::size_t i = start; i < name.size(); ++i) {
            const char c = name[i];
            int d;
            if (c >= '0' && c <= '9') d = c - '0';
            else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
            else return pos;
            cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
            if (cp > 0x10FFFF) cp = 0xFFFD;
        }
        appendCodePoint(out, cp);
        return semi + 1;
    }
    static const struct { const char* name; std::uint32_t cp; } entities[] = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}, {"nbsp", ' '},
        {"laquo", 0xAB}, {"raquo", 0xBB}, {"mdash", 0x2014}, {"ndash", 0x2013}, {"hellip", 0x2026},
        {"copy", 0xA9}, {"reg", 0xAE}, {"euro", 0x20AC}, {"bull", 0x2022}, {"rsquo", 0x2019}, {"lsquo", 0x2018},
        {"rdquo", 0x201D}, {"ldquo", 0x201C}, {"bdquo", 0x201E}, {"times", 0xD7}, {"deg", 0xB0}, {"numero", 0x2116}};
    const std::string lower = toLower(name);
    for (const auto& e : entities) {
        if (lower == e.name) {
            appendCodePoint(out, e.cp);
            return semi + 1;
        }
    }
    return pos;
}

bool isBlockTag(const std::string& tag) {
    static const char* const blocks[] = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                                         "table", "ul", "ol", "blockquote", "hr", "pre", "section", "article",
                                         "header", "footer", "dt", "dd"};
    for (const char* b : blocks) {
        if (tag == b) return true;
    }
    return false;
}

}  // namespace

std::string htmlToText(const std::string& html) {
    std::string out;
    int quoteDepth = 0;
    bool pendingSpace = false;
    bool atLineStart = true;
    int newlines = 2;
    auto newline = [&] {
        if (newlines < 2) {
            out += '\n';
            ++newlines;
        }
        atLineStart = true;
        pendingSpace = false;
    };
    auto emit = [&](const std::string& s) {
        if (atLineStart) {
            for (int q = 0; q < quoteDepth; ++q) out += "> ";
            atLineStart = false;
        } else if (pendingSpace) {
            out += ' ';
        }
        pendingSpace = false;
        out += s;
        newlines = 0;
    };
    std::string word;
    auto flushWord = [&] {
        if (!word.empty()) emit(word);
        word.clear();
    };

    for (std::size_t i = 0; i < html.size();) {
        const char c = html[i];
        if (c == '<') {
            flushWord();
            if (html.compare(i, 4, "<!--") == 0) {
                const std::size_t end = html.find("-->", i + 4);
                i = end == std::string::npos ? html.size() : end + 3;
                continue;
            }
            const std::size_t end = html.find('>', i + 1);
            if (end == std::string::npos) break;
            std::string tag = html.substr(i + 1, end - i - 1);
            const bool closing = !tag.empty() && tag[0] == '/';
            if (closing) tag.erase(0, 1);
            std::size_t nameEnd = 0;
            while (nameEnd < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[nameEnd])) != 0)) ++nameEnd;
            const std::string name = toLower(tag.substr(0, nameEnd));
            i = end + 1;
            if (!closing && (name == "script" || name == "style" || name == "head" || name == "title")) {
                const std::string closeTag = "</" + name;
                std::size_t close = i;
                while (true) {
                    close = html.find("</", close);
                    if (close == std::string::npos) break;
                    if (toLower(html.substr(close, closeTag.size())) == closeTag) break;
                    close += 2;
                }
                if (close == std::string::npos) {
                    i = html.size();
                } else {
                    const std::size_t gt = html.find('>', close);
                    i = gt == std::string::npos ? html.size() : gt + 1;
                }
                continue;
            }
            if (name == "blockquote") {
                newline();
                quoteDepth = closing ? std::max(0, quoteDepth - 1) : std::min(quoteDepth + 1, 20);
                continue;
            }
            if (name == "br") {
                if (newlines == 0 || atLineStart == false) {
                    out += '\n';
                    newlines = newlines == 0 ? 1 : newlines + 1;
                    atLineStart = true;
                    pendingSpace = false;
                } else {
                    newline();
                }
                continue;
            }
            if (name == "td" || name == "th") {
                pendingSpace = true;
                continue;
            }
            if (isBlockTag(name)) newline();
            continue;
        }
        if (c == '&') {
            std::string decoded;
            const std::size_t next = decodeEntity(html, i, decoded);
            if (next != i) {
                if (decoded == " ") {
                    flushWord();
                    pendingSpace = true;
                } else {
                    word += decoded;
                }
                i = next;
                continue;
            }
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            flushWord();
            if (!atLineStart) pendingSpace = true;
        } else {
            word += c;
        }
        ++i;
    }
    flushWord();
    return trim(out);
}

}  // namespace omnigate::email
