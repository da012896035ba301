// The SQL of the queues [очереди]. The settings are one JSON column validated by Queue::parseSettings; what only
// the database knows is checked here: the overflow queue exists (and no overflow chain loops), topics exist, and a
// queue is not deleted while interactions wait in it, another queue overflows into it or an active rule sends
// there. Writes run inside the caller's WriteBatcher job and add their catalog event themselves.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/queue.h"

namespace omnigate {

class QueueStore {
public:
    explicit QueueStore(DbSession& session) : session_(session) {}

    // Every queue, by id.
    std::vector<Queue> all();
    std::optional<Queue> find(const std::string& id, bool forUpdate = false);

    // A POST body {id, name, sample?, …settings}: with `sample`, the settings are copied from that queue and the
    // body's settings override them field by field.
    Queue createFromJson(const Poco::JSON::Object::Ptr& body);

    // Inserts a parsed queue (id and name checked by the caller or createFromJson): 409 when the id is taken, 400
    // naming overflow_queue or topics[i] for references to nothing.
    Queue create(Queue queue);
    // The settings of `sampleId` (404 when unknown), overridden by `overrides` (settings fields only), as a new
    // queue.
    Queue createFromSample(const std::string& sampleId, const std::string& id, const std::string& name,
                           const Poco::JSON::Object::Ptr& overrides);
    // Replaces `name` and every settings field the patch names (a field given as null returns to its default);
    // 404 unknown, 409 version_conflict when `expectedVersion` is stale. Unchanged values add no event.
    Queue update(const std::string& id, const Poco::JSON::Object::Ptr& patch, std::optional<int> expectedVersion);
    // 404 unknown; 409 while another queue overflows into it or an active routing rule targets it; 409 naming how
    // many open interactions it holds unless `moveTo` names another queue to move them to (each with an
    // interaction.updated event). Returns how many interactions moved.
    int remove(const std::string& id, const std::string& moveTo);

private:
    void checkReferences(const Queue& queue);
    void event(const std::string& type, const Poco::JSON::Object::Ptr& data);

    DbSession& session_;
};

}  // namespace omnigate
