// The text of an auto-reply template with {variables}. The administrator's API refuses a variable the pipeline
// cannot fill, so a client never receives a literal "{client.nmae}"; the pipeline renders with renderTemplate().
#pragma once

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

}  // namespace omnigate
