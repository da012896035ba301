// One answer offered to an operator, from the knowledge base or a response template: the shape both sources are
// ranked in and the suggestion.created event carries.
#pragma once

#include <string>

namespace omnigate::knowledge_base {

struct Suggestion {
    std::string source;  // "knowledge_base" or "template"
    std::string id;      // the template's id; empty for knowledge-base answers
    std::string title;
    std::string text;
    std::string url;     // the article's address, when the knowledge base gave one
    double score = 0;    // 0..1, higher is better; both sources are ranked together by it
};

}  // namespace omnigate::knowledge_base
