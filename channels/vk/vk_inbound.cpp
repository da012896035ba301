#include "vk_inbound.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace omnigate::vk {

namespace {

constexpr std::size_t seenEventsKept = 10000;
constexpr std::size_t namesKept = 10000;

std::string unsupportedNote(const std::string& type) { return "[VK " + type + " attachment]"; }

}  // namespace

std::string VkInbound::consentKey(const std::string& account, std::int64_t userId) {
    return "consent/" + account + "/" + std::to_string(userId);
}

bool VkInbound::seen(const std::string& account, const std::string& eventId) {
    if (eventId.empty()) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    return seenEvents_.count(account + "/" + eventId) != 0;
}

void VkInbound::remember(const std::string& account, const std::string& eventId) {
    if (eventId.empty()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!seenEvents_.insert(account + "/" + eventId).second) return;
    seenOrder_.push_back(account + "/" + eventId);
    if (seenOrder_.size() > seenEventsKept) {
        seenEvents_.erase(seenOrder_.front());
        seenOrder_.pop_front();
    }
}

void VkInbound::handle(VkAccount& account, const VkEvent& event) {
    if (seen(account.id, event.eventId)) {
        host_.log(LogLevel::Debug, "vk: account '" + account.id + "': event " + event.eventId + " seen already");
        return;
    }
    switch (event.action) {
        case VkEvent::Action::Store: store(account, event); break;
        case VkEvent::Action::Edit:
        case VkEvent::Action::Delete: amend(account, event); break;
        case VkEvent::Action::Consent: consent(account, event); break;
        case VkEvent::Action::Confirmation: return;  // the Callback API answers it; nothing to store
        case VkEvent::Action::Ignore:
            host_.log(LogLevel::Info, "vk: account '" + account.id + "': ignored a '" + event.type.substr(0, 64) +
                                          "' event (" + event.ignoredBecause + ")");
            break;
    }
    remember(account.id, event.eventId);
}

std::string VkInbound::nameOf(VkAccount& account, std::int64_t userId) {
    if (!account.config.fetchNames) return {};
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (const auto found = names_.find(userId); found != names_.end()) return found->second;
    }
    // Only a new client's name is ever used: a known one costs no call.
    if (host_.clientIdByAddress(Address{"vk", std::to_string(userId)})) return {};
    std::string name;
    try {
        // A name is nice to have: the message waits for it at most a few seconds.
        const Poco::Dynamic::Var answer = account.api.call("users.get", {{"user_ids", std::to_string(userId)}},
                                                           cancel_, std::chrono::milliseconds(3000));
        VkAccounts::tokenWorked(host_, account);
        if (answer.type() == typeid(Poco::JSON::Array::Ptr)) {
            const auto users = answer.extract<Poco::JSON::Array::Ptr>();
            if (users->size() > 0 && users->getObject(0)) {
                const auto user = users->getObject(0);
                name = user->optValue<std::string>("first_name", "");
                const std::string last = user->optValue<std::string>("last_name", "");
                if (!last.empty()) name += (name.empty() ? "" : " ") + last;
            }
        }
    } catch (const VkApiError& e) {
        if (e.code() == vk_errors::authorizationFailed) VkAccounts::tokenRejected(host_, account, e.text());
        host_.log(LogLevel::Warning, "vk: account '" + account.id + "': users.get failed (" + e.what() +
                                         "); the client is stored without a name");
        return {};
    } catch (const std::exception& e) {
        host_.log(LogLevel::Warning, "vk: account '" + account.id + "': users.get failed (" + e.what() +
                                         "); the client is stored without a name");
        return {};
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (names_.size() >= namesKept) names_.clear();
    names_[userId] = name;
    return name;
}

void VkInbound::store(VkAccount& account, const VkEvent& event) {
    InboundMessage message;
    message.account = account.id;
    message.externalId = event.externalId();
    message.from = Address{"vk", std::to_string(event.fromId)};
    message.threadKey = threadKeyOf(event.target);
    message.publicAppeal = event.target.isPublic();
    message.clientName = nameOf(account, event.fromId);

    std::vector<std::string> notes;
    for (const std::string& type : event.unsupported) notes.push_back(unsupportedNote(type));
    const std::string text = VkMediaFetcher::withNotes(event.text, notes);
    VkMediaFetcher::Fetched fetched = media_.fetch(account, event.media);
    message.attachments = fetched.attachments;
    message.text = VkMediaFetcher::withNotes(text, fetched.notes);
    if (message.text.empty() && message.attachments.empty()) message.text = "[VK: an empty message]";

    // Remembered before the message is stored: a crash in between leaves an entry whose message is not there
    // (the retry pass drops it), never a stored message that nobody will complete. An entry of an earlier delivery
    // of the same message stays: it belongs to the stored message.
    bool rememberedBefore = false;
    if (!fetched.pending.empty()) {
        rememberedBefore = media_.remembers(account.id, message.externalId);
        media_.remember(account.id, message.externalId, text, fetched.pending);
    }
    const SubmitResult result = host_.submitInbound(message);
    // Writing to the community lets it answer again, whatever the client denied before.
    if (!message.publicAppeal && !result.duplicate &&
        host_.loadState(consentKey(account.id, event.fromId)).value_or("") == "denied") {
        VkEvent allow = event;
        allow.allowed = true;
        consent(account, allow);
    }
    if (result.duplicate) {
        if (!fetched.pending.empty() && !rememberedBefore) media_.forget(account.id, message.externalId);
        host_.log(LogLevel::Debug, "vk: account '" + account.id + "': " + message.externalId + " is stored already");
    }
}

void VkInbound::amend(VkAccount& account, const VkEvent& event) {
    InboundAmendment amendment;
    amendment.account = account.id;
    amendment.externalId = event.externalId();
    if (event.action == VkEvent::Action::Delete) {
        amendment.deleted = true;
    } else {
        std::vector<std::string> notes;
        // The media stay as they were stored: an edit changes the text.
        for (const std::string& type : event.unsupported) notes.push_back(unsupportedNote(type));
        amendment.replaceText = true;
        amendment.text = VkMediaFetcher::withNotes(event.text, notes);
    }
    if (!host_.amendInbound(amendment)) {
        host_.log(LogLevel::Info, "vk: account '" + account.id + "': a '" + event.type + "' for " +
                                      amendment.externalId + ", which is not stored here, was ignored");
    }
}

void VkInbound::consent(VkAccount& account, const VkEvent& event) {
    // Kept in the plugin's state too: the sender checks it before messages.send even for a client that has no
    // card yet (they allowed or denied before ever writing).
    host_.saveState(consentKey(account.id, event.fromId), event.allowed ? "allowed" : "denied");
    if (const auto client = host_.clientIdByAddress(Address{"vk", std::to_string(event.fromId)})) {
        host_.updateClientCard(*client, {{"vk_messages_allowed", event.allowed ? "true" : "false"}});
    }
    host_.log(LogLevel::Info, "vk: account '" + account.id + "': user " + std::to_string(event.fromId) +
                                  (event.allowed ? " allowed" : " denied") + " messages from the community");
}

}  // namespace omnigate::vk
