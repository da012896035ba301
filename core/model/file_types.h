// What a file is stored for, and what each use admits: the media types an administrator allows (files.allowed_types)
// and a look at the first bytes, so that a program uploaded as "image/png" is refused rather than handed to a
// client who trusts our operators' attachments.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace omnigate {

enum class FileUse {
    Attachment,  // an operator's or an integration's upload, sent with a reply (POST /api/v1/files)
    Template,    // a response template's file
    Chat,        // a file of the internal chat
    Channel,     // what a channel or integration plugin stored: a client's attachment, a call's recording
};

const char* toString(FileUse use);
std::optional<FileUse> parseFileUse(const std::string& text);
// The uses an administrator restricts by type: a channel's files are the clients', kept whatever they are and
// scanned instead.
const std::vector<FileUse>& restrictedFileUses();

// "image/png", a prefix ending in '*' ("image/*", "application/vnd.openxmlformats-officedocument.*") or "*/*".
bool isTypePattern(const std::string& pattern);
bool typeMatches(const std::string& pattern, const std::string& mediaType);
// The media type of a Content-Type value: lower case, without its parameters ("Text/Plain; charset=utf-8" →
// "text/plain").
std::string mediaTypeOf(const std::string& contentType);

// Empty when the bytes may be what `mediaType` says; otherwise why not, in a sentence: an image, a PDF or an
// office document whose bytes are not one, or any declared type over the bytes of a program (PE, ELF, Mach-O, a
// script with #!).
std::string contentMismatch(const std::string& mediaType, const std::string& bytes);

// The types each restricted use admits, by pattern.
class AllowedFileTypes {
public:
    // What files.allowed_types gives when the config says nothing: pictures, PDF, text, office documents, audio,
    // video and archives; never a program.
    static AllowedFileTypes defaults();

    void set(FileUse use, std::vector<std::string> patterns) { patterns_[use] = std::move(patterns); }
    const std::vector<std::string>& of(FileUse use) const;
    // Channel files are always admitted.
    bool admits(FileUse use, const std::string& mediaType) const;

private:
    std::map<FileUse, std::vector<std::string>> patterns_;
};

}  // namespace omnigate
