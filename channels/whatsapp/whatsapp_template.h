// One entry of the WhatsApp templates registry [шаблоны WhatsApp]: a message Meta approved in advance, the only
// thing a business may send outside the 24-hour customer service window. omnigate keeps a copy of name, language,
// category, body and approval status so it can refuse a wrong template before sending and show the operator
// (and the stored message) the text the client will read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

namespace omnigate::whatsapp {

struct WhatsappTemplate {
    std::string name;      // lower case letters, digits and underscores, as Meta requires
    std::string language;  // Meta's language code: en, en_US, pt_BR…
    std::string category;  // MARKETING, UTILITY, AUTHENTICATION
    std::string body;      // with {{1}}..{{n}} placeholders
    std::string status = "PENDING";     // APPROVED, PENDING, REJECTED, PAUSED
    std::vector<std::string> accounts;  // the WhatsApp accounts that may use it; empty: all of them
    std::int64_t version = 1;           // raised by every change; a PUT naming another one is refused (409)
    std::string createdAt;
    std::string updatedAt;

    bool usableBy(const std::string& account) const;
};

// The number of distinct placeholders of `body` ({{1}}..{{n}}). Throws ApiError 400 naming `field` when they are
// not numbered 1..n without gaps, or a brace pair is not a placeholder.
int parameterCount(const std::string& body, const std::string& field = "body");

// `body` with {{i}} replaced by parameters[i-1]; the caller checked the count.
std::string renderTemplate(const std::string& body, const std::vector<std::string>& parameters);

// A template from a REST body. `name` and `language` come from the path for PUT (then the body may repeat them
// but not contradict them). Throws ApiError 400 naming the field.
WhatsappTemplate templateFromRequest(const Poco::JSON::Object& body, const std::optional<std::string>& name,
                                     const std::optional<std::string>& language);

// The stored and REST form (snake_case, with parameter_count); and back (nothing when the stored text is damaged).
Poco::JSON::Object::Ptr templateToJson(const WhatsappTemplate& t);
std::optional<WhatsappTemplate> templateFromStored(const std::string& json);

bool isTemplateName(const std::string& name);
bool isLanguageCode(const std::string& language);

}  // namespace omnigate::whatsapp
