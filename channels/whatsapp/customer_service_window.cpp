#include "customer_service_window.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>

namespace omnigate::whatsapp {

std::optional<std::chrono::system_clock::time_point> parseIsoTime(const std::string& text) {
    // Poco's parser is lenient (it takes "yesterday"): insist on the store's own shape first.
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    if (text.size() < sizeof shape - 1) return std::nullopt;
    for (std::size_t i = 0; i + 1 < sizeof shape; ++i) {
        const bool digit = text[i] >= '0' && text[i] <= '9';
        if (shape[i] == 'd' ? !digit : text[i] != shape[i]) return std::nullopt;
    }
    try {
        int zone = 0;
        Poco::DateTime parsed;
        if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, text, parsed, zone) &&
            !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT, text, parsed, zone)) {
            return std::nullopt;
        }
        parsed.makeUTC(zone);
        const Poco::Timestamp::TimeVal micros = parsed.timestamp().epochMicroseconds();
        return std::chrono::system_clock::time_point(std::chrono::microseconds(micros));
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

WindowState customerServiceWindow(const std::vector<StoredMessage>& history, std::chrono::system_clock::time_point now,
                                  std::chrono::seconds length) {
    WindowState state;
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
        if (it->direction != Direction::Inbound) continue;
        // The client's own words open the window; a message the system filed in their name would not.
        if (it->author != AuthorKind::Client) continue;
        state.lastInbound = parseIsoTime(it->createdAt);
        if (state.lastInbound) break;
    }
    state.open = state.lastInbound && now - *state.lastInbound < length;
    return state;
}

}  // namespace omnigate::whatsapp
