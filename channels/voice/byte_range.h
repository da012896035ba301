// The HTTP Range header of a recording download (RFC 7233), as a pure function: a browser's audio player asks
// for "bytes=N-" to seek, and must get 206 with exactly those bytes, or 416 when it asked past the end.
#pragma once

#include <cstdint>
#include <string>

namespace omnigate::voice {

struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;  // inclusive
};

enum class RangeAnswer { Whole, Partial, Unsatisfiable };

// Whole for an absent, malformed or multi-range header (RFC 7233 lets a server ignore those and answer 200);
// Partial with `range` filled; Unsatisfiable when it starts at or past `size`.
RangeAnswer parseRange(const std::string& header, std::uint64_t size, ByteRange& range);

}  // namespace omnigate::voice
