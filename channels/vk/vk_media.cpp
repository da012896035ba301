#include "vk_media.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <sstream>

#include "omnigate/sdk/api_error.h"

namespace omnigate::vk {

namespace {

constexpr const char* statePrefix = "media/";

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string describe(const VkMedia& media) {
    if (media.kind == "audio_message") return "voice message";
    if (media.kind == "doc") return "document '" + media.name + "'";
    return media.kind;
}

Poco::JSON::Object::Ptr toJson(const std::string& text, const std::vector<VkMedia>& pending, int attempts,
                               std::int64_t due) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("text", text);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const VkMedia& m : pending) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object;
        item->set("kind", m.kind);
        item->set("url", m.url);
        item->set("name", m.name);
        item->set("mime_type", m.mimeType);
        list->add(item);
    }
    o->set("media", list);
    o->set("attempts", attempts);
    o->set("due_ms", due);
    return o;
}

std::string stringify(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    return out.str();
}

}  // namespace

std::string VkMediaFetcher::stateKey(const std::string& account, const std::string& externalId) {
    return statePrefix + account + "/" + externalId;
}

std::string VkMediaFetcher::pendingNote(const VkMedia& media) {
    return "[VK " + describe(media) + ": not downloaded yet, retrying]";
}

std::string VkMediaFetcher::withNotes(const std::string& text, const std::vector<std::string>& notes) {
    std::string out = text;
    for (const std::string& note : notes) out += (out.empty() ? "" : "\n") + note;
    return out;
}

VkMediaFetcher::Fetched VkMediaFetcher::fetch(const VkAccount& account, const std::vector<VkMedia>& media) {
    Fetched out;
    for (const VkMedia& m : media) {
        try {
            const HttpAnswer answer = VkHttp::download(
                m.url, account.config.maxMediaBytes,
                std::chrono::duration_cast<std::chrono::milliseconds>(account.config.requestTimeout), cancel_);
            out.attachments.push_back(host_.storeFile(answer.body, m.mimeType, m.name));
        } catch (const VkRefusedRedirect& e) {
            host_.log(LogLevel::Warning, "vk: account '" + account.id + "': a " + m.kind + " was not fetched: " +
                                             e.what());
            out.notes.push_back("[VK " + describe(m) + ": " + e.what() + ", not downloaded]");
        } catch (const VkTransportError& e) {
            const std::string why = e.what();
            if (why.find("larger than") != std::string::npos) {
                out.notes.push_back("[VK " + describe(m) + ": larger than max_media_bytes (" +
                                    std::to_string(account.config.maxMediaBytes) + "), not downloaded]");
                continue;
            }
            host_.log(LogLevel::Warning, "vk: account '" + account.id + "': fetching a " + m.kind +
                                             " failed (" + why + "); the message is stored without it for now");
            out.pending.push_back(m);
            out.notes.push_back(pendingNote(m));
        } catch (const ApiError& e) {
            if (e.status() == 503) {  // the disk, not the file: worth another try
                out.pending.push_back(m);
                out.notes.push_back(pendingNote(m));
            } else {
                out.notes.push_back("[VK " + describe(m) + ": not stored (" + e.what() + ")]");
            }
        }
    }
    return out;
}

void VkMediaFetcher::remember(const std::string& account, const std::string& externalId, const std::string& text,
                              const std::vector<VkMedia>& pending) {
    const VkAccount* a = accounts_.find(account);
    const auto interval = a ? a->config.mediaRetryInterval : std::chrono::seconds(60);
    host_.saveState(stateKey(account, externalId),
                    stringify(toJson(text, pending, 0, nowMs() + std::chrono::milliseconds(interval).count())));
}

bool VkMediaFetcher::remembers(const std::string& account, const std::string& externalId) {
    return host_.loadState(stateKey(account, externalId)).has_value();
}

void VkMediaFetcher::forget(const std::string& account, const std::string& externalId) {
    host_.eraseState(stateKey(account, externalId));
}

std::size_t VkMediaFetcher::retryDue() {
    std::size_t handled = 0;
    for (const auto& [key, value] : host_.listState(statePrefix)) {
        if (cancel_) break;
        const std::string rest = key.substr(std::string(statePrefix).size());
        const std::size_t slash = rest.find('/');
        const VkAccount* account = slash == std::string::npos ? nullptr : accounts_.find(rest.substr(0, slash));
        Poco::JSON::Object::Ptr state;
        try {
            state = Poco::JSON::Parser().parse(value).extract<Poco::JSON::Object::Ptr>();
        } catch (const Poco::Exception&) {
        }
        if (account == nullptr || !state) {  // an account removed from the config, or a broken entry
            host_.eraseState(key);
            continue;
        }
        if (state->optValue<Poco::Int64>("due_ms", 0) > nowMs()) continue;
        const std::string externalId = rest.substr(slash + 1);
        const std::string text = state->optValue<std::string>("text", "");
        std::vector<VkMedia> media;
        if (const auto list = state->getArray("media")) {
            for (std::size_t i = 0; i < list->size(); ++i) {
                const auto item = list->getObject(static_cast<unsigned>(i));
                if (!item) continue;
                media.push_back({item->optValue<std::string>("kind", ""), item->optValue<std::string>("url", ""),
                                 item->optValue<std::string>("name", ""),
                                 item->optValue<std::string>("mime_type", "")});
            }
        }
        const int attempts = state->optValue<int>("attempts", 0) + 1;
        Fetched fetched = fetch(*account, media);
        ++handled;

        InboundAmendment amendment;
        amendment.account = account->id;
        amendment.externalId = externalId;
        amendment.addAttachments = fetched.attachments;
        std::vector<std::string> notes = fetched.notes;
        const bool givingUp = !fetched.pending.empty() && attempts >= account->config.mediaRetryAttempts;
        if (givingUp) {
            notes.clear();
            for (const VkMedia& m : fetched.pending) {
                notes.push_back("[VK " + describe(m) + ": could not be downloaded]");
            }
            for (const std::string& note : fetched.notes) {
                if (note.find("retrying") == std::string::npos) notes.push_back(note);
            }
        }
        // Nothing fetched and not giving up: the message stays as it is, the entry is only rescheduled.
        const bool changed = fetched.pending.size() != media.size() || givingUp;
        amendment.replaceText = changed;
        amendment.byClient = false;  // our retry note changes, not the client's words
        amendment.text = withNotes(text, notes);
        const bool stored = changed ? host_.amendInbound(amendment) : true;
        if (!stored || fetched.pending.empty() || givingUp) {
            if (givingUp) {
                host_.log(LogLevel::Warning, "vk: account '" + account->id + "': gave up fetching the media of " +
                                                 externalId + " after " + std::to_string(attempts) + " attempts");
            }
            host_.eraseState(key);
            continue;
        }
        const auto next = account->config.mediaRetryInterval * std::min(attempts + 1, 10);
        host_.saveState(key, stringify(toJson(text, fetched.pending, attempts,
                                              nowMs() + std::chrono::milliseconds(next).count())));
    }
    return handled;  // each handled entry is rescheduled or gone, so the next pass finds fewer
}

}  // namespace omnigate::vk
