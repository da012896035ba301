// What the daemon offers an integration plugin besides what every plugin has: every committed event it names,
// durably queued for it in the same transaction as the event, handed out in order per topic, retried or
// dead-lettered by the plugin. Nothing committed is ever missed, even across a crash.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "omnigate/sdk/plugin_host.h"

namespace omnigate {

// An event queued durably for one of an integration's sinks (IntegrationHost::subscribeEvents): written in the same
// transaction as the change it describes, kept until the integration completes or dead-letters it.
struct EventDelivery {
    std::int64_t id = 0;    // the delivery: the same on every attempt
    std::string sink;
    std::string eventId;    // the event's own id, as on MQTT
    std::string type;       // "interaction.updated", …
    std::string topic;      // its MQTT topic; deliveries of one topic are handed out in order, one at a time
    std::string payload;    // the whole event, as published on MQTT
    int attempts = 0;       // failed attempts so far
    std::string createdAt;  // ISO 8601, UTC
    std::string lastError;  // of the last failed attempt
};

// A shared response template of the core (docs/templates.md), as an integration reads it or moves one in.
struct SharedTemplate {
    std::string id;                   // the core's id, in decimal (ignored when moving one in)
    std::string title;
    std::string text;                 // as written, variables unfilled
    std::vector<std::string> queues;  // offered for interactions of these queues; empty: every queue
};

class IntegrationHost : public virtual PluginHost {
public:
    // From now on every committed event whose type is in `types` is also queued for `sink` (a name of the
    // plugin's own, e.g. one per webhook subscription), in the same transaction as the event: nothing committed is
    // ever missed, even across a crash. Calling it again replaces the types; an empty list stops the queueing
    // (what is queued stays). Sinks are the plugin's: another plugin's sink of the same name is another sink.
    virtual void subscribeEvents(const std::string& sink, const std::vector<std::string>& types) = 0;
    // Up to `limit` deliveries of `sink` that are due, oldest first, each leased for `lease` (not handed out
    // again meanwhile, also not to another daemon). Of one topic only the oldest pending delivery is handed
    // out: the next waits until it is completed or dead-lettered, so a receiver sees each topic in order.
    virtual std::vector<EventDelivery> leaseDeliveries(const std::string& sink, std::size_t limit,
                                                       std::chrono::seconds lease) = 0;
    virtual void completeDelivery(std::int64_t id) = 0;  // delivered: forgotten
    // Failed for now: due again at `notBefore`; attempts counted, the error kept.
    virtual void retryDelivery(std::int64_t id, std::chrono::system_clock::time_point notBefore,
                               const std::string& error) = 0;
    // Failed for good: kept aside (it no longer holds up its topic) until redelivered.
    virtual void deadLetterDelivery(std::int64_t id, const std::string& error) = 0;
    virtual std::vector<EventDelivery> deadLetters(const std::string& sink, std::size_t limit) = 0;
    // Puts dead-lettered deliveries of `sink` back in line (`id` 0: all of them); returns how many.
    virtual std::size_t redeliver(const std::string& sink, std::int64_t id) = 0;
    // Pending deliveries of `sink` (for readiness and metrics).
    virtual std::size_t backlog(const std::string& sink) = 0;
    // Forgets every delivery of `sink`, pending or dead (a deleted webhook subscription); returns how many.
    virtual std::size_t purgeDeliveries(const std::string& sink) = 0;

    // The core's shared response templates, the knowledge base's suggester's candidates.
    virtual std::vector<SharedTemplate> sharedTemplates() = 0;
    // Uses of each template (by id) by `operatorId` plus those in `queue` (either empty: not counted).
    virtual std::map<std::string, std::int64_t> templateUses(const std::string& operatorId, const std::string& queue) = 0;
    // Moves a template an integration kept itself into the core as a shared one, once: `legacyId` is remembered,
    // and a template moved under it before stays as it is (false). ApiError 400 when the core refuses it (a queue
    // it names does not exist): the caller keeps its copy.
    virtual bool importTemplate(const std::string& legacyId, const SharedTemplate& templ) = 0;
};

}  // namespace omnigate
