#include "byte_range.h"

namespace omnigate::voice {

namespace {

bool number(const std::string& text, std::uint64_t& out) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return false;
    out = std::stoull(text);
    return true;
}

}  // namespace

RangeAnswer parseRange(const std::string& header, std::uint64_t size, ByteRange& range) {
    const std::string prefix = "bytes=";
    if (header.compare(0, prefix.size(), prefix) != 0) return RangeAnswer::Whole;
    std::string spec = header.substr(prefix.size());
    while (!spec.empty() && spec.back() == ' ') spec.pop_back();
    if (spec.find(',') != std::string::npos) return RangeAnswer::Whole;
    const std::size_t dash = spec.find('-');
    if (dash == std::string::npos) return RangeAnswer::Whole;
    const std::string from = spec.substr(0, dash);
    const std::string to = spec.substr(dash + 1);
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    if (from.empty()) {  // "bytes=-500": the last 500 bytes
        if (!number(to, b)) return RangeAnswer::Whole;
        if (b == 0 || size == 0) return RangeAnswer::Unsatisfiable;
        range.first = b >= size ? 0 : size - b;
        range.last = size - 1;
        return RangeAnswer::Partial;
    }
    if (!number(from, a)) return RangeAnswer::Whole;
    if (to.empty()) {
        b = size == 0 ? 0 : size - 1;
    } else if (!number(to, b) || b < a) {
        return RangeAnswer::Whole;
    }
    if (a >= size) return RangeAnswer::Unsatisfiable;
    range.first = a;
    range.last = b >= size ? size - 1 : b;
    return RangeAnswer::Partial;
}

}  // namespace omnigate::voice
