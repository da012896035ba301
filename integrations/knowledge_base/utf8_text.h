// The text handling the suggester needs and the SDK does not give: checking and cutting UTF-8 from outside (a
// knowledge base may answer anything), and splitting a message into comparable words in any script, so Russian
// clients' messages match Russian templates ("Доставка" and "доставки" are one word here).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace omnigate::knowledge_base {

bool isValidUtf8(const std::string& text);
bool isBlank(const std::string& text);
// Length in characters (code points); invalid bytes count one each.
std::size_t utf8Length(const std::string& text);
// At most `maxBytes` bytes, cut at a character boundary (valid UTF-8 stays valid).
std::string truncateUtf8(const std::string& text, std::size_t maxBytes);

// The distinct words of `text` in first-seen order: runs of letters and digits, lower-cased in any script, with
// 'ё' read as 'е'. Words of fewer than three characters (prepositions, "ok") are left out unless they hold a
// digit. At most `maxWords`.
std::vector<std::u32string> wordsOf(const std::string& text, std::size_t maxWords = 200);

// Two words are the same word when equal, or when both have at least four characters and share a prefix that
// leaves at most three characters of the longer one: a crude stemmer that is enough for inflected Russian
// ("заказ", "заказа", "заказом") and English plurals, and never joins unrelated short words.
bool sameWord(const std::u32string& a, const std::u32string& b);

std::string toUtf8(const std::u32string& word);

}  // namespace omnigate::knowledge_base
