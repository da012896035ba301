#include "config/config_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <regex>
#include <set>

namespace omnigate {

namespace {

// Keys whose values (or list items, or map values) are always text in the routing configuration.
const std::set<std::string> kTextKeys{"id",       "name",     "sample",       "channel",   "account",
                                      "overflow_queue", "branch", "workplace", "mode",     "distribution_mode",
                                      "queue",    "utc_offset", "from",       "to",        "groups",
                                      "queues",   "channels", "accounts",     "client_flags", "words",
                                      "holidays", "card_fields"};

std::string position(const ConfigNode& node) {
    return node.file() + ":" + std::to_string(node.line()) + ":" + std::to_string(node.column());
}

Poco::Dynamic::Var scalar(const ConfigNode& node, bool text) {
    const std::string value = node.asString();
    if (text) return value;
    if (value == "true") return true;
    if (value == "false") return false;
    static const std::regex integer("-?[0-9]{1,18}");
    static const std::regex decimal("-?[0-9]+\\.[0-9]+([eE][-+]?[0-9]+)?");
    if (std::regex_match(value, integer)) return static_cast<Poco::Int64>(std::stoll(value));
    if (std::regex_match(value, decimal)) return std::stod(value);
    return value;
}

Poco::Dynamic::Var convert(const ConfigNode& node, const std::string& path, bool text,
                           std::map<std::string, std::string>& positions) {
    positions[path] = position(node);
    if (!node.defined()) return Poco::Dynamic::Var();
    if (node.isMap()) {
        Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        std::set<std::string> seen;
        for (const std::string& key : node.keys()) {
            const ConfigNode child = node[key];
            // yaml-cpp keeps the first of two equal keys and drops the second without a word.
            if (!seen.insert(key).second) child.fail("duplicate key");
            const std::string at = path.empty() ? key : path + "." + key;
            object->set(key, convert(child, at, text || kTextKeys.count(key) != 0, positions));
        }
        return object;
    }
    if (node.isSequence()) {
        Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
        const auto items = node.elements();
        for (std::size_t i = 0; i < items.size(); ++i) {
            array->add(convert(items[i], path + "[" + std::to_string(i) + "]", text, positions));
        }
        return array;
    }
    return scalar(node, text);
}

}  // namespace

Poco::Dynamic::Var configToJson(const ConfigNode& node, std::map<std::string, std::string>& positions) {
    return convert(node, "", false, positions);
}

}  // namespace omnigate
