// The text of an auto-reply or a response template with {variables}. The APIs refuse a variable nothing can fill,
// so a client never receives a literal "{client.nmae}"; the pipeline and the template API render with
// renderTemplate().
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace omnigate {

// A variable is '{' + letters, digits, '_', '.' or '-' + '}'; any other brace is plain text ("{ :) }").
// The ones a template may use: client.name, interaction.id, interaction.subject, channel, account.
const std::vector<std::string>& templateVariables();

// The variables `body` uses that are not in templateVariables(), each once, in order of appearance.
std::vector<std::string> unknownTemplateVariables(const std::string& body);

// Replaces every {name} found in `values` with its value, and every allowed variable missing from `values` with
// nothing; other text stays as it is. One pass: a value that itself contains "{…}" is not expanded again, so a
// client naming themselves "{interaction.id}" is quoted, not interpreted.
std::string renderTemplate(const std::string& body, const std::map<std::string, std::string>& values);

// Whether a response template may use `name` (docs/templates.md): the auto-reply's variables, client.id,
// operator.name, operator.id, and any field of the client card as client.card.<field> (the card's fields are
// free, so any name is one; a card without it renders it empty).
bool isResponseTemplateVariable(const std::string& name);

// As above, for the variables `known` admits.
using KnownVariable = std::function<bool(const std::string& name)>;
std::vector<std::string> unknownTemplateVariables(const std::string& body, const KnownVariable& known);
std::string renderTemplate(const std::string& body, const std::map<std::string, std::string>& values,
                           const KnownVariable& known);

}  // namespace omnigate
