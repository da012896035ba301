// The rules a webhook subscription obeys wherever it comes from (the config file or the admin REST API): each
// check returns what is wrong in a sentence, or nothing, and the caller adds where (a file position or a field).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace omnigate::crm {

// The event types a subscription may ask for.
const std::vector<std::string>& subscribableEvents();

std::optional<std::string> checkSubscriptionId(const std::string& id);
std::optional<std::string> checkUrl(const std::string& url);
std::optional<std::string> checkSecret(const std::string& secret);
std::optional<std::string> checkEventType(const std::string& type);

}  // namespace omnigate::crm
