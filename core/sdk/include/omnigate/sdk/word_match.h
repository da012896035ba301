// Matching people's words in any script and inflection, for whoever searches text people wrote: the core's
// template search and the knowledge-base suggester. It lives in the SDK because it is the one place both can
// reach (a plugin sees nothing else), so the two never drift apart; free functions only, no layout to break.
// Russian is the bar: "Доставка", "доставки" and "ДОСТАВКОЙ" are one word here, "ё" is read as "е".
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace omnigate::word_match {

// The distinct words of `text` in first-seen order: runs of letters and digits, lower-cased in any script, with
// 'ё' read as 'е'. Words of fewer than three characters (prepositions, "ok") are left out unless they hold a
// digit; invalid UTF-8 bytes separate words like punctuation does. At most `maxWords`.
std::vector<std::u32string> wordsOf(const std::string& text, std::size_t maxWords = 200);

// Two words are the same word when equal, or when both have at least four characters and share a prefix that
// leaves at most three characters of the longer one: a crude stemmer that is enough for inflected Russian
// ("заказ", "заказа", "заказом") and English plurals, and never joins unrelated short words.
bool sameWord(const std::u32string& a, const std::u32string& b);

// The share of `wanted` found among `words` (by sameWord): 0..1, 0 when `wanted` is empty.
double wordOverlap(const std::vector<std::u32string>& wanted, const std::vector<std::u32string>& words);

std::string toUtf8(const std::u32string& word);

// The length of the valid UTF-8 sequence starting at byte `i` of `text`, or 0 when none starts there: how the
// words are read, and what a caller checking or cutting UTF-8 the same way steps by.
std::size_t validSequenceAt(const std::string& text, std::size_t i);

}  // namespace omnigate::word_match
