#include "model/file_types.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace omnigate {

namespace {

bool startsWith(const std::string& text, const std::string& prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

std::uint32_t littleEndian32(const std::string& bytes, std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) value |= std::uint32_t(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
    return value;
}

// A Windows program: "MZ", and the PE header where the DOS header says it is.
bool isPortableExecutable(const std::string& bytes) {
    if (bytes.size() < 64 || !startsWith(bytes, "MZ")) return false;
    const std::uint32_t at = littleEndian32(bytes, 0x3C);
    return at <= bytes.size() - 4 && bytes.compare(at, 4, std::string("PE\0\0", 4)) == 0;
}

bool isProgram(const std::string& bytes) {
    if (isPortableExecutable(bytes) || startsWith(bytes, "\x7f" "ELF")) return true;
    for (const char* machO : {"\xFE\xED\xFA\xCE", "\xFE\xED\xFA\xCF", "\xCE\xFA\xED\xFE", "\xCF\xFA\xED\xFE"}) {
        if (startsWith(bytes, machO)) return true;
    }
    return false;
}

bool isZip(const std::string& bytes) { return startsWith(bytes, "PK\x03\x04") || startsWith(bytes, "PK\x05\x06"); }

}  // namespace

const char* toString(FileUse use) {
    switch (use) {
        case FileUse::Attachment: return "attachment";
        case FileUse::Template: return "template";
        case FileUse::Chat: return "chat";
        case FileUse::Channel: return "channel";
    }
    return "";
}

std::optional<FileUse> parseFileUse(const std::string& text) {
    for (FileUse use : {FileUse::Attachment, FileUse::Template, FileUse::Chat, FileUse::Channel}) {
        if (text == toString(use)) return use;
    }
    return std::nullopt;
}

const std::vector<FileUse>& restrictedFileUses() {
    static const std::vector<FileUse> uses{FileUse::Attachment, FileUse::Template, FileUse::Chat};
    return uses;
}

bool isTypePattern(const std::string& pattern) {
    if (pattern == "*/*") return true;
    const auto slash = pattern.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == pattern.size()) return false;
    const auto star = pattern.find('*');
    if (star != std::string::npos && star + 1 != pattern.size()) return false;  // only a trailing one
    return std::all_of(pattern.begin(), pattern.end(), [](unsigned char c) {
        return std::islower(c) || std::isdigit(c) || c == '/' || c == '*' || c == '.' || c == '+' || c == '-';
    });
}

bool typeMatches(const std::string& pattern, const std::string& mediaType) {
    if (pattern == "*/*") return true;
    if (!pattern.empty() && pattern.back() == '*') return startsWith(mediaType, pattern.substr(0, pattern.size() - 1));
    return pattern == mediaType;
}

std::string mediaTypeOf(const std::string& contentType) {
    std::string type = contentType.substr(0, contentType.find(';'));
    type.erase(0, type.find_first_not_of(" \t"));
    type.erase(type.find_last_not_of(" \t") + 1);
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
    return type;
}

std::string contentMismatch(const std::string& mediaType, const std::string& bytes) {
    if (isProgram(bytes)) return "the file is a program, whatever its type says (" + mediaType + ")";
    std::string expected;
    bool matches = true;
    if (mediaType == "image/png") {
        expected = "a PNG image";
        matches = startsWith(bytes, "\x89PNG\r\n\x1a\n");
    } else if (mediaType == "image/jpeg") {
        expected = "a JPEG image";
        matches = startsWith(bytes, "\xFF\xD8\xFF");
    } else if (mediaType == "image/gif") {
        expected = "a GIF image";
        matches = startsWith(bytes, "GIF87a") || startsWith(bytes, "GIF89a");
    } else if (mediaType == "image/webp") {
        expected = "a WebP image";
        matches = bytes.size() >= 12 && startsWith(bytes, "RIFF") && bytes.compare(8, 4, "WEBP") == 0;
    } else if (mediaType == "application/pdf") {
        // Readers accept a little before the header (ISO 32000: within the first 1024 bytes).
        expected = "a PDF document";
        matches = bytes.substr(0, 1024).find("%PDF-") != std::string::npos;
    } else if (mediaType == "application/zip" ||
               startsWith(mediaType, "application/vnd.openxmlformats-officedocument.") ||
               startsWith(mediaType, "application/vnd.oasis.opendocument.")) {
        expected = "a ZIP archive (what office documents are)";
        matches = isZip(bytes);
    }
    if (matches) return "";
    return "the file is declared " + mediaType + " but its bytes are not " + expected;
}

AllowedFileTypes AllowedFileTypes::defaults() {
    const std::vector<std::string> documents{
        "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv",
        "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.*", "application/vnd.oasis.opendocument.*", "application/rtf",
        "application/zip", "audio/*", "video/*"};
    AllowedFileTypes allowed;
    for (FileUse use : restrictedFileUses()) allowed.set(use, documents);
    return allowed;
}

const std::vector<std::string>& AllowedFileTypes::of(FileUse use) const {
    static const std::vector<std::string> none;
    const auto found = patterns_.find(use);
    return found == patterns_.end() ? none : found->second;
}

bool AllowedFileTypes::admits(FileUse use, const std::string& mediaType) const {
    if (use == FileUse::Channel) return true;
    const auto& patterns = of(use);
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& pattern) { return typeMatches(pattern, mediaType); });
}

}  // namespace omnigate
