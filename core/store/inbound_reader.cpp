#include "store/inbound_reader.h"

#include <algorithm>
#include <map>

#include "store/interaction_rows.h"

namespace omnigate {

std::string withoutTrailingSpaces(const std::string& s) {
    const std::size_t end = s.find_last_not_of(' ');
    return end == std::string::npos ? std::string() : s.substr(0, end + 1);
}

InboundLookup InboundReader::lookup(const std::string& channel, const std::string& account,
                                    const std::string& externalId, const Address& from,
                                    const std::string& threadKey) {
    // The interaction's columns, then the two answers; the interaction side is all NULL when there is none.
    static const std::string sql = [] {
        std::string columns(kInteractionColumns);
        columns.erase(columns.rfind("FROM interactions"));
        return columns +
               ", k.dup, k.cid FROM (SELECT "
               "(SELECT id FROM messages WHERE channel = ? AND account = ? AND direction = 'in' AND external_id = ?) "
               "AS dup, (SELECT client_id FROM client_addresses WHERE kind = ? AND value = ?) AS cid) AS k "
               "LEFT JOIN interactions ON interactions.id = (SELECT x.id FROM interactions x WHERE x.client_id = k.cid "
               "AND x.channel = ? AND x.account = ? AND x.address_kind = ? AND x.address_value = ? "
               "AND x.thread_key = ? AND x.status <> 'closed' ORDER BY x.id DESC LIMIT 1)";
    }();
    sql::PreparedStatement& q = session_.prepare(sql);
    q.setString(1, channel);
    q.setString(2, account);
    q.setString(3, externalId);
    q.setString(4, from.kind);
    q.setString(5, from.value);
    q.setString(6, channel);
    q.setString(7, account);
    q.setString(8, from.kind);
    q.setString(9, from.value);
    q.setString(10, threadKey);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    InboundLookup found;
    if (!rs->next()) return found;
    const unsigned columns = rs->getMetaData()->getColumnCount();
    found.duplicateId = rs->isNull(columns - 1) ? 0 : rs->getInt64(columns - 1);
    found.clientId = rs->isNull(columns) ? 0 : rs->getInt64(columns);
    if (!rs->isNull(1)) found.open = readInteraction(*rs);
    return found;
}

std::optional<std::vector<InboundLookup>> InboundReader::lookupMany(const std::vector<InboundKey>& keys) {
    std::vector<InboundLookup> found(keys.size());
    if (keys.empty()) return found;
    // Lists are padded to a power of two by repeating the last key, so a lane prepares a handful of statements
    // rather than one per batch size.
    const auto padded = [](std::size_t n) {
        std::size_t p = 1;
        while (p < n) p *= 2;
        return p;
    };
    const auto placeholders = [](std::size_t n, const std::string& one) {
        std::string list;
        for (std::size_t i = 0; i < n; ++i) list += (i == 0 ? "" : ", ") + one;
        return list;
    };
    const std::size_t n = padded(keys.size());
    sql::PreparedStatement& first = session_.prepare(
        "SELECT 0, channel, account, external_id, id FROM messages WHERE direction = 'in' AND "
        "(channel, account, external_id) IN (" + placeholders(n, "(?, ?, ?)") + ") UNION ALL "
        "SELECT 1, kind, value, '', client_id FROM client_addresses WHERE (kind, value) IN (" +
        placeholders(n, "(?, ?)") + ")");
    int position = 1;
    for (std::size_t i = 0; i < n; ++i) {
        const InboundKey& key = keys[std::min(i, keys.size() - 1)];
        first.setString(position++, key.channel);
        first.setString(position++, key.account);
        first.setString(position++, key.externalId);
    }
    for (std::size_t i = 0; i < n; ++i) {
        const InboundKey& key = keys[std::min(i, keys.size() - 1)];
        first.setString(position++, key.from.kind);
        first.setString(position++, key.from.value);
    }
    std::map<std::string, std::size_t> byExternalId;
    std::map<std::string, std::size_t> byAddress;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const InboundKey& key = keys[i];
        byExternalId[key.channel + '\0' + key.account + '\0' + withoutTrailingSpaces(key.externalId)] = i;
        byAddress[withoutTrailingSpaces(key.from.kind) + '\0' + withoutTrailingSpaces(key.from.value)] = i;
    }
    {
        std::unique_ptr<sql::ResultSet> rs(first.executeQuery());
        while (rs->next()) {
            const bool message = rs->getInt(1) == 0;
            const std::string a = rs->getString(2);
            const std::string b = rs->getString(3);
            const std::string key = message ? a + '\0' + b + '\0' + withoutTrailingSpaces(rs->getString(4))
                                            : withoutTrailingSpaces(a) + '\0' + withoutTrailingSpaces(b);
            const auto& index = message ? byExternalId : byAddress;
            const auto match = index.find(key);
            if (match == index.end()) return std::nullopt;
            (message ? found[match->second].duplicateId : found[match->second].clientId) = rs->getInt64(5);
        }
    }

    std::map<std::int64_t, std::vector<std::size_t>> byClient;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (found[i].clientId != 0) byClient[found[i].clientId].push_back(i);
    }
    if (byClient.empty()) return found;
    std::vector<std::int64_t> clients;
    for (const auto& entry : byClient) clients.push_back(entry.first);
    const std::size_t m = padded(clients.size());
    sql::PreparedStatement& open = session_.prepare(std::string(kInteractionColumns) + "WHERE client_id IN (" +
                                                    placeholders(m, "?") + ") AND status <> 'closed'");
    for (std::size_t i = 0; i < m; ++i) open.setInt64(static_cast<int>(i + 1), clients[std::min(i, clients.size() - 1)]);
    std::unique_ptr<sql::ResultSet> rs(open.executeQuery());
    while (rs->next()) {
        Interaction row = readInteraction(*rs);
        const auto candidates = byClient.find(row.clientId);
        if (candidates == byClient.end()) continue;
        for (const std::size_t i : candidates->second) {
            const InboundKey& key = keys[i];
            const bool same = withoutTrailingSpaces(row.channel) == withoutTrailingSpaces(key.channel) &&
                              withoutTrailingSpaces(row.account) == withoutTrailingSpaces(key.account) &&
                              withoutTrailingSpaces(row.address.kind) == withoutTrailingSpaces(key.from.kind) &&
                              withoutTrailingSpaces(row.address.value) == withoutTrailingSpaces(key.from.value) &&
                              withoutTrailingSpaces(row.threadKey) == withoutTrailingSpaces(key.threadKey);
            // The latest open one, as lookupInbound picks it.
            if (same && (!found[i].open || found[i].open->id < row.id)) found[i].open = row;
        }
    }
    return found;
}

}  // namespace omnigate
