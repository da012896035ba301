// JSON written straight into a string, for answers too large and too frequent to build as Poco::JSON objects
// first: the online board is 500 operators' figures every few seconds, and building its objects and stringifying
// them cost more than everything else it does. Commas are placed by the writer; strings are escaped as RFC 8259
// requires (UTF-8 is kept as it is, as Poco::JSON writes it); numbers as Poco formats them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace omnigate {

class JsonText {
public:
    JsonText& beginObject();
    JsonText& endObject();
    JsonText& beginArray();
    JsonText& endArray();
    JsonText& key(const std::string& name);

    JsonText& value(const std::string& text);
    JsonText& value(const char* text) { return value(std::string(text)); }
    JsonText& value(double number);
    JsonText& value(std::int64_t number);
    JsonText& value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonText& value(bool flag);
    JsonText& value(const std::optional<double>& number);  // null when there is none
    JsonText& null();
    // A value already written as JSON (an entry shared by several documents).
    JsonText& raw(const std::string& json);

    const std::string& str() const { return out_; }

private:
    // A comma before every member or element but the first of its container.
    void next();

    std::string out_;
    std::vector<bool> empty_;  // per open container: nothing written in it yet
    bool afterKey_ = false;
};

}  // namespace omnigate
