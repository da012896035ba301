// The Graph API calls of one WhatsApp account, over libcurl: JSON posts (send a message), multipart uploads (media
// for an outgoing message), and bounded GETs (media metadata and bytes). Every call carries the account's bearer
// token and ends within request_timeout_ms or when the plugin stops. Kept behind this class so tests point
// graph_url at a local fake.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

#include "graph_answer.h"
#include "whatsapp_config.h"

namespace omnigate::whatsapp {

struct GraphResponse {
    long httpStatus = 0;          // 0: no HTTP answer at all (see transportError)
    std::string transportError;   // connection refused, timeout, too large…
    bool connectFailed = false;   // nothing reached the server: safe to try again
    std::string body;
    std::string contentType;

    bool ok() const { return httpStatus >= 200 && httpStatus <= 299; }
};

class GraphApiClient {
public:
    GraphApiClient(const WhatsappConfig& config, const std::atomic<bool>& cancel);

    GraphResponse get(const std::string& url, std::size_t limit) const;
    GraphResponse postJson(const std::string& url, const std::string& json) const;
    // multipart/form-data: messaging_product=whatsapp, type=<mime>, file=<bytes> (POST /{phone_number_id}/media).
    GraphResponse uploadMedia(const std::string& url, const std::string& bytes, const std::string& mimeType,
                              const std::string& fileName) const;

private:
    const WhatsappConfig& config_;
    const std::atomic<bool>& cancel_;
};

}  // namespace omnigate::whatsapp
