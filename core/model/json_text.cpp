#include "model/json_text.h"

#include <Poco/NumberFormatter.h>

#include <cmath>

namespace omnigate {

void JsonText::next() {
    if (afterKey_) {
        afterKey_ = false;
        return;
    }
    if (!empty_.empty()) {
        if (!empty_.back()) out_ += ',';
        empty_.back() = false;
    }
}

JsonText& JsonText::beginObject() {
    next();
    out_ += '{';
    empty_.push_back(true);
    return *this;
}

JsonText& JsonText::endObject() {
    out_ += '}';
    empty_.pop_back();
    return *this;
}

JsonText& JsonText::beginArray() {
    next();
    out_ += '[';
    empty_.push_back(true);
    return *this;
}

JsonText& JsonText::endArray() {
    out_ += ']';
    empty_.pop_back();
    return *this;
}

JsonText& JsonText::key(const std::string& name) {
    value(name);
    out_ += ':';
    afterKey_ = true;
    return *this;
}

JsonText& JsonText::value(const std::string& text) {
    next();
    static const char* const hex = "0123456789abcdef";
    out_ += '"';
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"': out_ += "\\\""; break;
            case '\\': out_ += "\\\\"; break;
            case '\n': out_ += "\\n"; break;
            case '\r': out_ += "\\r"; break;
            case '\t': out_ += "\\t"; break;
            default:
                if (u < 0x20) {
                    out_ += "\\u00";
                    out_ += hex[u >> 4];
                    out_ += hex[u & 0xF];
                } else {
                    out_ += c;
                }
        }
    }
    out_ += '"';
    return *this;
}

JsonText& JsonText::value(double number) {
    if (!std::isfinite(number)) return null();  // JSON has no NaN or infinity
    next();
    out_ += Poco::NumberFormatter::format(number);
    return *this;
}

JsonText& JsonText::value(std::int64_t number) {
    next();
    out_ += std::to_string(number);
    return *this;
}

JsonText& JsonText::value(bool flag) {
    next();
    out_ += flag ? "true" : "false";
    return *this;
}

JsonText& JsonText::value(const std::optional<double>& number) { return number ? value(*number) : null(); }

JsonText& JsonText::null() {
    next();
    out_ += "null";
    return *this;
}

JsonText& JsonText::raw(const std::string& json) {
    next();
    out_ += json;
    return *this;
}

}  // namespace omnigate
