#include "event_mapping.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>

namespace omnigate::crm {

namespace {

const std::string kClosed = "interaction.closed";
const std::string kUpdated = "interaction.updated";

bool has(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::vector<std::string> queuedTypes(const std::vector<std::string>& subscribed) {
    std::vector<std::string> types;
    for (const std::string& type : subscribed) {
        const std::string& queued = type == kClosed ? kUpdated : type;
        if (!has(types, queued)) types.push_back(queued);
    }
    return types;
}

bool isClosingUpdate(const std::string& payload) {
    try {
        const auto event = Poco::JSON::Parser().parse(payload).extract<Poco::JSON::Object::Ptr>();
        if (!event || event->optValue<std::string>("type", "") != kUpdated) return false;
        const auto data = event->getObject("data");
        if (!data || !data->has("status") || !data->get("status").isString()) return false;
        if (data->getValue<std::string>("status") != "closed") return false;
        const auto changes = data->getArray("changes");
        if (!changes) return false;
        for (std::size_t i = 0; i < changes->size(); ++i) {
            if (changes->get(i).isString() && changes->getElement<std::string>(i) == "status") return true;
        }
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    return false;
}

std::optional<std::string> deliveredAs(const std::vector<std::string>& subscribed, const std::string& type,
                                       const std::string& payload) {
    if (type == kUpdated) {
        if (has(subscribed, kClosed) && isClosingUpdate(payload)) return kClosed;
        if (has(subscribed, kUpdated)) return kUpdated;
        return std::nullopt;
    }
    if (has(subscribed, type)) return type;
    return std::nullopt;
}

}  // namespace omnigate::crm
