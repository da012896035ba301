#include "mime_parser.h"

#include <algorithm>
#include <map>

#include "html_text.h"
#include "mime_text.h"
#include "quoted_history.h"

namespace omnigate::email {

namespace {

struct Header {
    std::string name;  // lower case
    std::string value; // unfolded, still encoded
};
using Headers = std::vector<Header>;

struct ContentType {
    std::string type = "text";
    std::string subtype = "plain";
    std::map<std::string, std::string> params;  // names lower case, values decoded to UTF-8
};

// What a part contributes to the text: its plain text, or its HTML (rendered later when there is no plain text).
struct Body {
    std::string plain;
    std::string html;
    bool fromPlain() const { return !plain.empty(); }
    std::string display() const { return !plain.empty() ? plain : html.empty() ? std::string() : htmlToText(html); }
};

struct Context {
    const MimeLimits& limits;
    ParsedMail& mail;
    std::size_t parts = 0;
    std::size_t attachmentBytes = 0;
    bool inReport = false;
};

std::string headerValue(const Headers& headers, const std::string& name) {
    for (const Header& h : headers) {
        if (h.name == name) return h.value;
    }
    return "";
}

bool hasHeader(const Headers& headers, const std::string& name) {
    return std::any_of(headers.begin(), headers.end(), [&](const Header& h) { return h.name == name; });
}

// The end of the line starting at pos (the position of its '\n', or end).
std::size_t lineEnd(const std::string& s, std::size_t pos, std::size_t end) {
    const std::size_t nl = s.find('\n', pos);
    return nl == std::string::npos || nl > end ? end : nl;
}

std::string stripCr(const std::string& line) {
    return !line.empty() && line.back() == '\r' ? line.substr(0, line.size() - 1) : line;
}

// Headers of the entity in s[begin, end); bodyStart is set to where its body begins.
Headers parseHeaders(const std::string& s, std::size_t begin, std::size_t end, std::size_t& bodyStart,
                     const MimeLimits& limits, bool& damaged) {
    Headers headers;
    std::size_t pos = begin;
    std::size_t total = 0;
    // An mbox "From " separator line some stores keep in front of the mail.
    if (s.compare(pos, 5, "From ") == 0) pos = std::min(end, lineEnd(s, pos, end) + 1);
    while (pos < end) {
        const std::size_t e = lineEnd(s, pos, end);
        const std::string line = stripCr(s.substr(pos, e - pos));
        const std::size_t next = std::min(end, e + 1);
        if (line.empty()) {
            bodyStart = next;
            return headers;
        }
        total += line.size();
        if (total > limits.maxHeaderBytes) {
            damaged = true;
        } else if ((line[0] == ' ' || line[0] == '\t') && !headers.empty()) {
            headers.back().value += line;  // unfolding: the line break goes, the whitespace stays
        } else {
            const std::size_t colon = line.find(':');
            const bool nameOk = colon != std::string::npos && colon > 0 &&
                                trim(line.substr(0, colon)).find_first_of(" \t") == std::string::npos &&
                                !trim(line.substr(0, colon)).empty();
            if (!nameOk) {
                // Not a header: the headers ended without their empty line; this is the body.
                damaged = true;
                bodyStart = pos;
                return headers;
            }
            headers.push_back({toLower(trim(line.substr(0, colon))), trim(line.substr(colon + 1))});
        }
        pos = next;
    }
    bodyStart = end;
    return headers;
}

// Parameters after the first ';' of a Content-Type or Content-Disposition value, with RFC 2231 continuations and
// charsets, and RFC 2047 words in quoted values (which Outlook and others use for file names).
std::map<std::string, std::string> parseParams(const std::string& value, std::string& head) {
    std::map<std::string, std::string> raw;
    std::size_t i = value.find(';');
    head = toLower(trim(value.substr(0, i)));
    while (i != std::string::npos && i < value.size()) {
        ++i;
        while (i < value.size() && (value[i] == ' ' || value[i] == '\t' || value[i] == ';')) ++i;
        const std::size_t eq = value.find('=', i);
        if (eq == std::string::npos) break;
        const std::string name = toLower(trim(value.substr(i, eq - i)));
        std::size_t j = eq + 1;
        while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
        std::string v;
        if (j < value.size() && value[j] == '"') {
            ++j;
            while (j < value.size() && value[j] != '"') {
                if (value[j] == '\\' && j + 1 < value.size()) ++j;
                v += value[j++];
            }
            if (j < value.size()) ++j;  // the closing quote
            i = value.find(';', j);
        } else {
            const std::size_t semi = value.find(';', j);
            v = trim(value.substr(j, semi == std::string::npos ? std::string::npos : semi - j));
            i = semi;
        }
        if (!name.empty() && raw.size() < 64) raw.emplace(name, v);
    }

    // RFC 2231: name*=charset'lang'value, name*0*=charset'lang'v, name*1*=v, name*1=plain…
    std::map<std::string, std::string> params;
    std::map<std::string, std::map<int, std::pair<bool, std::string>>> sections;
    for (const auto& [name, v] : raw) {
        const std::size_t star = name.find('*');
        if (star == std::string::npos) {
            params[name] = decodeHeader(v);
            continue;
        }
        const std::string base = name.substr(0, star);
        std::string rest = name.substr(star + 1);
        const bool extended = !rest.empty() && rest.back() == '*' ? (rest.pop_back(), true) : rest.empty();
        int index = 0;
        if (!rest.empty()) {
            if (rest.size() > 3 || rest.find_first_not_of("0123456789") != std::string::npos) continue;
            index = std::stoi(rest);
        }
        sections[base][index] = {extended, v};
    }
    for (const auto& [base, parts] : sections) {
        std::string charset;
        std::string bytes;
        bool first = true;
        for (const auto& [index, part] : parts) {
            std::string v = part.second;
            if (part.first) {
                if (first) {
                    const std::size_t q1 = v.find('\'');
                    const std::size_t q2 = q1 == std::string::npos ? q1 : v.find('\'', q1 + 1);
                    if (q2 != std::string::npos) {
                        charset = v.substr(0, q1);
                        v = v.substr(q2 + 1);
                    }
                }
                // Percent-decoded to bytes: the charset applies to the whole joined value, converted once.
                std::string raw8;
                for (std::size_t k = 0; k < v.size(); ++k) {
                    auto hex = [](char c) {
                        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                               : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                    };
                    if (v[k] == '%' && k + 2 < v.size() && hex(v[k + 1]) >= 0 && hex(v[k + 2]) >= 0) {
                        raw8 += static_cast<char>(hex(v[k + 1]) * 16 + hex(v[k + 2]));
                        k += 2;
                    } else {
                        raw8 += v[k];
                    }
                }
                bytes += raw8;
            } else {
                bytes += v;
            }
            first = false;
        }
        params[base] = toUtf8(bytes, charset);
    }
    return params;
}

ContentType contentTypeOf(const Headers& headers, const std::string& defaultType) {
    ContentType ct;
    std::string value = headerValue(headers, "content-type");
    if (trim(value).empty()) value = defaultType;
    std::string head;
    ct.params = parseParams(value, head);
    const std::size_t slash = head.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 >= head.size()) {
        // "text" alone or garbage: RFC 2045 5.2 says treat it as text/plain.
        const std::string fallback = defaultType == "message/rfc822" ? "message/rfc822" : "text/plain";
        ct.type = fallback.substr(0, fallback.find('/'));
        ct.subtype = fallback.substr(fallback.find('/') + 1);
        return ct;
    }
    ct.type = trim(head.substr(0, slash));
    ct.subtype = trim(head.substr(slash + 1));
    return ct;
}

std::string transferDecode(const Headers& headers, const std::string& s, std::size_t begin, std::size_t end) {
    const std::string cte = toLower(trim(headerValue(headers, "content-transfer-encoding")));
    const std::string body = s.substr(begin, end - begin);
    if (cte == "base64") return decodeBase64(body);
    if (cte == "quoted-printable") return decodeQuotedPrintable(body);
    return body;
}

std::string normalizeNewlines(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

// Text without NULs and other controls that have no place in a message (tabs and newlines stay).
std::string cleanText(const std::string& utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7F) continue;
        out += c;
    }
    return out;
}

std::string truncateUtf8(const std::string& s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return s.substr(0, cut);
}

std::string extensionFor(const std::string& mimeType) {
    static const std::map<std::string, std::string> known = {
        {"image/png", ".png"}, {"image/jpeg", ".jpg"}, {"image/gif", ".gif"}, {"application/pdf", ".pdf"},
        {"text/plain", ".txt"}, {"text/html", ".html"}, {"message/rfc822", ".eml"}, {"text/calendar", ".ics"}};
    const auto it = known.find(mimeType);
    return it == known.end() ? ".bin" : it->second;
}

// The boundary the parts really use when the declared one is not found: the first "--token" line followed by a
// header line. Mailers that rewrite the Content-Type but not the body (and fuzzers) produce such mail.
std::string recoverBoundary(const std::string& s, std::size_t begin, std::size_t end) {
    std::size_t pos = begin;
    for (int lines = 0; pos < end && lines < 2000; ++lines) {
        const std::size_t e = lineEnd(s, pos, end);
        const std::string line = trim(s.substr(pos, e - pos));
        if (line.size() > 8 && line.size() < 200 && line.compare(0, 2, "--") == 0 &&
            line.find_first_of(" \t") == std::string::npos) {
            const std::size_t nextStart = std::min(end, e + 1);
            const std::string next = toLower(s.substr(nextStart, lineEnd(s, nextStart, end) - nextStart));
            if (next.compare(0, 8, "content-") == 0) {
                std::string b = line.substr(2);
                if (b.size() > 2 && b.compare(b.size() - 2, 2, "--") == 0) b.resize(b.size() - 2);
                return b;
            }
        }
        pos = e + 1;
    }
    return "";
}

struct PartRange {
    std::size_t begin;
    std::size_t end;
};

// The parts between boundary delimiter lines in s[begin, end); closed is false when the close delimiter is missing.
std::vector<PartRange> splitMultipart(const std::string& s, std::size_t begin, std::size_t end,
                                      const std::string& boundary, bool& closed, std::size_t maxParts) {
    std::vector<PartRange> parts;
    const std::string delimiter = "--" + boundary;
    std::size_t partStart = std::string::npos;
    std::size_t pos = begin;
    closed = false;
    while (pos < end) {
        const std::size_t found = s.find(delimiter, pos);
        if (found == std::string::npos || found + delimiter.size() > end) break;
        const bool atLineStart = found == begin || s[found - 1] == '\n';
        if (!atLineStart) {
            pos = found + delimiter.size();
            continue;
        }
        const std::size_t e = lineEnd(s, found, end);
        const std::string after = trim(s.substr(found + delimiter.size(), e - found - delimiter.size()));
        const bool isClose = after == "--";
        if (!isClose && !after.empty()) {  // "--boundaryX": a longer boundary that merely starts the same
            pos = e + 1;
            continue;
        }
        if (partStart != std::string::npos) {
            // The line break before the delimiter belongs to the delimiter.
            std::size_t partEnd = found;
            if (partEnd > partStart && s[partEnd - 1] == '\n') --partEnd;
            if (partEnd > partStart && s[partEnd - 1] == '\r') --partEnd;
            parts.push_back({partStart, std::max(partStart, partEnd)});
            if (parts.size() >= maxParts) return parts;
        }
        if (isClose) {
            closed = true;
            return parts;
        }
        partStart = std::min(end, e + 1);
        pos = partStart;
    }
    if (partStart != std::string::npos && partStart < end) parts.push_back({partStart, end});
    return parts;
}

void parseDeliveryStatus(const std::string& text, ParsedMail& mail) {
    // Per-recipient fields, one per line, "Name: value" (RFC 3464); continuation lines are rare here.
    std::size_t pos = 0;
    std::string status;
    std::string diagnostic;
    while (pos < text.size()) {
        std::size_t e = text.find('\n', pos);
        if (e == std::string::npos) e = text.size();
        std::string line = stripCr(text.substr(pos, e - pos));
        pos = e + 1;
        // Folded continuation lines (a long Diagnostic-Code) belong to the field above.
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) {
            std::size_t next = text.find('\n', pos);
            if (next == std::string::npos) next = text.size();
            line += " " + trim(stripCr(text.substr(pos, next - pos)));
            pos = next + 1;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string name = toLower(trim(line.substr(0, colon)));
        const std::string value = trim(line.substr(colon + 1));
        if (name == "diagnostic-code" && diagnostic.empty()) diagnostic = value;
        if (name == "status" && status.empty()) status = value;
    }
    std::string d = diagnostic;
    // "smtp; 550 5.1.1 <x@y>: user unknown": the server's reply after the type.
    const std::size_t semi = d.find(';');
    if (semi != std::string::npos && semi < 12) d = trim(d.substr(semi + 1));
    if (d.empty() && !status.empty()) d = "status " + status;
    if (mail.bounceDiagnostic.empty()) mail.bounceDiagnostic = cleanText(sanitizeUtf8(d));
}

Body parseEntity(const std::string& s, std::size_t begin, std::size_t end, std::size_t depth, Context& ctx,
                 const std::string& defaultType);

void addAttachment(Context& ctx, MailAttachment attachment) {
    if (ctx.mail.attachments.size() >= ctx.limits.maxAttachments ||
        ctx.attachmentBytes + attachment.bytes.size() > ctx.limits.maxAttachmentBytes) {
        ctx.mail.damaged = true;
        ctx.mail.text += (ctx.mail.text.empty() ? "" : "\n") + std::string("[attachment dropped, over the size limit: ") +
                         attachment.name + "]";
        return;
    }
    if (attachment.bytes.empty()) return;  // nothing to keep (the file store refuses empty files)
    ctx.attachmentBytes += attachment.bytes.size();
    ctx.mail.attachments.push_back(std::move(attachment));
}

// A forwarded or returned message inside a message.
Body parseNestedMessage(const std::string& s, std::size_t begin, std::size_t end, std::size_t depth, Context& ctx) {
    std::size_t bodyStart = end;
    bool damaged = false;
    const Headers headers = parseHeaders(s, begin, end, bodyStart, ctx.limits, damaged);
    if (damaged) ctx.mail.damaged = true;
    const auto ids = parseMessageIds(headerValue(headers, "message-id"));
    if (ctx.inReport) {
        // The bounced mail: only its id matters (it was ours; its text is already in the conversation).
        if (!ids.empty()) ctx.mail.bouncedMessageIds.push_back(ids.front());
        return {};
    }
    const Body inner = parseEntity(s, begin, end, depth + 1, ctx, "text/plain");
    Body out;
    out.plain = "---------- Forwarded message ----------\n";
    for (const char* name : {"from", "date", "subject", "to"}) {
        const std::string v = headerValue(headers, name);
        if (v.empty()) continue;
        std::string label = name;
        label[0] = static_cast<char>(label[0] - 32);
        out.plain += label + ": " + cleanSubject(decodeHeader(v)) + "\n";
    }
    out.plain += "\n" + inner.display();
    return out;
}

Body parseEntity(const std::string& s, std::size_t begin, std::size_t end, std::size_t depth, Context& ctx,
                 const std::string& defaultType) {
    if (depth > ctx.limits.maxDepth || ctx.parts >= ctx.limits.maxParts) {
        ctx.mail.damaged = true;
        return {};
    }
    std::size_t bodyStart = end;
    bool damaged = false;
    const Headers headers = parseHeaders(s, begin, end, bodyStart, ctx.limits, damaged);
    if (damaged) ctx.mail.damaged = true;
    ContentType ct = contentTypeOf(headers, defaultType);

    if (ct.type == "multipart") {
        std::string boundary;
        const auto b = ct.params.find("boundary");
        if (b != ct.params.end()) boundary = b->second;
        bool closed = false;
        std::vector<PartRange> parts;
        if (!boundary.empty()) parts = splitMultipart(s, bodyStart, end, boundary, closed, ctx.limits.maxParts);
        if (parts.empty()) {
            const std::string recovered = recoverBoundary(s, bodyStart, end);
            if (!recovered.empty()) parts = splitMultipart(s, bodyStart, end, recovered, closed, ctx.limits.maxParts);
            ctx.mail.damaged = true;
        }
        if (parts.empty()) {
            // No part could be found: the body as text is all there is.
            ++ctx.parts;
            return {normalizeNewlines(toUtf8(s.substr(bodyStart, end - bodyStart), ct.params["charset"])), ""};
        }
        if (!closed) ctx.mail.damaged = true;
        const std::string childDefault = ct.subtype == "digest" ? "message/rfc822" : "text/plain";
        const bool report = ct.subtype == "report";
        if (report && toLower(ct.params["report-type"]) == "delivery-status") ctx.mail.bounce = true;
        const bool wasInReport = ctx.inReport;
        Body out;
        std::vector<Body> children;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            // In a report the first part is the human-readable explanation; the rest are machine parts.
            ctx.inReport = wasInReport || (report && i > 0);
            children.push_back(parseEntity(s, parts[i].begin, parts[i].end, depth + 1, ctx, childDefault));
        }
        ctx.inReport = wasInReport;
        if (ct.subtype == "alternative") {
            for (const Body& c : children) {
                if (out.plain.empty() && c.fromPlain()) out.plain = c.plain;
                if (out.html.empty() && !c.html.empty()) out.html = c.html;
            }
            return out;
        }
        for (const Body& c : children) {
            const std::string text = c.display();
            if (!text.empty()) out.plain += (out.plain.empty() ? "" : "\n\n") + text;
            if (out.html.empty() && !c.html.empty()) out.html = c.html;
        }
        return out;
    }

    ++ctx.parts;
    if (ct.type == "message" && (ct.subtype == "rfc822" || ct.subtype == "global")) {
        const std::string cte = toLower(trim(headerValue(headers, "content-transfer-encoding")));
        if (cte == "base64" || cte == "quoted-printable") {
            // Rare but legal for message/global: decode into a buffer of its own and parse that.
            const std::string inner = transferDecode(headers, s, bodyStart, end);
            return parseNestedMessage(inner, 0, inner.size(), depth, ctx);
        }
        return parseNestedMessage(s, bodyStart, end, depth, ctx);
    }
    if (ct.type == "message" && ct.subtype == "delivery-status") {
        parseDeliveryStatus(transferDecode(headers, s, bodyStart, end), ctx.mail);
        return {};
    }
    if (ctx.inReport && ct.type == "text" && ct.subtype == "rfc822-headers") {
        std::size_t innerBody = end;
        bool d = false;
        const Headers returned = parseHeaders(s, bodyStart, end, innerBody, ctx.limits, d);
        const auto ids = parseMessageIds(headerValue(returned, "message-id"));
        if (!ids.empty()) ctx.mail.bouncedMessageIds.push_back(ids.front());
        return {};
    }

    std::string dispositionHead;
    const auto disposition = parseParams(headerValue(headers, "content-disposition"), dispositionHead);
    std::string name;
    if (const auto f = disposition.find("filename"); f != disposition.end()) name = f->second;
    if (name.empty()) {
        if (const auto n = ct.params.find("name"); n != ct.params.end()) name = n->second;
    }
    // A file name is a name, not a path (and never a control character).
    name = cleanSubject(name);
    const std::size_t slash = name.find_last_of("/\\");
    if (slash != std::string::npos) name = name.substr(slash + 1);
    const bool isText = ct.type == "text" && (ct.subtype == "plain" || ct.subtype == "html");
    const bool asAttachment = dispositionHead == "attachment" || !name.empty() || !isText;

    std::string bytes = transferDecode(headers, s, bodyStart, end);
    if (!asAttachment) {
        const auto charset = ct.params.find("charset");
        std::string text = cleanText(normalizeNewlines(toUtf8(bytes, charset == ct.params.end() ? "" : charset->second)));
        if (ct.subtype == "html") return {"", text};
        return {text, ""};
    }
    MailAttachment attachment;
    attachment.mimeType = sanitizeUtf8(ct.type + "/" + ct.subtype);
    if (attachment.mimeType.size() > 127) attachment.mimeType = "application/octet-stream";
    attachment.contentId = cleanSubject(trim(headerValue(headers, "content-id")));
    if (attachment.contentId.size() > 2 && attachment.contentId.front() == '<' && attachment.contentId.back() == '>') {
        attachment.contentId = attachment.contentId.substr(1, attachment.contentId.size() - 2);
    }
    attachment.inlinePart = dispositionHead == "inline" || (dispositionHead.empty() && !attachment.contentId.empty());
    if (name.empty()) name = (attachment.inlinePart ? "inline-" : "attachment-") +
                             std::to_string(ctx.mail.attachments.size() + 1) + extensionFor(attachment.mimeType);
    attachment.name = truncateUtf8(name, 200);
    attachment.bytes = std::move(bytes);
    addAttachment(ctx, std::move(attachment));
    return {};
}

void parseFrom(const std::string& value, ParsedMail& mail) {
    const std::string decoded = cleanSubject(decodeHeader(value));
    const std::size_t lt = decoded.rfind('<');
    const std::size_t gt = lt == std::string::npos ? std::string::npos : decoded.find('>', lt);
    if (lt != std::string::npos && gt != std::string::npos) {
        mail.fromAddress = trim(decoded.substr(lt + 1, gt - lt - 1));
        std::string name = trim(decoded.substr(0, lt));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
        mail.fromName = trim(name);
    } else {
        // "anna@example.com (Anna)" or a bare address.
        const std::size_t paren = decoded.find('(');
        mail.fromAddress = trim(decoded.substr(0, paren));
        if (paren != std::string::npos) {
            const std::size_t close = decoded.find(')', paren);
            mail.fromName = trim(decoded.substr(paren + 1, close == std::string::npos ? std::string::npos : close - paren - 1));
        }
    }
    if (mail.fromAddress.find_first_of(" \t\"") != std::string::npos || mail.fromAddress.find('@') == std::string::npos) {
        mail.fromAddress.clear();
    }
    mail.fromAddress = toLower(truncateUtf8(mail.fromAddress, 254));
    mail.fromName = truncateUtf8(mail.fromName, 200);
}

void detectAutomatic(const Headers& headers, ParsedMail& mail) {
    auto flag = [&](const std::string& reason) {
        if (!mail.autoSubmitted) mail.autoReason = reason;
        mail.autoSubmitted = true;
    };
    const std::string autoSubmitted = toLower(trim(headerValue(headers, "auto-submitted")));
    if (!autoSubmitted.empty() && autoSubmitted.substr(0, autoSubmitted.find(';')) != "no") {
        flag("Auto-Submitted: " + autoSubmitted);
    }
    const std::string precedence = toLower(trim(headerValue(headers, "precedence")));
    if (precedence == "bulk" || precedence == "junk" || precedence == "list") flag("Precedence: " + precedence);
    for (const char* name : {"x-autoreply", "x-autorespond", "x-auto-response-suppress", "list-id"}) {
        if (hasHeader(headers, name)) flag(name);
    }
    const std::string local = mail.fromAddress.substr(0, mail.fromAddress.find('@'));
    const std::string returnPath = trim(headerValue(headers, "return-path"));
    if (local == "mailer-daemon" || local == "postmaster" || returnPath == "<>") {
        mail.bounce = true;
    }
    if (mail.bounce) flag("delivery status notification");
}

// Message-IDs quoted in the text of a bounce that is not a DSN (a mailer-daemon's plain text with the original).
void findBouncedIdsInText(const std::string& text, ParsedMail& mail) {
    std::size_t pos = 0;
    const std::string lower = toLower(text);
    while ((pos = lower.find("message-id:", pos)) != std::string::npos && mail.bouncedMessageIds.size() < 16) {
        const std::size_t e = lower.find('\n', pos);
        const auto ids = parseMessageIds(text.substr(pos + 11, e == std::string::npos ? std::string::npos : e - pos - 11));
        if (!ids.empty()) mail.bouncedMessageIds.push_back(ids.front());
        pos += 11;
    }
}

}  // namespace

std::vector<std::string> parseMessageIds(const std::string& value) {
    std::vector<std::string> ids;
    std::size_t pos = 0;
    while (ids.size() < 100) {
        const std::size_t lt = value.find('<', pos);
        if (lt == std::string::npos) break;
        const std::size_t gt = value.find('>', lt);
        if (gt == std::string::npos) break;
        std::string id = trim(value.substr(lt + 1, gt - lt - 1));
        if (!id.empty() && id.size() <= 250 && id.find_first_of(" \t\r\n<") == std::string::npos && isValidUtf8(id)) {
            ids.push_back(id);
        }
        pos = gt + 1;
    }
    return ids;
}

std::int64_t subjectTag(const std::string& subject) {
    std::size_t pos = 0;
    while ((pos = subject.find("[#", pos)) != std::string::npos) {
        std::size_t i = pos + 2;
        std::int64_t id = 0;
        while (i < subject.size() && subject[i] >= '0' && subject[i] <= '9' && i - pos < 20) {
            id = id * 10 + (subject[i] - '0');
            ++i;
        }
        if (i < subject.size() && subject[i] == ']' && i > pos + 2 && id > 0) return id;
        pos += 2;
    }
    return 0;
}

ParsedMail parseMail(const std::string& raw, const MimeLimits& limits) {
    ParsedMail mail;
    Context ctx{limits, mail};
    std::size_t bodyStart = raw.size();
    bool damaged = false;
    const Headers headers = parseHeaders(raw, 0, raw.size(), bodyStart, limits, damaged);
    mail.damaged = damaged;

    const auto ids = parseMessageIds(headerValue(headers, "message-id"));
    if (!ids.empty()) mail.messageId = ids.front();
    const auto replyTo = parseMessageIds(headerValue(headers, "in-reply-to"));
    if (!replyTo.empty()) mail.inReplyTo = replyTo.front();
    mail.references = parseMessageIds(headerValue(headers, "references"));
    mail.subject = truncateUtf8(cleanSubject(decodeHeader(headerValue(headers, "subject"))), 998);
    parseFrom(headerValue(headers, "from"), mail);
    detectAutomatic(headers, mail);

    const Body body = parseEntity(raw, 0, raw.size(), 0, ctx, "text/plain");
    std::string text = trim(body.display());
    if (mail.bounce && mail.bouncedMessageIds.empty()) findBouncedIdsInText(text, mail);
    if (mail.bounce) detectAutomatic(headers, mail);  // a multipart/report makes it automatic too
    // The bounce's own id is not one of the bounced ones.
    mail.bouncedMessageIds.erase(std::remove(mail.bouncedMessageIds.begin(), mail.bouncedMessageIds.end(), mail.messageId),
                                 mail.bouncedMessageIds.end());
    const std::string dropped = mail.text;  // notes of attachments dropped over the limits
    text = markQuotedHistory(text);
    if (!dropped.empty()) text += "\n\n" + dropped;
    if (text.size() > limits.maxTextBytes) {
        text = truncateUtf8(text, limits.maxTextBytes) + "\n[…]";
        mail.damaged = true;
    }
    mail.text = sanitizeUtf8(text);
    mail.html = truncateUtf8(sanitizeUtf8(body.html), limits.maxAttachmentBytes);
    return mail;
}

}  // namespace omnigate::email
