// A response template [шаблон ответа]: a canned answer an operator picks, in a catalog, with {variables} filled
// for the interaction at hand, files attached, and the queues and channels it is offered for. Shared templates are
// the business administrator's; a personal one belongs to one operator. The checks a body must pass before it is
// stored live here, so the API refuses a bad template with the field named and the store never sees one.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <vector>

namespace omnigate {

struct ResponseTemplate {
    std::int64_t id = 0;
    std::int64_t catalogId = 0;  // 0: outside any catalog
    std::string owner;           // empty: shared; else the operator whose personal template it is
    std::string title;
    std::string text;            // with the variables of isResponseTemplateVariable() (model/template_text.h)
    std::string shortcut;        // what the operator types to pick it ("/hello"); may be empty
    std::vector<std::string> files;     // file ids of the file store, in the order they are sent
    std::vector<std::string> queues;    // offered for interactions of these queues; empty: every queue
    std::vector<std::string> channels;  // and of these channel types; empty: every channel
    int version = 1;
    std::string createdAt;
    std::string updatedAt;

    static constexpr std::size_t kMaxTitleCharacters = 255;
    static constexpr std::size_t kMaxTextBytes = 8000;
    static constexpr std::size_t kMaxShortcutCharacters = 64;
    static constexpr std::size_t kMaxFiles = 10;
    static constexpr std::size_t kMaxQueues = 100;
    static constexpr std::size_t kMaxChannels = 20;

    Poco::JSON::Object::Ptr toJson() const;

    // {title, text, catalog_id?, shortcut?, files?, queues?, channels?}: 400 naming the field (an unknown
    // variable by name, an oversized field with its limit); unknown fields refused. Whether the catalog, the files
    // and the queues exist is the store's check.
    static ResponseTemplate parse(const Poco::JSON::Object::Ptr& object);
    // The same fields, each optional, over this one.
    void apply(const Poco::JSON::Object::Ptr& patch);

    // A text with variables, as a template's: 400 naming `field` when empty, over kMaxTextBytes, or using a
    // variable no template may (named, with the ones there are). Marketing offers check their text the same way.
    static std::string checkText(const std::string& text, const std::string& field = "text");

    // Offered for an interaction of `queue` ("" when it has none) on `channel`.
    bool appliesTo(const std::string& queue, const std::string& channel) const;
};

}  // namespace omnigate
