#include "api/api_support.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timespan.h>

#include <regex>
#include <sstream>

#include "omnigate/sdk/api_error.h"
#include "omnigate/sdk/content_disposition.h"
#include "omnigate/sdk/secrets.h"

namespace omnigate::api {

namespace {

std::optional<std::int64_t> parseInt(const std::string& text) {
    try {
        std::size_t used = 0;
        const long long value = std::stoll(text, &used);
        if (used == text.size()) return value;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

}  // namespace

void requireBearer(const HttpRequest& request, const std::string& token) {
    const std::string given = request.bearerToken();
    if (given.empty()) throw ApiError::unauthorized("this endpoint needs 'Authorization: Bearer <admin token>'");
    if (!constantTimeEquals(given, token)) throw ApiError::unauthorized("the API token is not valid");
}

Poco::JSON::Object::Ptr parseBody(const HttpRequest& request) {
    Poco::Dynamic::Var parsed;
    try {
        parsed = Poco::JSON::Parser().parse(request.body);
    } catch (const Poco::Exception& e) {
        throw ApiError::badRequest("the body is not valid JSON: " + e.message());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) throw ApiError::badRequest("the body must be a JSON object");
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

std::optional<std::string> optionalString(const Poco::JSON::Object::Ptr& object, const std::string& field) {
    if (!object->has(field) || object->isNull(field)) return std::nullopt;
    const Poco::Dynamic::Var value = object->get(field);
    if (!value.isString()) throw ApiError::badRequest("'" + field + "' must be a string");
    return value.extract<std::string>();
}

std::string requiredString(const Poco::JSON::Object::Ptr& object, const std::string& field) {
    auto value = optionalString(object, field);
    if (!value) throw ApiError::badRequest("'" + field + "' is required");
    return *value;
}

std::optional<std::int64_t> optionalInt(const Poco::JSON::Object::Ptr& object, const std::string& field) {
    if (!object->has(field) || object->isNull(field)) return std::nullopt;
    const Poco::Dynamic::Var value = object->get(field);
    if (!value.isInteger()) throw ApiError::badRequest("'" + field + "' must be an integer");
    return value.convert<std::int64_t>();
}

std::optional<std::int64_t> parentIdField(const Poco::JSON::Object::Ptr& object, const std::string& node) {
    if (!object->has("parent_id")) return std::nullopt;
    if (object->isNull("parent_id")) return 0;
    const std::int64_t id = requiredInt(object, "parent_id");
    if (id <= 0) throw ApiError::badRequest("'parent_id' must be the id of " + node + " (a positive integer) or null");
    return id;
}

std::int64_t requiredInt(const Poco::JSON::Object::Ptr& object, const std::string& field) {
    auto value = optionalInt(object, field);
    if (!value) throw ApiError::badRequest("'" + field + "' is required");
    return *value;
}

std::optional<bool> optionalBool(const Poco::JSON::Object::Ptr& object, const std::string& field) {
    if (!object->has(field) || object->isNull(field)) return std::nullopt;
    const Poco::Dynamic::Var value = object->get(field);
    if (!value.isBoolean()) throw ApiError::badRequest("'" + field + "' must be true or false");
    return value.convert<bool>();
}

std::int64_t pathId(const HttpRequest& request, const std::string& name) {
    const std::string text = request.param(name);
    const auto id = parseInt(text);
    if (!id || *id <= 0) throw ApiError::badRequest("'" + text + "' is not a valid " + name);
    return *id;
}

std::size_t queryLimit(const HttpRequest& request, std::size_t fallback, std::size_t max) {
    const std::string text = request.queryParam("limit");
    if (text.empty()) return fallback;
    const auto value = parseInt(text);
    if (!value || *value < 1 || static_cast<std::size_t>(*value) > max) {
        throw ApiError::badRequest("'limit' must be a number from 1 to " + std::to_string(max));
    }
    return static_cast<std::size_t>(*value);
}

std::optional<std::int64_t> queryInt(const HttpRequest& request, const std::string& name) {
    const std::string text = request.queryParam(name);
    if (text.empty()) return std::nullopt;
    const auto value = parseInt(text);
    if (!value) throw ApiError::badRequest("'" + name + "' must be an integer");
    return value;
}

std::string encodeCursor(std::int64_t lastId) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder << "after:" << lastId;
    encoder.close();
    return out.str();
}

std::int64_t decodeCursor(const std::string& cursor) {
    std::string text;
    try {
        std::istringstream in(cursor);
        Poco::Base64Decoder decoder(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
        std::getline(decoder, text);
    } catch (const Poco::Exception&) {
        throw ApiError::badRequest("'cursor' is not a cursor this API returned");
    }
    const auto id = text.rfind("after:", 0) == 0 ? parseInt(text.substr(6)) : std::nullopt;
    if (!id || *id < 0) throw ApiError::badRequest("'cursor' is not a cursor this API returned");
    return *id;
}

std::string stringify(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

HttpResponse jsonResponse(int status, const Poco::JSON::Object::Ptr& object) {
    return HttpResponse::json(status, stringify(object));
}

HttpResponse noContent() {
    HttpResponse response;
    response.status = 204;
    return response;
}

HttpResponse spreadsheetResponse(const SpreadsheetExport& sheet, const std::string& format,
                                 const std::string& fileName) {
    HttpResponse response;
    response.status = 200;
    if (format == "csv") {
        response.contentType = "text/csv; charset=utf-8";
        response.body = sheet.csv();
    } else {
        response.contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        try {
            response.body = sheet.xlsx();
        } catch (const std::runtime_error& e) {
            throw InternalError(500, "export_failed", "the XLSX file could not be written", e.what());
        }
    }
    response.headers.emplace_back("Content-Disposition", contentDisposition("attachment", fileName));
    response.headers.emplace_back("X-Omnigate-Export-Rows", std::to_string(sheet.rowCount()));
    return response;
}

void rejectUnknownFields(const Poco::JSON::Object::Ptr& body, const std::set<std::string>& known,
                         const std::string& what) {
    for (const std::string& name : body->getNames()) {
        if (known.count(name) != 0) continue;
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
        throw ApiError::badRequest("'" + name + "' is not a field of " + what + " (" + list + ")");
    }
}

Poco::DateTime parseTime(const std::string& text, const std::string& field, bool endOfDay) {
    static const std::regex iso(
        R"((\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2})))?)");
    std::smatch m;
    const auto bad = [&] {
        return ApiError::badRequest("'" + field + "' must be an ISO 8601 time with a zone, like 2026-11-25T10:00:00Z " +
                                    "or 2026-11-25T13:00:00+03:00, or a date like 2026-11-25; got '" + text + "'");
    };
    if (!std::regex_match(text, m, iso)) throw bad();
    const auto number = [&](std::size_t group) { return m[group].matched ? std::stoi(m[group].str()) : 0; };
    const int year = number(1), month = number(2), day = number(3), hour = number(4), minute = number(5),
              second = number(6);
    const int millis = m[7].matched ? std::stoi((m[7].str() + "00").substr(0, 3)) : 0;
    if (year < 1000 || !Poco::DateTime::isValid(year, month, day, hour, minute, second, millis)) throw bad();
    Poco::DateTime time(year, month, day, hour, minute, second, millis);
    if (endOfDay && !m[4].matched) time += Poco::Timespan(1, 0, 0, 0, 0) - Poco::Timespan(1000);
    if (m[9].matched) {
        const int offsetHours = number(10), offsetMinutes = number(11);
        if (offsetHours > 14 || offsetMinutes > 59) throw bad();
        const Poco::Timespan offset(0, offsetHours, offsetMinutes, 0, 0);
        // Local time = UTC + offset.
        if (m[9].str() == "+") {
            time -= offset;
        } else {
            time += offset;
        }
    }
    return time;
}

std::string queryDbTime(const HttpRequest& request, const std::string& name, bool endOfDay) {
    const std::string text = request.queryParam(name);
    if (text.empty()) return "";
    return Poco::DateTimeFormatter::format(parseTime(text, name, endOfDay), "%Y-%m-%d %H:%M:%S.%i");
}

Actor authorizeActor(const HttpRequest& request, const std::string& adminToken) {
    requireBearer(request, adminToken);
    const std::string header = request.header("x-omnigate-actor");
    if (header.empty()) return Actor{"admin", ""};
    static const std::regex operatorActor(R"(operator:([A-Za-z0-9_.@-]{1,64}))");
    std::smatch m;
    if (!std::regex_match(header, m, operatorActor)) {
        throw ApiError::badRequest("'X-Omnigate-Actor' must be operator:<id> (1-64 letters, digits, '_', '.', '@' or "
                                   "'-'); got '" + header + "'");
    }
    return Actor{"operator", m[1].str()};
}

}  // namespace omnigate::api
