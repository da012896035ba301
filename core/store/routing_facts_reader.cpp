#include "store/routing_facts_reader.h"

#include <Poco/JSON/Object.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <limits>
#include <sstream>

#include "db/db_time.h"
#include "store/client_store.h"

namespace omnigate {

namespace {

std::vector<std::int64_t> idsFromList(const std::string& text) {
    std::vector<std::int64_t> ids;
    std::istringstream in(text);
    std::string id;
    while (std::getline(in, id, ',')) {
        if (!id.empty()) ids.push_back(std::stoll(id));
    }
    return ids;
}

}  // namespace

std::optional<RoutingFacts> RoutingFactsReader::read(std::int64_t interactionId) {
    // One round trip: the topics and the latest inbound text come as subqueries (both by index). The longer
    // GROUP_CONCAT limit keeps a hundred long topic ids whole (the default stops at 1,024 bytes).
    sql::PreparedStatement& q = session_.prepare(
        "SET STATEMENT group_concat_max_len = 65536 FOR "
        "SELECT i.channel, i.account, COALESCE(c.flags, ''), COALESCE(c.card, ''), "
        "TIMESTAMPDIFF(SECOND, COALESCE(i.queued_at, i.created_at), ?), "
        "(SELECT GROUP_CONCAT(t.topic_id ORDER BY t.topic_id) FROM interaction_topics t "
        " WHERE t.interaction_id = i.id), "
        "(SELECT m.body FROM messages m WHERE m.interaction_id = i.id AND m.direction = 'in' "
        " ORDER BY m.id DESC LIMIT 1) "
        "FROM interactions i LEFT JOIN clients c ON c.id = i.client_id WHERE i.id = ?");
    q.setString(1, nowDbTime());
    q.setInt64(2, interactionId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    RoutingFacts facts;
    facts.channel = rs->getString(1);
    facts.account = rs->getString(2);
    facts.clientFlags = flagsFromColumn(rs->getString(3));
    facts.card = cardFromJson(rs->getString(4));
    // A clock that went backwards is no negative wait; a wait beyond int is capped.
    const std::int64_t waited = rs->isNull(5) ? 0 : rs->getInt64(5);
    facts.waitedSeconds = static_cast<int>(
        std::clamp<std::int64_t>(waited, 0, std::numeric_limits<int>::max()));
    if (!rs->isNull(6)) facts.topics = idsFromList(rs->getString(6));
    if (!rs->isNull(7)) facts.text = rs->getString(7);
    return facts;
}

}  // namespace omnigate
