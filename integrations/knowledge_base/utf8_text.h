// The text handling the suggester needs and the SDK does not give: checking and cutting UTF-8 from outside (a
// knowledge base may answer anything). Matching words is the SDK's (omnigate/sdk/word_match.h), shared with the
// core's template search.
#pragma once

#include <cstddef>
#include <string>

namespace omnigate::knowledge_base {

bool isValidUtf8(const std::string& text);
bool isBlank(const std::string& text);
// Length in characters (code points); invalid bytes count one each.
std::size_t utf8Length(const std::string& text);
// At most `maxBytes` bytes, cut at a character boundary (valid UTF-8 stays valid).
std::string truncateUtf8(const std::string& text, std::size_t maxBytes);

}  // namespace omnigate::knowledge_base
