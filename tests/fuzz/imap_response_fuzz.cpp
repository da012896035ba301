// libFuzzer target for the IMAP client's reading of server replies: whatever a hostile or broken server sends, in
// whatever pieces the network cuts it into, reading responses and understanding SELECT, SEARCH and FETCH answers
// must neither crash nor read out of bounds, keep no more literal bytes than allowed, and end (an ImapError at the
// latest when the bytes run out).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "imap_response.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace omnigate::email;
    if (size == 0) return 0;
    // The first byte chooses how the bytes arrive: all at once or in small pieces, as a trickling server sends them.
    const std::size_t piece = data[0] == 0 ? size : data[0];
    const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::size_t sent = 0;
    ImapResponseReader reader([&](std::string& buffer) {
        if (sent >= input.size()) return false;
        const std::size_t n = std::min(piece, input.size() - sent);
        buffer.append(input, sent, n);
        sent += n;
        return true;
    });
    constexpr std::size_t maxLiteral = 4096;
    std::vector<ImapResponse> responses;
    try {
        (void)reader.readLine();  // the greeting
        while (responses.size() < 64) {
            ImapResponse r = reader.read(maxLiteral);
            std::size_t kept = 0;
            for (const std::string& literal : r.literals) kept += literal.size();
            if (kept > maxLiteral) std::abort();
            (void)imapNumberAfter(r.text, "UID");
            (void)imapNumberAfter(r.text, "RFC822.SIZE");
            (void)announcesNewMail(r);
            responses.push_back(std::move(r));
        }
    } catch (const ImapError&) {
    }
    const std::vector<std::uint32_t> uids = searchUidsOf(responses);
    for (std::size_t i = 1; i < uids.size(); ++i) {
        if (uids[i - 1] >= uids[i]) std::abort();
    }
    try {
        (void)selectedMailboxOf(responses, "INBOX");
    } catch (const ImapError&) {
    }
    return 0;
}
