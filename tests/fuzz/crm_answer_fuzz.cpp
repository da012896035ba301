// libFuzzer target for the CRM's client lookup answer ({"card": {field: value}}): whatever the CRM answers, parsing
// yields a card within the limits or throws std::runtime_error naming what is wrong; never a crash, a hang, a leak
// or another exception. Seeds: tests/fuzz/corpus/crm_answer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "client_lookup.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    try {
        const omnigate::crm::Card card = omnigate::crm::ClientLookup::parseAnswer(body);
        if (card.size() > 100) std::abort();
        for (const auto& [key, value] : card) {
            if (key.empty() || key.size() > 64 || value.size() > 1024) std::abort();
        }
    } catch (const std::runtime_error&) {
    }
    return 0;
}
