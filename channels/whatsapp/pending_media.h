// Media whose download failed when its message arrived: the message is stored at once (the client's words must
// not wait for Meta's CDN) and the download is retried from here. The list lives in the host's durable plugin
// state, so a restart resumes the retries instead of losing the media.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "omnigate/sdk/channel_host.h"

namespace omnigate::whatsapp {

struct PendingMediaItem {
    std::string account;
    std::string wamid;      // of the stored inbound message the media belongs to
    std::string mediaId;
    std::string kind;
    std::string mimeType;
    std::string fileName;
    std::string finalText;  // the message's text without the "pending" note, set when the media arrives
    int attempts = 0;
    std::int64_t nextAttemptAt = 0;  // unix seconds
    std::string lastError;
};

class PendingMedia {
public:
    explicit PendingMedia(ChannelHost& host) : host_(host) {}

    void put(const PendingMediaItem& item);
    void erase(const std::string& account, const std::string& wamid);
    bool has(const std::string& account, const std::string& wamid);
    // Every pending item (damaged entries are dropped with a log line).
    std::vector<PendingMediaItem> all();

private:
    static std::string key(const std::string& account, const std::string& wamid);
    ChannelHost& host_;
};

}  // namespace omnigate::whatsapp
