// The Content-Disposition of a download (a stored file, a call's recording). A file's name comes from whoever
// uploaded or sent it, so it may hold quotes, line breaks or any script: put into the header as it is, it would
// end the header or the quoted string early (a response split, a forged name). RFC 6266 answers both readers:
// old ones take the plain ASCII `filename=`, the others the exact UTF-8 name from `filename*=` (RFC 5987).
#pragma once

#include <string>

namespace omnigate {

// `disposition` ("attachment" or "inline") with both names; an empty name becomes "file".
std::string contentDisposition(const std::string& disposition, const std::string& fileName);

}  // namespace omnigate
