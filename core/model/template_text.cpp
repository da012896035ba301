#include "model/template_text.h"

#include <algorithm>
#include <functional>

namespace omnigate {

namespace {

bool isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
}

bool isAllowed(const std::string& name) {
    const auto& allowed = templateVariables();
    return std::find(allowed.begin(), allowed.end(), name) != allowed.end();
}

// Calls `onText` for each stretch of plain text and `onVariable` for each {name}, in order.
void scan(const std::string& body, const std::function<void(const std::string&)>& onText,
          const std::function<void(const std::string&)>& onVariable) {
    std::size_t done = 0;
    std::size_t open = body.find('{');
    while (open != std::string::npos) {
        std::size_t end = open + 1;
        while (end < body.size() && isNameChar(body[end])) ++end;
        if (end < body.size() && body[end] == '}' && end > open + 1) {
            onText(body.substr(done, open - done));
            onVariable(body.substr(open + 1, end - open - 1));
            done = end + 1;
            open = body.find('{', done);
        } else {
            // Not a variable: this brace is text, but a '{' inside what we skipped may still open one.
            open = body.find('{', open + 1);
        }
    }
    onText(body.substr(done));
}

}  // namespace

const std::vector<std::string>& templateVariables() {
    static const std::vector<std::string> kVariables{"client.name", "interaction.id", "interaction.subject", "channel",
                                                     "account"};
    return kVariables;
}

std::vector<std::string> unknownTemplateVariables(const std::string& body) {
    return unknownTemplateVariables(body, isAllowed);
}

std::string renderTemplate(const std::string& body, const std::map<std::string, std::string>& values) {
    return renderTemplate(body, values, isAllowed);
}

bool isResponseTemplateVariable(const std::string& name) {
    static const std::string card = "client.card.";
    if (name.size() > card.size() && name.compare(0, card.size(), card) == 0) return true;
    return isAllowed(name) || name == "client.id" || name == "operator.name" || name == "operator.id";
}

std::vector<std::string> unknownTemplateVariables(const std::string& body, const KnownVariable& known) {
    std::vector<std::string> unknown;
    scan(
        body, [](const std::string&) {},
        [&](const std::string& name) {
            if (!known(name) && std::find(unknown.begin(), unknown.end(), name) == unknown.end()) {
                unknown.push_back(name);
            }
        });
    return unknown;
}

std::string renderTemplate(const std::string& body, const std::map<std::string, std::string>& values,
                           const KnownVariable& known) {
    std::string out;
    out.reserve(body.size());
    scan(
        body, [&](const std::string& text) { out += text; },
        [&](const std::string& name) {
            const auto it = values.find(name);
            if (it != values.end()) {
                out += it->second;
            } else if (!known(name)) {
                out += "{" + name + "}";
            }
        });
    return out;
}

}  // namespace omnigate
