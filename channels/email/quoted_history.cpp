#include "quoted_history.h"

#include <vector>

#include "mime_text.h"

namespace omnigate::email {

const char* const quotedHistoryMarker = "----- quoted history -----";

namespace {

bool startsWith(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }
bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isQuoteLine(const std::string& line) {
    const std::string t = trim(line);
    return !t.empty() && t[0] == '>';
}

// A line that introduces the quoted history.
bool isSeparator(const std::vector<std::string>& lines, std::size_t i) {
    const std::string t = trim(lines[i]);
    const std::string lower = toLower(t);
    if (lower.find("original message") != std::string::npos && startsWith(t, "-----")) return true;
    if (t.find("Исходное сообщение") != std::string::npos && startsWith(t, "---")) return true;
    if (startsWith(t, "________________________________")) return true;  // Outlook's rule above From:/Sent:
    // Outlook's header block: From: … followed by Sent: (or Отправлено:) within the next lines.
    if (startsWith(t, "From:") || startsWith(t, "От:") || startsWith(t, "*From:*")) {
        for (std::size_t k = i + 1; k < lines.size() && k <= i + 4; ++k) {
            const std::string n = trim(lines[k]);
            if (startsWith(n, "Sent:") || startsWith(n, "Отправлено:") || startsWith(n, "Date:") ||
                startsWith(n, "Дата:") || startsWith(n, "*Sent:*")) {
                return true;
            }
        }
    }
    // Attributions: "On Mon, 1 Jan 2024 at 10:00, Anna <a@b> wrote:", "1 янв. 2024 г., в 10:00, Анна написал(а):".
    // Clients break long attributions over two lines, hence the look at the next line.
    std::string joined = t;
    if (i + 1 < lines.size() && !endsWith(t, ":")) joined += " " + trim(lines[i + 1]);
    for (const std::string& candidate : {t, joined}) {
        if (!endsWith(candidate, ":")) continue;
        if (endsWith(candidate, "wrote:") || endsWith(candidate, "написал(а):") || endsWith(candidate, "написал:") ||
            endsWith(candidate, "написала:") || endsWith(candidate, "пишет:")) {
            // Only when quoted lines (or the end) follow soon: "he wrote:" in the middle of prose is not history.
            for (std::size_t k = i + 1; k < lines.size() && k <= i + 3; ++k) {
                if (isQuoteLine(lines[k])) return true;
            }
        }
    }
    return false;
}

std::string join(const std::vector<std::string>& lines, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to; ++i) {
        if (i > from) out += '\n';
        out += lines[i];
    }
    return out;
}

}  // namespace

std::string markQuotedHistory(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }

    // A separator: everything from it on is history (top-posting, what Outlook and most clients do).
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!isSeparator(lines, i)) continue;
        const std::string fresh = trim(join(lines, 0, i));
        if (fresh.empty()) break;  // history first: handled below as interleaved quoting
        return fresh + "\n\n" + quotedHistoryMarker + "\n" + trim(join(lines, i, lines.size()));
    }

    // Otherwise quoted lines anywhere (bottom-posting, interleaved answers): the unquoted lines first.
    std::string fresh;
    std::string history;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string& target = isQuoteLine(lines[i]) || isSeparator(lines, i) ? history : fresh;
        target += lines[i];
        target += '\n';
    }
    if (trim(history).empty() || trim(fresh).empty()) return text;
    return trim(fresh) + "\n\n" + quotedHistoryMarker + "\n" + trim(history);
}

}  // namespace omnigate::email
