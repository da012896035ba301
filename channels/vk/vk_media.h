// The photos, documents and voice messages of inbound VK messages, fetched into the file store. A message is
// never held back by its media: what could not be fetched is noted in its text and remembered in the plugin's
// durable state, and a background pass fetches it later and amends the stored message (the note goes, the file
// is attached), until it succeeds or gives up and says so in the text.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <vector>

#include "omnigate/sdk/channel_host.h"
#include "vk_accounts.h"
#include "vk_event.h"

namespace omnigate::vk {


class VkMediaFetcher {
public:
    VkMediaFetcher(ChannelHost& host, const VkAccounts& accounts, const std::atomic<bool>& cancel)
        : host_(host), accounts_(accounts), cancel_(cancel) {}

    struct Fetched {
        std::vector<Attachment> attachments;
        std::vector<VkMedia> pending;     // failed for now: worth another try
        std::vector<std::string> notes;   // lines for the text: what is pending or failed for good
    };
    Fetched fetch(const VkAccount& account, const std::vector<VkMedia>& media);

    // Remembers `pending` of the stored message `externalId` (whose text without the notes is `text`).
    void remember(const std::string& account, const std::string& externalId, const std::string& text,
                  const std::vector<VkMedia>& pending);
    void forget(const std::string& account, const std::string& externalId);
    bool remembers(const std::string& account, const std::string& externalId);

    // One background pass: every remembered message whose next attempt is due. Returns how many it handled.
    std::size_t retryDue();

    static std::string pendingNote(const VkMedia& media);
    static std::string withNotes(const std::string& text, const std::vector<std::string>& notes);

private:
    static std::string stateKey(const std::string& account, const std::string& externalId);

    ChannelHost& host_;
    const VkAccounts& accounts_;
    const std::atomic<bool>& cancel_;
};

}  // namespace omnigate::vk
