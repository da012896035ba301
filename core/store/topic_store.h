// The SQL of the topics tree [тематики] that operators file interactions under. The tree stays a tree: a sibling
// name exists once, a topic never moves under its own descendant, and a topic with children or interactions is
// not deleted. Writes run inside the caller's WriteBatcher job and add their catalog event themselves.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"

namespace omnigate {

struct Topic {
    std::int64_t id = 0;
    std::int64_t parentId = 0;  // 0: a root topic
    std::string name;
    std::string createdAt;
};

class TopicStore {
public:
    explicit TopicStore(DbSession& session) : session_(session) {}

    // The name trimmed; 400 naming 'name' when empty or longer than 255 characters.
    static std::string normalizeName(const std::string& name);

    // Every topic, siblings ordered by name.
    std::vector<Topic> all();
    std::optional<Topic> find(std::int64_t id, bool forUpdate = false);

    // 404 when the parent does not exist, 409 when a sibling has the name already (case-insensitively).
    Topic create(const std::string& name, std::int64_t parentId);
    // Renames and/or moves (parentId 0: to the root). 404 for an unknown topic or parent, 409 for a sibling's
    // name or a move under the topic itself or one of its descendants.
    Topic update(std::int64_t id, const std::optional<std::string>& name, const std::optional<std::int64_t>& parentId);
    // 404 when unknown; 409 naming how many child topics and interactions still use it.
    void remove(std::int64_t id);

private:
    void refuseDuplicate(const std::string& name, std::int64_t parentId, std::int64_t exceptId);
    void event(const std::string& type, const Poco::JSON::Object::Ptr& data);

    DbSession& session_;
};

Poco::JSON::Object::Ptr toJson(const Topic& topic);
// The topics as a forest: [{id, name, parent_id, created_at, children: [...]}], in the order given.
Poco::JSON::Array::Ptr topicTree(const std::vector<Topic>& topics);

}  // namespace omnigate
