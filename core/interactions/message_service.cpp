#include "interactions/message_service.h"

#include <Poco/Logger.h>

#include "model/address_normalization.h"
#include "model/internal_error.h"
#include "model/utf8_text.h"
#include "omnigate/sdk/api_error.h"
#include "store/campaign_recipient_store.h"
#include "store/client_store.h"
#include "store/interaction_store.h"
#include "store/message_store.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.pipeline"); }

// Everything the columns would refuse is refused here, with a sentence, before the message reaches the writer.
void validateAddress(const Address& a, const std::string& what) {
    if (a.kind.empty()) throw ApiError::badRequest(what + " has no kind");
    if (a.kind.size() > 32) throw ApiError::badRequest(what + "'s kind is longer than 32 bytes");
    if (const auto problem = addressProblem(a, AddressSource::Provider)) {
        throw ApiError::badRequest(what + " (" + a.kind + ") " + *problem);
    }
}

void validate(const InboundMessage& m) {
    if (m.account.empty()) throw ApiError::badRequest("the message names no account");
    if (m.account.size() > 64) throw ApiError::badRequest("the account id is longer than 64 bytes");
    if (m.externalId.empty()) throw ApiError::badRequest("the message has no external id to de-duplicate on");
    if (m.externalId.size() > 255) throw ApiError::badRequest("the external id is longer than 255 bytes");
    validateAddress(m.from, "the sender address");
    for (const Address& contact : m.contacts) validateAddress(contact, "a contact address");
    if (utf8Length(m.clientName) > 255) throw ApiError::badRequest("the client name is longer than 255 characters");
    if (m.threadKey.size() > 255) throw ApiError::badRequest("the thread key is longer than 255 bytes");
    if (m.text.size() > 16 * 1024 * 1024 - 1) throw ApiError(413, "text_too_long", "the text is larger than 16 MiB");
}

// Providers do not promise to report in order (Meta: "delivered" may arrive after "read"): a report never moves a
// message back. Failed counts only before the client has it.
bool movesForward(DeliveryStatus current, DeliveryStatus reported) {
    const auto rank = [](DeliveryStatus s) {
        switch (s) {
            case DeliveryStatus::Pending: return 0;
            case DeliveryStatus::Sent: return 1;
            case DeliveryStatus::Delivered: return 2;
            case DeliveryStatus::Read: return 3;
            case DeliveryStatus::Failed: return 4;
        }
        return 0;
    };
    if (current == DeliveryStatus::Failed) return false;
    if (reported == DeliveryStatus::Failed) return rank(current) <= rank(DeliveryStatus::Sent);
    return rank(reported) > rank(current);
}

}  // namespace

MessageService::MessageService(WriteBatcher& writer, ConnectionPool& pool, Metrics& metrics, InboundPipeline& pipeline,
                               ChannelLookup channels)
    : writer_(writer), pool_(pool), metrics_(metrics), pipeline_(pipeline), channels_(std::move(channels)) {}

SubmitResult MessageService::submitInbound(const std::string& channel, const InboundMessage& raw) {
    if (channel.size() > 32) throw ApiError::badRequest("the channel type '" + channel + "' is longer than 32 bytes");
    validate(raw);
    InboundMessage message = raw;
    message.from = normalizeAddress(message.from);
    for (Address& contact : message.contacts) contact = normalizeAddress(contact);

    InboundContext context(channel, message);
    pipeline_.prepare(context);
    // One lane per sender: their messages stay in order and never race each other to create a client.
    // Validated above, so the pipeline is not expected to fail: it runs without a savepoint of its own.
    writer_.runTrusted([&](DbSession& session) { pipeline_.run(context, session); },
                       channel + "/" + message.account + "/" + message.from.kind + "/" + message.from.value,
                       &batchLookup_, &context);
    if (context.duplicateOf) return {*context.duplicateOf, true};
    metrics_.countMessage("in", channel);

    const Address to = context.interaction->address;
    const std::string subject = context.interaction->subject;
    for (const StoredMessage& reply : context.autoReplies) {
        background_.post([this, reply, to, subject] { deliver(reply, to, subject); });
    }
    return {context.stored, false};
}

std::vector<StoredMessage> MessageService::history(const std::string& channel, const std::string& account,
                                                   const Address& client, std::size_t limit) {
    PooledSession session = pool_.acquire();
    try {
        return MessageStore(*session).history(channel, account, client, limit);
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) session->markBroken();
        throw InternalError::unavailable("reading the history failed", e.what());
    }
}

std::vector<StoredMessage> MessageService::messagesOf(std::int64_t interactionId, std::size_t limit) {
    PooledSession session = pool_.acquire();
    try {
        const auto interaction = InteractionStore(*session).load(interactionId);
        if (!interaction) throw ApiError::notFound("no interaction " + std::to_string(interactionId));
        return MessageStore(*session).messagesOf(interactionId, limit);
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) session->markBroken();
        throw InternalError::unavailable("reading the messages failed", e.what());
    }
}

void MessageService::updateDeliveryStatus(const std::string& channel, const StatusUpdate& update) {
    bool found = false;
    bool stale = false;
    writer_.run([&](DbSession& session) {
        MessageStore store(session);
        const auto message = store.findByExternalId(channel, update.account, Direction::Outbound, update.externalId);
        if (!message) {
            // Not a conversation's message: perhaps a campaign's, which has no interaction (docs/campaigns.md).
            found = CampaignRecipientStore(session).applyStatus(channel, update.account, update.externalId,
                                                                update.status, update.errorCode, update.errorText);
            return;
        }
        found = true;
        if (!movesForward(message->status, update.status)) {
            stale = true;
            return;
        }
        store.updateStatus(message->id, message->interactionId, update.status, "", update.errorCode, update.errorText);
    });
    if (!found) {
        logger().information("a %s status for unknown message %s on account %s was ignored", channel,
                             update.externalId, update.account);
    } else if (stale) {
        logger().debug("a late %s status %s for message %s was ignored", channel, std::string(toString(update.status)),
                       update.externalId);
    }
}

StoredMessage MessageService::reply(std::int64_t interactionId, const std::string& text, AuthorKind author,
                                    std::vector<Attachment> attachments) {
    OutboundMessage draft;
    draft.author = author;
    draft.text = text;
    draft.attachments = std::move(attachments);
    return reply(interactionId, std::move(draft));
}

StoredMessage MessageService::reply(std::int64_t interactionId, OutboundMessage draft) {
    const auto interaction = [&] {
        PooledSession session = pool_.acquire();
        try {
            return InteractionStore(*session).load(interactionId);
        } catch (const sql::SQLException& e) {
            if (isConnectionError(e)) session->markBroken();
            throw InternalError::unavailable("reading the interaction failed", e.what());
        }
    }();
    if (!interaction) throw ApiError::notFound("no interaction " + std::to_string(interactionId));
    draft.interactionId = interaction->id;
    draft.account = interaction->account;
    draft.to = interaction->address;
    draft.subject = interaction->subject;
    // The channel may refuse (outside WhatsApp's 24-hour window, an unknown template) before anything is stored.
    if (ChannelPlugin* plugin = channels_(interaction->channel)) prepareOutbound(*plugin, interaction->channel, draft);
    if (draft.text.empty() && draft.attachments.empty()) {
        throw ApiError::badRequest("'text' is empty and there are no attachments: nothing to send");
    }

    StoredMessage stored;
    writer_.run([&](DbSession& session) {
        InteractionStore store(session);
        // Loaded again under the writer: it may have moved to another channel meanwhile.
        const auto current = store.load(interactionId);
        if (!current) throw ApiError::notFound("no interaction " + std::to_string(interactionId));
        if (current->channel != interaction->channel || current->account != interaction->account) {
            throw ApiError(409, "channel_changed", "interaction " + std::to_string(interactionId) +
                                                      " moved to another channel meanwhile; send again");
        }
        StoredMessage m;
        m.interactionId = current->id;
        m.clientId = current->clientId;
        m.channel = current->channel;
        m.account = current->account;
        m.direction = Direction::Outbound;
        m.author = draft.author;
        m.authorId = draft.authorId;
        m.text = draft.text;
        m.attachments = draft.attachments;
        m.status = DeliveryStatus::Pending;
        stored = MessageStore(session).insert(m);
        // Response times are the operators': a bot's instant answer would make every report look perfect.
        if (draft.author == AuthorKind::Operator) store.markFirstResponse(current->id);
    });
    return deliver(stored, std::move(draft));
}

void MessageService::prepareOutbound(ChannelPlugin& plugin, const std::string& channel, OutboundMessage& draft) {
    try {
        plugin.prepareOutbound(draft);
    } catch (const ApiError&) {
        throw;
    } catch (const std::exception& e) {
        logger().error("the %s plugin failed to prepare a message: %s", channel, withCause(e));
        throw ApiError(502, "plugin_error", "the " + channel + " channel failed on this message; see the omnigate log");
    } catch (...) {
        logger().error("the %s plugin failed to prepare a message with a non-standard exception", channel);
        throw ApiError(502, "plugin_error", "the " + channel + " channel failed on this message; see the omnigate log");
    }
}

StoredMessage MessageService::deliver(StoredMessage stored, const Address& to, const std::string& subject) {
    OutboundMessage out;
    out.to = to;
    out.subject = subject;
    return deliver(std::move(stored), std::move(out));
}

StoredMessage MessageService::deliver(StoredMessage stored, OutboundMessage out) {
    SendResult sent;
    ChannelPlugin* plugin = channels_(stored.channel);
    if (plugin == nullptr) {
        sent = {DeliveryStatus::Failed, "", "channel_unavailable", "no " + stored.channel + " plugin is loaded"};
    } else {
        out.messageId = stored.id;
        out.interactionId = stored.interactionId;
        out.account = stored.account;
        out.author = stored.author;
        out.authorId = stored.authorId;
        out.text = stored.text;
        out.attachments = stored.attachments;
        out.createdAt = stored.createdAt;
        try {
            sent = plugin->send(out);
        } catch (const std::exception& e) {
            logger().error("the %s plugin failed to send message %Ld: %s", stored.channel, stored.id,
                           withCause(e));
            sent = {DeliveryStatus::Failed, "", "plugin_error", "the channel plugin failed; see the omnigate log"};
        } catch (...) {
            logger().error("the %s plugin failed to send message %Ld with a non-standard exception", stored.channel,
                           stored.id);
            sent = {DeliveryStatus::Failed, "", "plugin_error", "the channel plugin failed; see the omnigate log"};
        }
    }
    writer_.run([&](DbSession& session) {
        MessageStore(session).updateStatus(stored.id, stored.interactionId, sent.status, sent.externalId,
                                              sent.errorCode, sent.errorText);
    });
    stored.status = sent.status;
    stored.externalId = sent.externalId;
    stored.errorCode = sent.errorCode;
    stored.errorText = sent.errorText;
    metrics_.countMessage("out", stored.channel);
    return stored;
}

bool MessageService::amendInbound(const std::string& channel, const InboundAmendment& amendment) {
    if (amendment.externalId.empty()) throw ApiError::badRequest("the amendment names no external id");
    if (amendment.replaceText && amendment.text.size() > 16 * 1024 * 1024 - 1) {
        throw ApiError(413, "text_too_long", "the text is larger than 16 MiB");
    }
    bool found = false;
    writer_.run([&](DbSession& session) {
        MessageStore store(session);
        const auto message = store.findByExternalId(channel, amendment.account, Direction::Inbound, amendment.externalId);
        if (!message) return;
        found = true;
        store.amend(*message, amendment);
    });
    if (!found) {
        logger().information("a %s amendment of unknown message %s on account %s was ignored", channel,
                             amendment.externalId, amendment.account);
    }
    return found;
}

std::optional<std::int64_t> MessageService::clientIdByAddress(const Address& address) {
    if (address.kind.empty() || address.value.empty()) return std::nullopt;
    const Address normalized = normalizeAddress(address);
    PooledSession session = pool_.acquire();
    try {
        // A merge moves the absorbed client's addresses to the survivor: the address names the live client.
        const std::int64_t id = ClientStore(*session).findAddressOwner(normalized);
        if (id == 0) return std::nullopt;
        return id;
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) session->markBroken();
        throw InternalError::unavailable("reading the client failed", e.what());
    }
}

StoredMessage MessageService::addSystemMessage(std::int64_t interactionId, const std::string& text,
                                               std::vector<Attachment> attachments) {
    StoredMessage stored;
    writer_.run([&](DbSession& session) {
        const auto interaction = InteractionStore(session).load(interactionId);
        if (!interaction) throw ApiError::notFound("no interaction " + std::to_string(interactionId));
        StoredMessage m;
        m.interactionId = interaction->id;
        m.clientId = interaction->clientId;
        m.channel = interaction->channel;
        m.account = interaction->account;
        m.direction = Direction::Inbound;
        m.author = AuthorKind::System;
        m.text = text;
        m.attachments = std::move(attachments);
        m.status = DeliveryStatus::Delivered;
        stored = MessageStore(session).insert(m);
    });
    return stored;
}

void MessageService::rateByClient(const std::string& channel, const std::string& account, const Address& client,
                                  std::int64_t interactionId, int rating, const std::string& comment) {
    writer_.run([&](DbSession& session) {
        InteractionStore store(session);
        const std::int64_t clientId = ClientStore(session).findAddressOwner(client);
        std::optional<Interaction> target =
            interactionId == 0 ? store.findLatestClosedOfClient(clientId, channel, account) : store.load(interactionId);
        if (!target || clientId == 0 || target->clientId != clientId || target->channel != channel ||
            target->account != account) {
            throw ApiError::notFound(interactionId == 0 ? "this client has no closed interaction to rate"
                                                        : "no interaction " + std::to_string(interactionId) +
                                                              " of this client");
        }
        store.rate(target->id, rating, comment, Actor{"client", std::to_string(clientId)});
    });
}

}  // namespace omnigate
