#include "whatsapp_template.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "omnigate/sdk/api_error.h"

namespace omnigate::whatsapp {

namespace {

constexpr std::size_t maximumNameLength = 512;  // Meta's limit
constexpr std::size_t maximumBodyBytes = 4096;  // Meta counts 1024 characters; 4 bytes each at worst
constexpr int maximumParameters = 100;

const std::set<std::string>& categories() {
    static const std::set<std::string> values{"MARKETING", "UTILITY", "AUTHENTICATION"};
    return values;
}
const std::set<std::string>& statuses() {
    static const std::set<std::string> values{"APPROVED", "PENDING", "REJECTED", "PAUSED"};
    return values;
}

std::string joined(const std::set<std::string>& values) {
    std::string out;
    for (const std::string& v : values) out += (out.empty() ? "" : ", ") + v;
    return out;
}

std::optional<std::string> optionalString(const Poco::JSON::Object& body, const std::string& field) {
    if (!body.has(field) || body.isNull(field)) return std::nullopt;
    const Poco::Dynamic::Var v = body.get(field);
    if (!v.isString()) throw ApiError::badRequest("'" + field + "' must be a string");
    return v.extract<std::string>();
}

std::string requiredString(const Poco::JSON::Object& body, const std::string& field, const std::string& what) {
    const std::optional<std::string> value = optionalString(body, field);
    if (!value || value->empty()) throw ApiError::badRequest("'" + field + "' is required: " + what);
    return *value;
}

std::size_t utf8Length(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

}  // namespace

bool WhatsappTemplate::usableBy(const std::string& account) const {
    return accounts.empty() || std::find(accounts.begin(), accounts.end(), account) != accounts.end();
}

bool isTemplateName(const std::string& name) {
    if (name.empty() || name.size() > maximumNameLength) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

// "en", "fil", "en_US", "zh_HK", "sr_Latn"?: Meta's codes are a 2-3 letter language, then _ and a region.
bool isLanguageCode(const std::string& language) {
    const std::size_t underscore = language.find('_');
    const std::string base = language.substr(0, underscore);
    if (base.size() < 2 || base.size() > 3) return false;
    if (!std::all_of(base.begin(), base.end(), [](char c) { return c >= 'a' && c <= 'z'; })) return false;
    if (underscore == std::string::npos) return true;
    const std::string region = language.substr(underscore + 1);
    return region.size() >= 2 && region.size() <= 4 &&
           std::all_of(region.begin(), region.end(),
                       [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
}

int parameterCount(const std::string& body, const std::string& field) {
    std::set<int> seen;
    std::size_t from = 0;
    while ((from = body.find("{{", from)) != std::string::npos) {
        const std::size_t close = body.find("}}", from + 2);
        if (close == std::string::npos) {
            throw ApiError::badRequest("'" + field + "' has a '{{' without its '}}'");
        }
        const std::string inside = body.substr(from + 2, close - from - 2);
        if (inside.empty() || inside.size() > 3 ||
            !std::all_of(inside.begin(), inside.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
            inside[0] == '0') {
            throw ApiError::badRequest("'" + field + "' has the placeholder '{{" + inside +
                                       "}}': placeholders are {{1}}, {{2}}, … numbered from 1");
        }
        seen.insert(std::stoi(inside));
        from = close + 2;
    }
    const int count = static_cast<int>(seen.size());
    if (count > maximumParameters) {
        throw ApiError::badRequest("'" + field + "' has more than " + std::to_string(maximumParameters) +
                                   " placeholders");
    }
    if (count > 0 && *seen.rbegin() != count) {
        throw ApiError::badRequest("'" + field + "' must number its placeholders {{1}}..{{" + std::to_string(count) +
                                   "}} without gaps, but it goes up to {{" + std::to_string(*seen.rbegin()) + "}}");
    }
    return count;
}

std::string renderTemplate(const std::string& body, const std::vector<std::string>& parameters) {
    std::string out;
    std::size_t from = 0;
    while (true) {
        const std::size_t open = body.find("{{", from);
        const std::size_t close = open == std::string::npos ? std::string::npos : body.find("}}", open + 2);
        if (close == std::string::npos) {
            out += body.substr(from);
            return out;
        }
        out += body.substr(from, open - from);
        const std::string inside = body.substr(open + 2, close - open - 2);
        std::size_t index = 0;
        try {
            index = static_cast<std::size_t>(std::stoul(inside));
        } catch (const std::exception&) {
            index = 0;
        }
        if (index >= 1 && index <= parameters.size()) {
            out += parameters[index - 1];
        } else {
            out += body.substr(open, close + 2 - open);
        }
        from = close + 2;
    }
}

WhatsappTemplate templateFromRequest(const Poco::JSON::Object& body, const std::optional<std::string>& name,
                                     const std::optional<std::string>& language) {
    static const std::set<std::string> fields{"name",    "language", "category",   "body",       "status",
                                              "accounts", "version", "parameter_count", "created_at", "updated_at"};
    for (const std::string& key : body.getNames()) {
        if (!fields.count(key)) {
            throw ApiError::badRequest("'" + key + "' is not a field of a WhatsApp template (fields: name, language, "
                                       "category, body, status, accounts, version)");
        }
    }
    WhatsappTemplate t;
    for (const auto& [field, fromPath] : {std::pair<std::string, std::optional<std::string>>{"name", name},
                                          std::pair<std::string, std::optional<std::string>>{"language", language}}) {
        const std::optional<std::string> given = optionalString(body, field);
        if (fromPath && given && *given != *fromPath) {
            throw ApiError::badRequest("'" + field + "' is '" + *given + "' but the path names '" + *fromPath +
                                       "': to rename a template, create the new one and delete the old one");
        }
        std::string value = fromPath ? *fromPath : requiredString(body, field, "the template's " + field);
        (field == "name" ? t.name : t.language) = value;
    }
    if (!isTemplateName(t.name)) {
        throw ApiError::badRequest("'name' must be 1 to 512 lower case letters, digits and underscores (Meta's rule), "
                                   "got '" + t.name + "'");
    }
    if (!isLanguageCode(t.language)) {
        throw ApiError::badRequest("'language' must be a WhatsApp language code such as en, en_US or pt_BR, got '" +
                                   t.language + "'");
    }
    t.category = requiredString(body, "category", "one of " + joined(categories()));
    if (!categories().count(t.category)) {
        throw ApiError::badRequest("'category' must be one of " + joined(categories()) + ", got '" + t.category + "'");
    }
    t.body = requiredString(body, "body", "the template's text with {{1}}, {{2}}… placeholders");
    if (utf8Length(t.body) > 1024 || t.body.size() > maximumBodyBytes) {
        throw ApiError::badRequest("'body' must be at most 1024 characters long (Meta's limit for a template body)");
    }
    parameterCount(t.body, "body");
    if (const std::optional<std::string> status = optionalString(body, "status")) {
        if (!statuses().count(*status)) {
            throw ApiError::badRequest("'status' must be one of " + joined(statuses()) + ", got '" + *status + "'");
        }
        t.status = *status;
    }
    if (body.has("accounts") && !body.isNull("accounts")) {
        const Poco::Dynamic::Var v = body.get("accounts");
        if (v.type() != typeid(Poco::JSON::Array::Ptr)) {
            throw ApiError::badRequest("'accounts' must be an array of WhatsApp account ids (empty: every account)");
        }
        const Poco::JSON::Array::Ptr list = v.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const Poco::Dynamic::Var item = list->get(static_cast<unsigned>(i));
            if (!item.isString() || item.extract<std::string>().empty()) {
                throw ApiError::badRequest("'accounts[" + std::to_string(i) + "]' must be a non-empty string");
            }
            t.accounts.push_back(item.extract<std::string>());
        }
    }
    if (body.has("version") && !body.isNull("version")) {
        const Poco::Dynamic::Var v = body.get("version");
        if (v.isBoolean() || !v.isInteger()) throw ApiError::badRequest("'version' must be an integer");
        t.version = v.convert<std::int64_t>();
    } else {
        t.version = 0;  // not given
    }
    return t;
}

Poco::JSON::Object::Ptr templateToJson(const WhatsappTemplate& t) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("name", t.name);
    o->set("language", t.language);
    o->set("category", t.category);
    o->set("body", t.body);
    o->set("parameter_count", parameterCount(t.body));
    o->set("status", t.status);
    Poco::JSON::Array::Ptr accounts = new Poco::JSON::Array;
    for (const std::string& a : t.accounts) accounts->add(a);
    o->set("accounts", accounts);
    o->set("version", t.version);
    o->set("created_at", t.createdAt);
    o->set("updated_at", t.updatedAt);
    return o;
}

std::optional<WhatsappTemplate> templateFromStored(const std::string& json) {
    try {
        const Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(json);
        if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return std::nullopt;
        const Poco::JSON::Object::Ptr o = parsed.extract<Poco::JSON::Object::Ptr>();
        WhatsappTemplate t = templateFromRequest(*o, std::nullopt, std::nullopt);
        t.version = o->optValue<std::int64_t>("version", 1);
        t.createdAt = o->optValue<std::string>("created_at", "");
        t.updatedAt = o->optValue<std::string>("updated_at", "");
        return t;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace omnigate::whatsapp
