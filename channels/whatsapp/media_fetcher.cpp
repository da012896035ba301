#include "media_fetcher.h"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>

namespace omnigate::whatsapp {

namespace {

std::string describe(const GraphResponse& r) {
    if (!r.transportError.empty()) return r.transportError;
    const GraphError error = graphErrorOf(r.body);
    std::string text = "HTTP " + std::to_string(r.httpStatus);
    if (!error.code.empty()) text += ", error " + error.code + ": " + error.message;
    return text;
}

// The media download carries the account's access token, so it goes only where no one can read it on the way and
// no one else answers: an https:// URL, or the origin of graph_url itself, which the operator configured (and which
// is how tests reach a local fake over http).
bool mayCarryToken(const std::string& url, const std::string& graphUrl) {
    try {
        const Poco::URI target(url);
        if (target.getScheme() == "https" && !target.getHost().empty()) return true;
        const Poco::URI graph(graphUrl);
        return target.getScheme() == graph.getScheme() && Poco::icompare(target.getHost(), graph.getHost()) == 0 &&
               target.getPort() == graph.getPort();
    } catch (const Poco::Exception&) {
        return false;
    }
}

}  // namespace

FetchedMedia fetchMedia(const GraphApiClient& client, const WhatsappConfig& config, const std::string& mediaId,
                        const std::string& declaredMimeType) {
    FetchedMedia media;
    const GraphResponse info = client.get(config.endpoint(mediaId), 64 * 1024);
    if (!info.ok()) {
        media.error = "the media's URL could not be had (" + describe(info) + ")";
        return media;
    }
    const MediaInfo meta = mediaInfoOf(info.body);
    const std::string& url = meta.url;
    if (url.empty()) {
        media.error = "the media's metadata names no URL";
        return media;
    }
    if (!mayCarryToken(url, config.graphUrl)) {
        media.permanent = true;  // the metadata's URL is not ours to choose: asking again would name it again
        media.error = "the media's URL is neither https:// nor on graph_url's origin, so the access token was not "
                      "sent there";
        return media;
    }
    const std::uint64_t size = meta.size;
    if (size > config.maxMediaBytes) {
        media.permanent = true;
        media.error = "the media is " + std::to_string(size) + " bytes, more than max_media_bytes (" +
                      std::to_string(config.maxMediaBytes) + ")";
        return media;
    }
    const GraphResponse bytes = client.get(url, config.maxMediaBytes);
    if (!bytes.ok()) {
        media.permanent = bytes.httpStatus == 0 && bytes.transportError.find("larger than") != std::string::npos;
        media.error = "the media could not be downloaded (" + describe(bytes) + ")";
        return media;
    }
    if (bytes.body.empty()) {
        media.error = "the media download was empty";
        return media;
    }
    media.ok = true;
    media.bytes = bytes.body;
    media.mimeType = meta.mimeType;
    if (media.mimeType.empty()) media.mimeType = declaredMimeType;
    if (media.mimeType.empty()) media.mimeType = bytes.contentType;
    if (media.mimeType.empty()) media.mimeType = "application/octet-stream";
    return media;
}

}  // namespace omnigate::whatsapp
