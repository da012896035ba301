// Subscriptions as JSON: as the admin API shows them (never the secret: "secret_set": true instead), as they are
// kept in the plugin's durable state (with the secret, which signing needs), and as a POST or PATCH body asks for
// them, with 400 errors naming the field.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

#include "crm_config.h"

namespace omnigate::crm {

// ApiError 400 when `text` is not a JSON object.
Poco::JSON::Object::Ptr parseRequestObject(const std::string& text);
std::string toJson(const Poco::JSON::Object::Ptr& object);
Poco::JSON::Object::Ptr newObject();  // keeps keys in insertion order

Poco::JSON::Object::Ptr apiJson(const Subscription& subscription);
std::string stateJson(const Subscription& subscription);
std::optional<Subscription> fromStateJson(const std::string& text);  // nothing when unreadable

// POST body {id?, url, secret, events, active?}; `generatedId` is used when the body names none.
Subscription subscriptionFromRequest(const Poco::JSON::Object& body, const std::string& generatedId);
// PATCH body {url?, secret?, events?, active?, version?}: applies what it names. Returns the version it asked
// for (0 when none), which the caller compares.
std::int64_t applyPatch(Subscription& subscription, const Poco::JSON::Object& body);

}  // namespace omnigate::crm
