// libFuzzer target for what the Graph API and Meta's webhook headers hand the WhatsApp channel, one reader per
// first byte: 0 a Graph error body, 1 a media id's metadata, 2 an X-Hub-Signature-256 header (up to the first
// newline) checked against the body after it. None may crash, hang, leak or throw. Seeds: tests/fuzz/corpus/
// whatsapp_api_answer (shaped like Meta's documented answers).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "graph_answer.h"
#include "hub_signature.h"

namespace wa = omnigate::whatsapp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 3) {
        case 0:
            wa::graphErrorOf(body);
            break;
        case 1:
            wa::mediaInfoOf(body);
            break;
        default: {
            const std::size_t newline = body.find('\n');
            const std::string header = body.substr(0, newline);
            const std::string payload = newline == std::string::npos ? std::string() : body.substr(newline + 1);
            const std::string secret = "fuzz-app-secret";
            // A claim only verifies when it is the signature itself (hex in any case).
            if (wa::verifyHubSignature(secret, payload, header) && header.size() != wa::hubSignature(secret, payload).size()) {
                std::abort();
            }
            if (!wa::verifyHubSignature(secret, payload, wa::hubSignature(secret, payload))) std::abort();
            break;
        }
    }
    return 0;
}
