// What every REST resource handler needs: the admin bearer check, JSON bodies with 400s that name the field,
// ids from the path, limits and opaque cursors from the query. Kept here so each resource file is only its logic.
#pragma once

#include <Poco/DateTime.h>
#include <Poco/JSON/Object.h>

#include <cppconn/exception.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "api/spreadsheet_export.h"
#include "db/connection_pool.h"
#include "model/internal_error.h"
#include "model/utf8_text.h"
#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/http.h"
#include "store/interaction_store.h"

namespace omnigate::api {

// Throws ApiError 401 unless the request carries `token` as its bearer token (compared in constant time).
void requireBearer(const HttpRequest& request, const std::string& token);

// The body as a JSON object; 400 when it is not one.
Poco::JSON::Object::Ptr parseBody(const HttpRequest& request);

// Fields of a JSON object; 400 naming the field when absent (required) or of the wrong type.
std::string requiredString(const Poco::JSON::Object::Ptr& object, const std::string& field);
std::optional<std::string> optionalString(const Poco::JSON::Object::Ptr& object, const std::string& field);
std::int64_t requiredInt(const Poco::JSON::Object::Ptr& object, const std::string& field);
std::optional<std::int64_t> optionalInt(const Poco::JSON::Object::Ptr& object, const std::string& field);
std::optional<bool> optionalBool(const Poco::JSON::Object::Ptr& object, const std::string& field);
// A tree's parent_id: absent (nullopt), null (0, the root) or a positive id; 400 naming the kind of `node`
// ("a topic") otherwise.
std::optional<std::int64_t> parentIdField(const Poco::JSON::Object::Ptr& object, const std::string& node);

// A positive integer path parameter; 400 naming it otherwise.
std::int64_t pathId(const HttpRequest& request, const std::string& name = "id");
// ?limit=, default and maximum given; 400 when not a number in 1..max.
std::size_t queryLimit(const HttpRequest& request, std::size_t fallback, std::size_t max);
// An optional integer query parameter; 400 naming it when not an integer.
std::optional<std::int64_t> queryInt(const HttpRequest& request, const std::string& name);

// Opaque keyset cursors: the id to continue after. decodeCursor throws 400 on garbage.
std::string encodeCursor(std::int64_t lastId);
std::int64_t decodeCursor(const std::string& cursor);

std::string stringify(const Poco::JSON::Object::Ptr& object);
HttpResponse jsonResponse(int status, const Poco::JSON::Object::Ptr& object);
HttpResponse noContent();  // 204
// The sheet as a download: `format` csv or xlsx, saved as `fileName` (with its extension); 500 when the XLSX
// cannot be written.
HttpResponse spreadsheetResponse(const SpreadsheetExport& sheet, const std::string& format,
                                 const std::string& fileName);

// A typo in a field name would otherwise be a silent no-op: 400 naming the field, what it is not a field of
// ("a topic") and the fields there are.
void rejectUnknownFields(const Poco::JSON::Object::Ptr& body, const std::set<std::string>& known,
                         const std::string& what);


// The admin bearer check, then who acts: {admin} by default; `X-Omnigate-Actor: operator:<id>` records which
// operator acted (400 when the header is malformed).
Actor authorizeActor(const HttpRequest& request, const std::string& adminToken);

// An ISO 8601 time with a zone (Z or ±hh:mm), or a bare date meaning its midnight UTC (its last millisecond with
// `endOfDay`, so "up to 2026-11-25" includes that day); 400 naming `field` otherwise. A time without a zone is
// refused: the server cannot know whose local time it was.
Poco::DateTime parseTime(const std::string& text, const std::string& field, bool endOfDay = false);
// The query parameter `name` parsed so, as the database keeps times ("2026-11-25 00:00:00.000"); "" when absent.
std::string queryDbTime(const HttpRequest& request, const std::string& name, bool endOfDay = false);

// Reads run on a pooled connection; a lost connection is dropped from the pool and answered 503.
template <typename Result, typename Read>
Result readWith(ConnectionPool& pool, const std::string& what, Read&& read) {
    PooledSession session = pool.acquire();
    try {
        return read(*session);
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) session->markBroken();
        throw InternalError::unavailable("reading " + what + " failed", e.what());
    }
}

}  // namespace omnigate::api
