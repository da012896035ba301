// The SQL of the auto-reply templates [шаблоны автоответов]: what the pipeline answers by itself on a channel
// account (and queue), either to greet a new interaction or outside the working hours. At most one active
// template per account, queue and trigger, so a client never gets two greetings at once. Writes run in the
// caller's WriteBatcher job and add their event.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/working_hours.h"

namespace omnigate {

// Named apart from the pipeline's cached AutoReplyTemplate (pipeline/catalog_cache.h): the administrator's view
// carries the name, the active flag and the times, which the pipeline does not need.
struct AutoReply {
    std::int64_t id = 0;
    std::string name;
    std::string channel;
    std::string account;
    std::string queue;    // empty: any queue
    std::string trigger;  // new_interaction, out_of_hours
    std::string body;     // may use the variables of model/template_text.h
    std::optional<WorkingHours> workingHours;  // exactly when the trigger is out_of_hours
    bool active = true;
    std::string createdAt;
    std::string updatedAt;
};

class AutoReplyStore {
public:
    explicit AutoReplyStore(DbSession& session) : session_(session) {}

    // Trims the name and the queue, then checks every field and the trigger's need of working hours; 400 naming
    // the first bad field (the body's message names its unknown variables).
    static void normalize(AutoReply& reply);

    // Templates by id; an empty channel or account matches any.
    std::vector<AutoReply> list(const std::string& channel, const std::string& account);
    std::optional<AutoReply> find(std::int64_t id, bool forUpdate = false);

    // Expects a normalised template; 409 when it is active and another active one has the same channel, account,
    // queue and trigger.
    AutoReply create(AutoReply draft);
    // Writes `changed` (normalised, its row locked by find(id, true) in this transaction) and names `changes` in
    // the event; the same 409 as create().
    AutoReply update(AutoReply changed, const std::vector<std::string>& changes);
    // 404 when there is no such template.
    void remove(std::int64_t id);

private:
    void refuseSecondActive(const AutoReply& reply);

    DbSession& session_;
};

Poco::JSON::Object::Ptr toJson(const AutoReply& reply);

}  // namespace omnigate
