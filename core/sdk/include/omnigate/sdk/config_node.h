// A read-only view of one node of the YAML configuration that knows where it came from. Every error it raises
// names the file, line, column and dotted key path ("omnigate.yaml:12:7: channels[0].settings.secret: missing"),
// and every scalar gets ${VAR} / ${VAR:-default} substituted from the environment, so secrets stay out of files.
// The daemon reads its own sections through it and hands plugins theirs, already positioned.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace omnigate {

class ConfigError : public std::runtime_error {
public:
    ConfigError(const std::string& file, int line, int column, const std::string& keyPath, const std::string& message);
    const std::string& file() const noexcept { return file_; }
    int line() const noexcept { return line_; }
    int column() const noexcept { return column_; }
    const std::string& keyPath() const noexcept { return keyPath_; }
    const std::string& problem() const noexcept { return problem_; }

private:
    std::string file_;
    int line_;
    int column_;
    std::string keyPath_;
    std::string problem_;
};

class ConfigNode {
public:
    ConfigNode();  // an undefined node
    ~ConfigNode();
    ConfigNode(const ConfigNode&);
    ConfigNode& operator=(const ConfigNode&);

    static ConfigNode parseFile(const std::string& file);
    static ConfigNode parseString(const std::string& text, const std::string& name);

    const std::string& file() const;
    const std::string& path() const;  // "" for the root, "http.port", "channels[0].id"
    int line() const;                 // 1-based; for an undefined node, its parent's position
    int column() const;

    bool defined() const;
    bool isMap() const;
    bool isSequence() const;
    bool isScalar() const;
    bool has(const std::string& key) const;

    // Children. An absent key gives an undefined node that still knows its path, for errors.
    ConfigNode operator[](const std::string& key) const;
    ConfigNode child(const std::string& key) const;  // required: throws "missing" when absent
    std::vector<ConfigNode> elements() const;       // a sequence's items; throws if not a sequence
    std::vector<std::string> keys() const;          // a map's keys in document order

    // Scalars, with environment substitution. Throw ConfigError when mistyped.
    std::string asString() const;
    std::int64_t asInt(std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX) const;
    double asDouble() const;
    bool asBool() const;

    // Required keys (missing → error) and optional keys with a default.
    std::string getString(const std::string& key) const;
    std::string getString(const std::string& key, const std::string& fallback) const;
    std::int64_t getInt(const std::string& key, std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX) const;
    std::int64_t getInt(const std::string& key, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
    bool getBool(const std::string& key, bool fallback) const;

    // Unknown keys are errors, not silence: call with every key the section understands.
    void expectKeys(std::initializer_list<const char*> allowed) const;
    void expectMap() const;

    [[noreturn]] void fail(const std::string& message) const;

private:
    struct Impl;
    explicit ConfigNode(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> impl_;
};

// ${VAR} and ${VAR:-default} in text, from the process environment. Throws std::invalid_argument naming the
// variable when one without a default is unset.
std::string substituteEnvironment(const std::string& text);

}  // namespace omnigate
