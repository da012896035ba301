#include "interactions/interaction_service.h"

#include <Poco/Logger.h>

#include <algorithm>

#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"
#include "store/client_store.h"
#include "store/message_store.h"

namespace omnigate {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("omnigate.interactions"); }

constexpr std::size_t kMaxTopics = 100;
constexpr std::size_t kDetailMessages = 1000;

std::string idText(std::int64_t id) { return std::to_string(id); }

// The same wording as InteractionStore::changeStatus, so a client sees one kind of version conflict.
void checkVersion(const Interaction& current, std::optional<int> expected) {
    if (expected && *expected != current.version) {
        throw ApiError(409, "version_conflict",
                       "interaction " + idText(current.id) + " changed meanwhile (version " +
                           std::to_string(current.version) + ", not " + std::to_string(*expected) +
                           "): reload it and try again");
    }
}

Interaction loadLocked(InteractionStore& store, std::int64_t id) {
    auto current = store.load(id, true);
    if (!current) throw ApiError::notFound("no interaction " + idText(id));
    return *current;
}

void requireOwnAddress(ClientStore& clients, std::int64_t clientId, const Address& address) {
    const std::int64_t owner = clients.findAddressOwner(address);
    if (owner == clientId) return;
    throw ApiError(409, "address_not_of_client",
                   "the " + address.kind + " address '" + address.value + "' is not one of client " + idText(clientId) +
                       "'s addresses" + (owner == 0 ? "" : " (it belongs to client " + idText(owner) + ")"));
}

// One open interaction per client, channel account and address: the client's next message must know where it goes.
void requireNoOtherOpen(InteractionStore& store, std::int64_t clientId, const std::string& channel,
                        const std::string& account, const Address& address, std::int64_t except) {
    const auto open = store.findOpen(clientId, channel, account, address, "");
    if (!open || open->id == except) return;
    throw ApiError(409, "open_interaction_exists",
                   "client " + idText(clientId) + " already has the open interaction " + idText(open->id) + " on " +
                       channel + " account " + account + ": answer there, or close it first");
}

// A plugin is foreign code: whatever it throws stays here.
bool asksForRatingItself(const ChannelPlugin& plugin, const std::string& channel) {
    try {
        return plugin.asksForRatingItself();
    } catch (const std::exception& e) {
        logger().error("the %s plugin failed to say how it asks for ratings: %s", channel, withCause(e));
    } catch (...) {
        logger().error("the %s plugin failed to say how it asks for ratings", channel);
    }
    return false;
}

bool canAskForRating(const ChannelPlugin& plugin, const std::string& channel) {
    try {
        return plugin.canAskForRating();
    } catch (const std::exception& e) {
        logger().error("the %s plugin failed to say whether it can ask for ratings: %s", channel, withCause(e));
    } catch (...) {
        logger().error("the %s plugin failed to say whether it can ask for ratings", channel);
    }
    return false;
}

template <typename Read>
auto readStore(ConnectionPool& pool, const char* what, Read read) {
    PooledSession session = pool.acquire();
    try {
        return read(*session);
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) session->markBroken();
        throw InternalError::unavailable(std::string("reading ") + what + " failed", e.what());
    }
}

}  // namespace

InteractionService::InteractionService(const DaemonConfig& config, WriteBatcher& writer, ConnectionPool& pool,
                                       MessageService& messages, MessageService::ChannelLookup channels)
    : config_(config), writer_(writer), pool_(pool), messages_(messages), channels_(std::move(channels)) {}

ChannelPlugin* InteractionService::requireChannel(const std::string& channel, const std::string& account) const {
    ChannelPlugin* plugin = channels_(channel);
    if (plugin == nullptr) {
        std::vector<std::string> loaded;
        for (const PluginEntry& entry : config_.channels) {
            if (std::find(loaded.begin(), loaded.end(), entry.type) == loaded.end() && channels_(entry.type)) {
                loaded.push_back(entry.type);
            }
        }
        std::string names;
        for (const std::string& name : loaded) names += (names.empty() ? "" : ", ") + name;
        throw ApiError::badRequest("'channel': no '" + channel +
                                   "' channel is loaded; loaded: " + (names.empty() ? "none" : names));
    }
    for (const PluginEntry& entry : config_.channels) {
        if (entry.type == channel && entry.id == account) return plugin;
    }
    throw ApiError::notFound("no " + channel + " account '" + account + "' is configured");
}

Interaction InteractionService::changeStatus(std::int64_t id, InteractionStatus to, const Actor& actor,
                                             const std::string& reason, const std::string& resolution,
                                             const std::string& postponedUntil, std::optional<int> expectedVersion) {
    Interaction before;
    Interaction updated;
    std::optional<StoredMessage> ratingRequest;
    writer_.run([&](DbSession& session) {
        ratingRequest.reset();
        InteractionStore store(session);
        const Interaction current = loadLocked(store, id);
        if (hooks_.check) hooks_.check(current, to, resolution, actor);
        before = current;
        ChannelPlugin* plugin = channels_(current.channel);
        // Spam and black-listed senders are not asked; nor is a client whose channel is not loaded to ask them.
        const bool askForRating = to == InteractionStatus::Closed && plugin != nullptr &&
                                  canAskForRating(*plugin, current.channel) &&
                                  current.status != InteractionStatus::Spam &&
                                  current.status != InteractionStatus::Blocked;
        // Before the change, so its interaction.updated event already shows it; an illegal change rolls it back.
        if (askForRating) store.markRatingRequested(id);
        updated = store.changeStatus(id, to, actor, reason, resolution, postponedUntil, expectedVersion);
        if (!askForRating) return;
        // The channel shows its own form (web chat), told by the ChannelNotifier.
        if (asksForRatingItself(*plugin, current.channel)) return;
        StoredMessage m;
        m.interactionId = id;
        m.clientId = updated.clientId;
        m.channel = updated.channel;
        m.account = updated.account;
        m.direction = Direction::Outbound;
        m.author = AuthorKind::System;
        m.autoGenerated = true;
        m.text = config_.interactions.ratingRequestText;
        m.status = DeliveryStatus::Pending;
        ratingRequest = MessageStore(session).insert(m);
    });
    if (hooks_.changed) {
        try {
            hooks_.changed(before, updated);
        } catch (const std::exception& e) {
            // The change is committed; routing's follow-up (a wrap-up) is retried by nobody, so say so.
            logger().error("routing after the status change of interaction %Ld: %s", id, withCause(e));
        }
    }
    if (ratingRequest) {
        // The close is committed whatever happens now: a failure to record the request's delivery is logged (the
        // message stays pending), not reported as if the status change had failed.
        try {
            messages_.deliver(*ratingRequest, updated.address, updated.subject);
        } catch (const std::exception& e) {
            logger().error("the rating request %Ld of interaction %Ld: %s", ratingRequest->id, id, withCause(e));
        }
    }
    return updated;
}

Interaction InteractionService::classify(std::int64_t id, std::vector<std::int64_t> topicIds, const Actor& actor,
                                         std::optional<int> expectedVersion) {
    std::sort(topicIds.begin(), topicIds.end());
    topicIds.erase(std::unique(topicIds.begin(), topicIds.end()), topicIds.end());
    if (topicIds.size() > kMaxTopics) {
        throw ApiError::badRequest("'topic_ids' may name at most " + std::to_string(kMaxTopics) + " topics");
    }
    Interaction updated;
    writer_.run([&](DbSession& session) {
        InteractionStore store(session);
        const Interaction current = loadLocked(store, id);
        checkVersion(current, expectedVersion);
        const auto unknown = store.unknownTopics(topicIds);
        if (!unknown.empty()) {
            std::string names;
            for (std::int64_t t : unknown) names += (names.empty() ? "" : ", ") + idText(t);
            throw ApiError::badRequest("'topic_ids': no topic " + names);
        }
        if (current.topics == topicIds) {  // load() returns them sorted too
            updated = current;
            return;
        }
        store.replaceTopics(id, topicIds);
        updated = *store.load(id);
        store.appendUpdated(updated, {"topics"}, actor);
    });
    return updated;
}

OutboundResult InteractionService::createOutbound(const OutboundDraft& draft, const Actor& actor) {
    ChannelPlugin* plugin = requireChannel(draft.channel, draft.account);
    OutboundResult result;
    Address to;
    OutboundMessage out;
    writer_.run([&](DbSession& session) {
        InteractionStore store(session);
        ClientStore clients(session);
        const auto aliasOf = clients.aliasOf(draft.clientId);
        if (!aliasOf) throw ApiError::notFound("no client " + idText(draft.clientId));
        if (*aliasOf != 0) {
            throw ApiError(409, "client_merged",
                           "client " + idText(draft.clientId) + " was merged into client " + idText(*aliasOf) +
                               ": start the interaction with client " + idText(*aliasOf));
        }
        if (draft.address) {
            requireOwnAddress(clients, draft.clientId, *draft.address);
            to = *draft.address;
        } else {
            const std::string kind = store.addressKindUsedOn(draft.clientId, draft.channel);
            if (kind.empty()) {
                throw ApiError::badRequest("'address' is required: client " + idText(draft.clientId) +
                                           " has no interaction on " + draft.channel +
                                           " yet that tells which of their addresses it reaches");
            }
            const auto found = clients.firstAddressOfKind(draft.clientId, kind);
            if (!found) {
                throw ApiError::badRequest("'address' is required: client " + idText(draft.clientId) + " has no " +
                                           kind + " address any more");
            }
            to = *found;
        }
        requireNoOtherOpen(store, draft.clientId, draft.channel, draft.account, to, 0);

        // The channel may refuse (WhatsApp: free text to someone who has not written for 24 hours) or render a
        // template's text; refusing here rolls the whole job back.
        out.account = draft.account;
        out.to = to;
        out.subject = draft.subject;
        out.text = draft.text;
        out.templateName = draft.templateName;
        out.templateLanguage = draft.templateLanguage;
        out.templateParameters = draft.templateParameters;
        MessageService::prepareOutbound(*plugin, draft.channel, out);
        if (out.text.empty()) throw ApiError::badRequest("'text' is empty: nothing to send");

        Interaction interaction;
        interaction.channel = draft.channel;
        interaction.account = draft.account;
        interaction.clientId = draft.clientId;
        interaction.address = to;
        interaction.subject = draft.subject;
        interaction.status = InteractionStatus::Assigned;  // whoever starts it works on it
        if (actor.kind == "operator") interaction.operatorId = actor.id;
        result.interaction = store.create(interaction, actor);

        StoredMessage m;
        m.interactionId = result.interaction.id;
        m.clientId = draft.clientId;
        m.channel = draft.channel;
        m.account = draft.account;
        m.direction = Direction::Outbound;
        const MessageAuthor author = messageAuthorOf(actor);
        m.author = author.kind;
        m.authorId = author.id;
        m.text = out.text;
        m.status = DeliveryStatus::Pending;
        result.message = MessageStore(session).insert(m);
    });
    result.message = messages_.deliver(result.message, std::move(out));
    return result;
}

Interaction InteractionService::switchChannel(std::int64_t id, const std::string& channel, const std::string& account,
                                              const Address& address, const Actor& actor,
                                              std::optional<int> expectedVersion) {
    requireChannel(channel, account);
    Interaction updated;
    writer_.run([&](DbSession& session) {
        InteractionStore store(session);
        const Interaction current = loadLocked(store, id);
        checkVersion(current, expectedVersion);
        if (current.status == InteractionStatus::Closed) {
            throw ApiError(409, "interaction_closed",
                           "interaction " + idText(id) + " is closed; a closed interaction keeps its channel");
        }
        ClientStore clients(session);
        requireOwnAddress(clients, current.clientId, address);
        std::vector<std::string> changes;
        if (current.channel != channel) changes.push_back("channel");
        if (current.account != account) changes.push_back("account");
        if (current.address.kind != address.kind || current.address.value != address.value) {
            changes.push_back("address");
        }
        if (changes.empty()) {
            updated = current;
            return;
        }
        requireNoOtherOpen(store, current.clientId, channel, account, address, id);
        store.moveToChannel(id, channel, account, address);
        updated = *store.load(id);
        store.appendUpdated(updated, changes, actor);
    });
    return updated;
}

Interaction InteractionService::rate(std::int64_t id, int rating, const std::string& comment, const Actor& actor) {
    Interaction rated;
    writer_.run([&](DbSession& session) { rated = InteractionStore(session).rate(id, rating, comment, actor); });
    return rated;
}

InteractionPage InteractionService::list(InteractionFilter filter, std::size_t limit) {
    return readStore(pool_, "the interactions", [&](DbSession& session) {
        InteractionPage page;
        page.interactions = InteractionStore(session).list(filter, limit + 1);  // one more tells whether another page follows
        if (page.interactions.size() > limit) {
            page.interactions.resize(limit);
            page.continueBefore = page.interactions.back().id;
        }
        return page;
    });
}

InteractionDetails InteractionService::get(std::int64_t id) {
    return readStore(pool_, "the interaction", [&](DbSession& session) {
        InteractionStore store(session);
        auto interaction = store.load(id);
        if (!interaction) throw ApiError::notFound("no interaction " + idText(id));
        return InteractionDetails{*interaction, MessageStore(session).messagesOf(id, kDetailMessages),
                                  store.statusHistory(id)};
    });
}

}  // namespace omnigate
