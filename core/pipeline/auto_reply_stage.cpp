#include "pipeline/auto_reply_stage.h"

#include "db/db_session.h"
#include "model/template_text.h"

namespace omnigate {

namespace {

std::string clientName(DbSession& session, std::int64_t clientId) {
    sql::PreparedStatement& q = session.prepare("SELECT name FROM clients WHERE id = ?");
    q.setInt64(1, clientId);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    return rs->next() ? std::string(rs->getString(1)) : std::string();
}

bool alreadyAnswered(DbSession& session, std::int64_t interactionId, const std::string& text) {
    sql::PreparedStatement& q = session.prepare(
        "SELECT 1 FROM messages WHERE interaction_id = ? AND direction = 'out' AND auto_generated = 1 AND body = ? "
        "LIMIT 1");
    q.setInt64(1, interactionId);
    q.setString(2, text);
    std::unique_ptr<sql::ResultSet> rs(q.executeQuery());
    return rs->next();
}

}  // namespace

bool AutoReplyStage::run(InboundContext& context, DbSession& session) {
    const Interaction& interaction = *context.interaction;
    if (context.message.autoSubmitted || context.blocked || context.spam || context.ratingReply) return true;
    const auto& catalog = context.catalog;
    // Per trigger, a template for the interaction's queue wins over one for any queue: one greeting, not two.
    std::map<std::string, const AutoReplyTemplate*> chosen;
    for (const AutoReplyTemplate& t : catalog->autoReplies) {
        if (t.channel != context.channel || t.account != interaction.account) continue;
        if (!t.queue.empty() && t.queue != interaction.queue) continue;
        const AutoReplyTemplate*& current = chosen[t.trigger];
        if (current == nullptr || (current->queue.empty() && !t.queue.empty())) current = &t;
    }
    std::map<std::string, std::string> values;
    for (const auto& [trigger, chosenTemplate] : chosen) {
        const AutoReplyTemplate& t = *chosenTemplate;
        const bool greeting = t.trigger == "new_interaction" && context.newInteraction;
        const bool afterHours = t.trigger == "out_of_hours" && t.workingHours && !t.workingHours->contains(context.receivedAt);
        if (!greeting && !afterHours) continue;
        if (values.empty()) {
            values = {{"client.name", clientName(session, context.clientId)},
                      {"interaction.id", std::to_string(interaction.id)},
                      {"interaction.subject", interaction.subject},
                      {"channel", context.channel},
                      {"account", interaction.account}};
        }
        const std::string text = renderTemplate(t.body, values);
        if (afterHours && !context.newInteraction && alreadyAnswered(session, interaction.id, text)) continue;
        context.autoReplyTexts.push_back(text);
    }
    return true;
}

}  // namespace omnigate
