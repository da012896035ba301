// Fetching a client's media the way the Cloud API hands it out: the webhook carries only a media id; GET
// /{version}/{media-id} (with the bearer token) answers a short-lived URL, and GET on that URL (with the token
// again) answers the bytes. Either step can fail for a while, so the caller keeps the message and retries.
#pragma once

#include <string>

#include "graph_api_client.h"

namespace omnigate::whatsapp {

struct FetchedMedia {
    bool ok = false;
    bool permanent = false;  // retrying cannot help (larger than max_media_bytes, a URL the token may not go to)
    std::string bytes;
    std::string mimeType;
    std::string error;  // when not ok: which step failed and how
};

FetchedMedia fetchMedia(const GraphApiClient& client, const WhatsappConfig& config, const std::string& mediaId,
                        const std::string& declaredMimeType);

}  // namespace omnigate::whatsapp
