// libFuzzer target for the knowledge base's search answer: the first byte is the number of suggestions asked for,
// the rest the body. Parsing yields at most that many suggestions, each with a text and a score in 0..1, or throws
// KnowledgeBaseError; never a crash, a hang, a leak or another exception. Seeds: tests/fuzz/corpus/
// knowledge_base_answer (the contract in knowledge_base_client.h).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "knowledge_base_client.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t limit = data[0] % 16;
    const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        const auto suggestions = omnigate::knowledge_base::parseSearchAnswer(body, limit);
        if (suggestions.size() > limit) std::abort();
        for (const auto& s : suggestions) {
            if (s.text.empty() || !(s.score >= 0.0 && s.score <= 1.0) || s.source != "knowledge_base") std::abort();
        }
    } catch (const omnigate::knowledge_base::KnowledgeBaseError&) {
    }
    return 0;
}
