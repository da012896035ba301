#include "pipeline/blacklist_stage.h"

namespace omnigate {

bool BlacklistStage::run(InboundContext& context, DbSession&) {
    const auto& catalog = context.catalog;
    const auto listed = [&](const Address& a) { return catalog->blacklist.count({a.kind, a.value}) > 0; };
    context.blocked = listed(context.message.from);
    for (const Address& contact : context.message.contacts) context.blocked = context.blocked || listed(contact);
    return true;
}

}  // namespace omnigate
