// The decoding building blocks: transfer encodings, iconv charsets (with lying and unknown labels), RFC 2047 words
// and RFC 2231 values.
#include <gtest/gtest.h>

#include "mime_text.h"

namespace omnigate::email {
namespace {

TEST(MimeText, TransferEncodings) {
    EXPECT_EQ(decodeBase64("SGVs\r\nbG8=\r\n"), "Hello");
    EXPECT_EQ(decodeBase64("SGVs!!bG8"), "Hello");  // junk skipped
    EXPECT_EQ(decodeQuotedPrintable("caf=C3=A9 =\r\nau lait=3D=ZZ"), "caf\xC3\xA9 au lait==ZZ");
    EXPECT_EQ(decodeQuotedPrintable("a_b", true), "a b");
    EXPECT_EQ(decodeBase64(encodeBase64(std::string("\0\x01\xFFxyz", 6))), std::string("\0\x01\xFFxyz", 6));
}

TEST(MimeText, CharsetsIntoUtf8) {
    EXPECT_EQ(toUtf8("\xF0\xD2\xC9\xD7\xC5\xD4", "KOI8-R"), "Привет");
    EXPECT_EQ(toUtf8("\xCF\xF0\xE8\xE2\xE5\xF2", "windows-1251"), "Привет");
    EXPECT_EQ(toUtf8("\xCF\xF0\xE8\xE2\xE5\xF2", "cp1251"), "Привет");
    EXPECT_EQ(toUtf8("\xBF\xE0\xD8\xD2\xD5\xE2", "ISO-8859-5"), "Привет");
    EXPECT_EQ(toUtf8("\x8F\xE0\xA8\xA2\xA5\xE2", "CP866"), "Привет");
    // Unlabelled or unknown: UTF-8 when valid, else windows-1251.
    EXPECT_EQ(toUtf8("Привет", ""), "Привет");
    EXPECT_EQ(toUtf8("\xCF\xF0\xE8\xE2\xE5\xF2", "x-unknown-charset"), "Привет");
    // Labelled UTF-8 but is windows-1251.
    EXPECT_EQ(toUtf8("\xCF\xF0\xE8\xE2\xE5\xF2", "utf-8"), "Привет");
    // A byte invalid in the charset costs one replacement character.
    EXPECT_TRUE(isValidUtf8(toUtf8("a\x98z", "KOI8-U")));
    EXPECT_EQ(sanitizeUtf8("a\xC3z"), "a\xEF\xBF\xBDz");
}

TEST(MimeText, EncodedWords) {
    EXPECT_EQ(decodeHeader("=?utf-8?q?caf=C3=A9?= =?utf-8?b?IGF1IGxhaXQ=?="), "café au lait");
    EXPECT_EQ(decodeHeader("plain =?KOI8-R?B?8NLJ18XU?= text"), "plain Привет text");
    EXPECT_EQ(decodeHeader("=?broken?X?abc?= stays"), "=?broken?X?abc?= stays");
    EXPECT_EQ(decodeHeader("=?utf-8*ru?Q?=D0=94?="), "Д");
    EXPECT_EQ(decodeHeader("\xCF\xF0\xE8\xE2\xE5\xF2"), "Привет");  // raw 8-bit windows-1251 in a header
}

TEST(MimeText, Rfc2231AndEncodingHeaders) {
    EXPECT_EQ(decodeRfc2231Value("utf-8'ru'%D0%A1%D1%87%D1%91%D1%82.pdf"), "Счёт.pdf");
    EXPECT_EQ(decodeRfc2231Value("koi8-r''%F3%DE%C5%D4"), "Счет");
    EXPECT_EQ(encodeHeaderWords("plain"), "plain");
    const std::string encoded = encodeHeaderWords(std::string(40, 'x') + " Привет, это длинная тема письма");
    EXPECT_EQ(decodeHeader(encoded), std::string(40, 'x') + " Привет, это длинная тема письма");
    for (std::size_t pos = 0; (pos = encoded.find("=?", pos)) != std::string::npos; pos += 2) {
        EXPECT_LE(encoded.find("?=", pos) + 2 - pos, 75u);
    }
}

}  // namespace
}  // namespace omnigate::email
