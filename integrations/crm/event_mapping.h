// omnigate has no event of its own for a closed interaction: closing is an interaction.updated whose status became
// "closed". A subscription to interaction.closed therefore listens to interaction.updated, and each such delivery is
// sent only when it is a closing update, with X-Omnigate-Event: interaction.closed (the body is the MQTT event as it
// is, type "interaction.updated"). A subscription to both gets a closing update once, as interaction.closed.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace omnigate::crm {

// The omnigate event types to queue for a subscription to `subscribed`.
std::vector<std::string> queuedTypes(const std::vector<std::string>& subscribed);

// The X-Omnigate-Event name to send the event (`type`, whole `payload`) under, or nothing when the subscription
// did not ask for it (an update that is not a closing one, for a subscription to interaction.closed only).
std::optional<std::string> deliveredAs(const std::vector<std::string>& subscribed, const std::string& type,
                                       const std::string& payload);

// True for an interaction.updated event whose data.status is "closed" and data.changes contains "status".
bool isClosingUpdate(const std::string& payload);

}  // namespace omnigate::crm
