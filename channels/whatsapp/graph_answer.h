// What the Graph API answers, read apart from the transfers that fetch it so each reader can be fuzzed on its own:
// an error body, and a media id's metadata (where its bytes are). Neither trusts the shape: a missing or mistyped
// field is empty, never an exception.
#pragma once

#include <cstdint>
#include <string>

namespace omnigate::whatsapp {

// A Graph API error body: {"error":{"message","type","code","error_subcode","error_data":{"details"}}}.
struct GraphError {
    std::string code;     // "131047"; empty when the body is no Graph error
    std::string message;  // message, with error_data.details when it says more
};
GraphError graphErrorOf(const std::string& body);

// GET /{media-id}: {"url","mime_type","sha256","file_size","id","messaging_product"}.
struct MediaInfo {
    std::string url;       // empty when the answer names none
    std::string mimeType;  // empty when not given
    std::uint64_t size = 0;  // 0 when not given (file_size is documented as a string, and sent as a number too)
};
MediaInfo mediaInfoOf(const std::string& body);

}  // namespace omnigate::whatsapp
