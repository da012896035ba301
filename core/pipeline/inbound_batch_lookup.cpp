#include "pipeline/inbound_batch_lookup.h"

#include <set>

#include "pipeline/inbound_context.h"
#include "store/inbound_reader.h"

namespace omnigate {

namespace {

std::string addressKey(const Address& a) {
    return "a" + withoutTrailingSpaces(a.kind) + '\0' + withoutTrailingSpaces(a.value);
}

}  // namespace

void InboundBatchLookup::runBefore(DbSession& session, const std::vector<WriteBatcher::PreludeItem*>& items) {
    std::vector<InboundContext*> chosen;
    std::set<std::string> seen;
    for (WriteBatcher::PreludeItem* item : items) {
        auto* context = static_cast<InboundContext*>(item);
        const InboundMessage& m = context->message;
        std::vector<std::string> keys{addressKey(m.from)};
        for (const Address& contact : m.contacts) keys.push_back(addressKey(contact));
        if (!m.externalId.empty()) {
            keys.push_back("e" + context->channel + '\0' + m.account + '\0' + withoutTrailingSpaces(m.externalId));
        }
        bool alone = true;
        for (const std::string& key : keys) alone = seen.insert(key).second && alone;
        if (alone && !context->lookup) chosen.push_back(context);
    }
    // A lone message is better served by the lookup stage's single statement.
    if (chosen.size() < 2) return;

    std::vector<InboundKey> keys;
    for (const InboundContext* context : chosen) {
        const InboundMessage& m = context->message;
        keys.push_back({context->channel, m.account, m.externalId, m.from, m.threadKey});
    }
    const auto found = InboundReader(session).lookupMany(keys);
    if (!found) return;
    for (std::size_t i = 0; i < chosen.size(); ++i) chosen[i]->lookup = (*found)[i];
}

}  // namespace omnigate
