#include "omnigate/sdk/config_node.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <regex>
#include <set>

namespace omnigate {

namespace {

std::string formatError(const std::string& file, int line, int column, const std::string& keyPath,
                        const std::string& message) {
    std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
    if (!keyPath.empty()) out += keyPath + ": ";
    return out + message;
}

}  // namespace

ConfigError::ConfigError(const std::string& file, int line, int column, const std::string& keyPath,
                         const std::string& message)
    : std::runtime_error(formatError(file, line, column, keyPath, message)),
      file_(file), line_(line), column_(column), keyPath_(keyPath), problem_(message) {}

std::string substituteEnvironment(const std::string& text) {
    static const std::regex reference(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\})");
    std::string out;
    auto begin = std::sregex_iterator(text.begin(), text.end(), reference);
    std::size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        const std::smatch& m = *it;
        out.append(text, last, static_cast<std::size_t>(m.position(0)) - last);
        const std::string name = m[1].str();
        const char* value = std::getenv(name.c_str());
        if (value != nullptr && *value != '\0') {
            out += value;
        } else if (m[2].matched) {
            out += m[3].str();
        } else {
            throw std::invalid_argument("environment variable " + name + " is not set (and ${" + name +
                                        "} has no :-default)");
        }
        last = static_cast<std::size_t>(m.position(0) + m.length(0));
    }
    out.append(text, last, std::string::npos);
    return out;
}

struct ConfigNode::Impl {
    std::shared_ptr<const std::string> file;
    std::string path;
    YAML::Node node;  // only ever read through const references (yaml-cpp writes on non-const operator[])
    int line = 1;
    int column = 1;
};

ConfigNode::ConfigNode() : impl_(std::make_shared<Impl>()) { impl_->file = std::make_shared<const std::string>(); }
ConfigNode::ConfigNode(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
ConfigNode::~ConfigNode() = default;
ConfigNode::ConfigNode(const ConfigNode&) = default;
ConfigNode& ConfigNode::operator=(const ConfigNode&) = default;

ConfigNode ConfigNode::parseString(const std::string& text, const std::string& name) {
    auto impl = std::make_shared<Impl>();
    impl->file = std::make_shared<const std::string>(name);
    try {
        impl->node = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw ConfigError(name, e.mark.line + 1, e.mark.column + 1, "", "invalid YAML: " + e.msg);
    }
    if (impl->node.IsNull()) impl->node = YAML::Node(YAML::NodeType::Map);
    const YAML::Mark mark = impl->node.Mark();
    if (!mark.is_null()) {
        impl->line = mark.line + 1;
        impl->column = mark.column + 1;
    }
    return ConfigNode(impl);
}

ConfigNode ConfigNode::parseFile(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ConfigError(file, 0, 0, "", "cannot open the file (check the path and its permissions)");
    std::ostringstream text;
    text << in.rdbuf();
    return parseString(text.str(), file);
}

const std::string& ConfigNode::file() const { return *impl_->file; }
const std::string& ConfigNode::path() const { return impl_->path; }
int ConfigNode::line() const { return impl_->line; }
int ConfigNode::column() const { return impl_->column; }

bool ConfigNode::defined() const { return impl_->node.IsDefined() && !impl_->node.IsNull(); }
// yaml-cpp throws InvalidNode when asked the type of an absent key's node, hence IsDefined() first.
bool ConfigNode::isMap() const { return impl_->node.IsDefined() && impl_->node.IsMap(); }
bool ConfigNode::isSequence() const { return impl_->node.IsDefined() && impl_->node.IsSequence(); }
bool ConfigNode::isScalar() const { return impl_->node.IsDefined() && impl_->node.IsScalar(); }

bool ConfigNode::has(const std::string& key) const {
    if (!isMap()) return false;
    const YAML::Node& self = impl_->node;
    const YAML::Node value = self[key];
    return value.IsDefined() && !value.IsNull();
}

void ConfigNode::fail(const std::string& message) const {
    throw ConfigError(*impl_->file, impl_->line, impl_->column, impl_->path, message);
}

void ConfigNode::expectMap() const {
    if (!defined()) fail("missing");
    if (!isMap()) fail("expected a mapping of keys to values");
}

ConfigNode ConfigNode::operator[](const std::string& key) const {
    if (defined() && !isMap()) fail("expected a mapping with the key '" + key + "'");
    const YAML::Node& self = impl_->node;
    // Copy-constructed, never assigned: yaml-cpp throws when an absent key's (invalid) node is assigned.
    const YAML::Node value = isMap() ? self[key] : YAML::Node();
    auto impl = std::make_shared<Impl>(Impl{impl_->file, impl_->path.empty() ? key : impl_->path + "." + key, value,
                                            impl_->line, impl_->column});
    if (value.IsDefined()) {
        const YAML::Mark mark = value.Mark();
        if (!mark.is_null()) {
            impl->line = mark.line + 1;
            impl->column = mark.column + 1;
        }
    }
    return ConfigNode(impl);
}

ConfigNode ConfigNode::child(const std::string& key) const {
    ConfigNode node = (*this)[key];
    if (!node.defined()) node.fail("missing");
    return node;
}

std::vector<ConfigNode> ConfigNode::elements() const {
    std::vector<ConfigNode> out;
    if (!defined()) return out;
    if (!isSequence()) fail("expected a list");
    const YAML::Node& self = impl_->node;
    for (std::size_t i = 0; i < self.size(); ++i) {
        const YAML::Node item = self[i];
        const YAML::Mark mark = item.Mark();
        auto impl = std::make_shared<Impl>(Impl{impl_->file, impl_->path + "[" + std::to_string(i) + "]", item,
                                                mark.is_null() ? impl_->line : mark.line + 1,
                                                mark.is_null() ? impl_->column : mark.column + 1});
        out.push_back(ConfigNode(impl));
    }
    return out;
}

std::vector<std::string> ConfigNode::keys() const {
    std::vector<std::string> out;
    if (!isMap()) return out;
    const YAML::Node& self = impl_->node;
    for (auto it = self.begin(); it != self.end(); ++it) out.push_back(it->first.Scalar());
    return out;
}

void ConfigNode::expectKeys(std::initializer_list<const char*> allowed) const {
    if (!defined()) return;
    expectMap();
    const YAML::Node& self = impl_->node;
    std::set<std::string> seen;
    for (auto it = self.begin(); it != self.end(); ++it) {
        const std::string key = it->first.Scalar();
        // yaml-cpp keeps the first of two equal keys and drops the second without a word.
        if (!seen.insert(key).second) {
            const YAML::Mark mark = it->first.Mark();
            throw ConfigError(*impl_->file, mark.line + 1, mark.column + 1,
                              impl_->path.empty() ? key : impl_->path + "." + key, "duplicate key");
        }
        bool known = false;
        std::string list;
        for (const char* a : allowed) {
            known = known || key == a;
            list += list.empty() ? a : std::string(", ") + a;
        }
        if (!known) {
            const YAML::Mark mark = it->first.Mark();
            const std::string path = impl_->path.empty() ? key : impl_->path + "." + key;
            throw ConfigError(*impl_->file, mark.line + 1, mark.column + 1, path,
                              "unknown key (expected one of: " + list + ")");
        }
    }
}

std::string ConfigNode::asString() const {
    if (!defined()) fail("missing");
    if (!isScalar()) fail("expected a single value, not a list or mapping");
    try {
        return substituteEnvironment(impl_->node.Scalar());
    } catch (const std::invalid_argument& e) {
        fail(e.what());
    }
}

std::int64_t ConfigNode::asInt(std::int64_t min, std::int64_t max) const {
    const std::string text = asString();
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        fail("expected an integer, got '" + text + "'");
    }
    if (value < min || value > max) {
        fail("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text);
    }
    return value;
}

double ConfigNode::asDouble() const {
    const std::string text = asString();
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) fail("expected a number, got '" + text + "'");
    return value;
}

bool ConfigNode::asBool() const {
    const std::string text = asString();
    if (text == "true" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "no" || text == "off") return false;
    fail("expected true or false, got '" + text + "'");
}

std::string ConfigNode::getString(const std::string& key) const { return child(key).asString(); }

std::string ConfigNode::getString(const std::string& key, const std::string& fallback) const {
    const ConfigNode node = (*this)[key];
    return node.defined() ? node.asString() : fallback;
}

std::int64_t ConfigNode::getInt(const std::string& key, std::int64_t min, std::int64_t max) const {
    return child(key).asInt(min, max);
}

std::int64_t ConfigNode::getInt(const std::string& key, std::int64_t fallback, std::int64_t min,
                                std::int64_t max) const {
    const ConfigNode node = (*this)[key];
    return node.defined() ? node.asInt(min, max) : fallback;
}

bool ConfigNode::getBool(const std::string& key, bool fallback) const {
    const ConfigNode node = (*this)[key];
    return node.defined() ? node.asBool() : fallback;
}

}  // namespace omnigate
