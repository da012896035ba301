// What each use of a file admits: the administrator's type patterns, the media type of a Content-Type, and the
// look at the first bytes that refuses a program or a fake picture whatever its declared type.
#include <gtest/gtest.h>

#include "model/file_types.h"

namespace omnigate {
namespace {

TEST(FileTypes, PatternsAreExactTypesTrailingWildcardsOrEverything) {
    for (const char* good : {"image/png", "image/*", "*/*", "application/vnd.openxmlformats-officedocument.*",
                             "application/vnd.ms-excel", "image/svg+xml"}) {
        EXPECT_TRUE(isTypePattern(good)) << good;
    }
    for (const char* bad : {"", "image", "image/", "/png", "Image/PNG", "im*ge/png", "image/*png", "*", "text/plain;"}) {
        EXPECT_FALSE(isTypePattern(bad)) << bad;
    }
    EXPECT_TRUE(typeMatches("image/*", "image/webp"));
    EXPECT_FALSE(typeMatches("image/*", "imagery/png"));
    EXPECT_TRUE(typeMatches("application/vnd.openxmlformats-officedocument.*",
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
    EXPECT_FALSE(typeMatches("application/pdf", "application/pdfx"));
    EXPECT_TRUE(typeMatches("*/*", "application/x-msdownload"));
}

TEST(FileTypes, TheMediaTypeLosesItsParametersAndCase) {
    EXPECT_EQ(mediaTypeOf("Text/Plain; charset=UTF-8"), "text/plain");
    EXPECT_EQ(mediaTypeOf("  image/PNG  "), "image/png");
    EXPECT_EQ(mediaTypeOf(""), "");
}

TEST(FileTypes, TheDefaultsAdmitDocumentsAndPicturesAndNoProgram) {
    const AllowedFileTypes allowed = AllowedFileTypes::defaults();
    for (FileUse use : restrictedFileUses()) {
        EXPECT_TRUE(allowed.admits(use, "image/jpeg"));
        EXPECT_TRUE(allowed.admits(use, "application/pdf"));
        EXPECT_TRUE(allowed.admits(use, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
        EXPECT_FALSE(allowed.admits(use, "application/x-msdownload"));
        EXPECT_FALSE(allowed.admits(use, "application/octet-stream"));
        EXPECT_FALSE(allowed.admits(use, "text/html")) << "a page with scripts, opened from our own origin";
    }
    EXPECT_TRUE(allowed.admits(FileUse::Channel, "application/x-msdownload")) << "a client's file is kept, and scanned";
}

TEST(FileTypes, BytesMustBeWhatTheTypeSays) {
    EXPECT_EQ(contentMismatch("image/png", std::string("\x89PNG\r\n\x1a\n", 8) + "rest"), "");
    EXPECT_NE(contentMismatch("image/png", "<svg onload=alert(1)>"), "");
    EXPECT_EQ(contentMismatch("image/jpeg", "\xFF\xD8\xFF\xE0 jfif"), "");
    EXPECT_NE(contentMismatch("image/gif", "GIF"), "") << "shorter than the signature";
    EXPECT_EQ(contentMismatch("image/webp", std::string("RIFF\x10\0\0\0WEBPVP8 ", 16)), "");
    EXPECT_EQ(contentMismatch("application/pdf", "\r\n%PDF-1.7"), "") << "readers accept a little before the header";
    EXPECT_NE(contentMismatch("application/pdf", "<html>"), "");
    EXPECT_EQ(contentMismatch("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                              std::string("PK\x03\x04", 4) + "word/"),
              "");
    EXPECT_NE(contentMismatch("application/zip", "not a zip"), "");
    EXPECT_EQ(contentMismatch("text/plain", "MZ is how this note begins"), "") << "MZ alone is no program";
}

TEST(FileTypes, AProgramIsRefusedWhateverTypeItClaims) {
    std::string pe(128, '\0');
    pe[0] = 'M';
    pe[1] = 'Z';
    pe[0x3C] = 0x40;
    pe.replace(0x40, 4, std::string("PE\0\0", 4));
    const std::string elf = std::string("\x7f" "ELF\x02\x01\x01", 7) + std::string(32, '\0');
    const std::string machO = std::string("\xCF\xFA\xED\xFE", 4) + std::string(32, '\0');
    for (const std::string& program : {pe, elf, machO}) {
        EXPECT_NE(contentMismatch("text/plain", program), "");
        EXPECT_NE(contentMismatch("application/pdf", program), "");
    }
    // A DOS header whose PE offset points past the end is no program.
    std::string cut = pe.substr(0, 64);
    EXPECT_EQ(contentMismatch("text/plain", cut), "");
}

TEST(FileTypes, UsesHaveNames) {
    for (FileUse use : {FileUse::Attachment, FileUse::Template, FileUse::Chat, FileUse::Channel}) {
        EXPECT_EQ(parseFileUse(toString(use)), use);
    }
    EXPECT_FALSE(parseFileUse("Attachment").has_value());
}

}  // namespace
}  // namespace omnigate
