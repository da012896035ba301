// The plain text an operator reads when a mail came as HTML only: tags dropped, blocks and line breaks kept as
// lines, entities decoded, scripts and styles removed, and blockquotes prefixed with "> " so the quoted history
// of an HTML reply is recognised like a plain-text one. Pure and linear in the input.
#pragma once

#include <string>

namespace omnigate::email {

std::string htmlToText(const std::string& html);

}  // namespace omnigate::email
