#include "pending_media.h"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/SHA1Engine.h>

#include <sstream>

#include "omnigate/support/json_fields.h"

namespace omnigate::whatsapp {

namespace {

constexpr const char* prefix = "media/";

}  // namespace

// A digest keeps the key within the state's 191 characters whatever the account id and wamid lengths.
std::string PendingMedia::key(const std::string& account, const std::string& wamid) {
    Poco::SHA1Engine sha1;
    sha1.update(account);
    sha1.update('\n');
    sha1.update(wamid);
    return prefix + Poco::DigestEngine::digestToHex(sha1.digest());
}

void PendingMedia::put(const PendingMediaItem& item) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("account", item.account);
    o.set("wamid", item.wamid);
    o.set("media_id", item.mediaId);
    o.set("kind", item.kind);
    o.set("mime_type", item.mimeType);
    o.set("file_name", item.fileName);
    o.set("final_text", item.finalText);
    o.set("attempts", item.attempts);
    o.set("next_attempt_at", item.nextAttemptAt);
    o.set("last_error", item.lastError);
    std::ostringstream out;
    o.stringify(out);
    host_.saveState(key(item.account, item.wamid), out.str());
}

void PendingMedia::erase(const std::string& account, const std::string& wamid) {
    host_.eraseState(key(account, wamid));
}

bool PendingMedia::has(const std::string& account, const std::string& wamid) {
    return host_.loadState(key(account, wamid)).has_value();
}

std::vector<PendingMediaItem> PendingMedia::all() {
    std::vector<PendingMediaItem> items;
    for (const auto& [stateKey, value] : host_.listState(prefix)) {
        const Poco::JSON::Object::Ptr o = support::parseObject(value);
        PendingMediaItem item;
        item.account = support::stringOr(o, "account");
        item.wamid = support::stringOr(o, "wamid");
        item.mediaId = support::stringOr(o, "media_id");
        if (item.account.empty() || item.wamid.empty() || item.mediaId.empty()) {
            host_.log(LogLevel::Warning, "whatsapp: dropped a damaged pending media entry " + stateKey);
            host_.eraseState(stateKey);
            continue;
        }
        item.kind = support::stringOr(o, "kind");
        item.mimeType = support::stringOr(o, "mime_type");
        item.fileName = support::stringOr(o, "file_name");
        item.finalText = support::stringOr(o, "final_text");
        item.attempts = static_cast<int>(support::intOr(o, "attempts"));
        item.nextAttemptAt = support::intOr(o, "next_attempt_at");
        item.lastError = support::stringOr(o, "last_error");
        items.push_back(std::move(item));
    }
    return items;
}

}  // namespace omnigate::whatsapp
