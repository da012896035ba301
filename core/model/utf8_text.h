// Limits users count in characters ("at most 255 characters"), and columns refuse half a UTF-8 sequence: two
// small helpers every layer needs, kept in the model so both the pipeline and the API can reach them.
#pragma once

#include <cstddef>
#include <string>

namespace omnigate {

// Characters, not bytes.
std::size_t utf8Length(const std::string& text);

// At most `maxBytes`, cut at a character boundary.
std::string truncateUtf8(const std::string& text, std::size_t maxBytes);

}  // namespace omnigate
