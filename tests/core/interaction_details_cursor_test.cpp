// The interaction details are paged by a cursor the client hands back (docs/reports.md): it must come back as the
// row it stood for, and anything else must be a 400 rather than a query with a made-up time.
#include <gtest/gtest.h>

#include "omnigate/sdk/api_error.h"
#include "reports/interaction_details.h"

namespace omnigate {
namespace {

using Cursor = InteractionDetails::Cursor;

TEST(InteractionDetailsCursor, ComesBackAsTheRowItStoodFor) {
    const Cursor cursor{"2026-12-07 10:15:00.123000", 42};
    EXPECT_EQ(cursor.format(), "20261207101500123000_42");
    const Cursor back = Cursor::parse(cursor.format());
    EXPECT_EQ(back.createdAt, cursor.createdAt);
    EXPECT_EQ(back.id, 42);
}

TEST(InteractionDetailsCursor, AnythingElseIsRefusedNamingAfter) {
    for (const std::string token : {"", "yesterday", "20261207101500123000", "20261207101500123000_",
                                    "2026120710150012300_42", "20261207101500123000_0", "20261207101500123000_4_2",
                                    "20261207101500123000_-4", "20261207101500123000_1234567890123456789"}) {
        try {
            Cursor::parse(token);
            ADD_FAILURE() << "taken: " << token;
        } catch (const ApiError& e) {
            EXPECT_EQ(e.status(), 400);
            EXPECT_NE(std::string(e.what()).find("'after'"), std::string::npos) << e.what();
        }
    }
}

}  // namespace
}  // namespace omnigate
