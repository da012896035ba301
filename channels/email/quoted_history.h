// Replies carry the whole conversation below (or above) the client's new words. The history is kept, because it
// may hold what the client refers to, but it is moved behind a marker line so the operator reads the new text first.
#pragma once

#include <string>

namespace omnigate::email {

// The line that separates the new text from the quoted history.
extern const char* const quotedHistoryMarker;

// `text` with its quoted history (">" lines, "On … wrote:" / "… написал(а):" attributions, Outlook's
// "-----Original Message-----" and From:/Sent: blocks) behind quotedHistoryMarker, the new text first. Unchanged
// when there is no history, or nothing but history.
std::string markQuotedHistory(const std::string& text);

}  // namespace omnigate::email
