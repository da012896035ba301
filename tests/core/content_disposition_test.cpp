// Content-Disposition of a download (RFC 6266): whatever the name holds, the header stays one line, the quoted
// ASCII fallback stays one quoted string, and filename* carries the exact UTF-8 name percent-encoded (RFC 5987).
#include <gtest/gtest.h>

#include "omnigate/sdk/content_disposition.h"

namespace omnigate {
namespace {

TEST(ContentDisposition, QuotesLineBreaksAndOtherScriptsCannotEscapeTheHeader) {
    EXPECT_EQ(contentDisposition("attachment", "report.pdf"),
              "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
    EXPECT_EQ(contentDisposition("attachment", "a\"b\r\nSet-Cookie: x=1\\.txt"),
              "attachment; filename=\"a_b__Set-Cookie: x=1_.txt\"; "
              "filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x%3D1%5C.txt");
    // "счёт №1.pdf": one '_' per character in the fallback, every byte encoded in filename*.
    EXPECT_EQ(contentDisposition("inline", "\xd1\x81\xd1\x87\xd1\x91\xd1\x82 \xe2\x84\x96" "1.pdf"),
              "inline; filename=\"____ _1.pdf\"; filename*=UTF-8''%D1%81%D1%87%D1%91%D1%82%20%E2%84%961.pdf");
    EXPECT_EQ(contentDisposition("attachment", ""), "attachment; filename=\"file\"; filename*=UTF-8''file");
}

}  // namespace
}  // namespace omnigate
