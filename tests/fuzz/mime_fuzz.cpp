// libFuzzer target for the MIME parser: any bytes a stranger can put in a mailbox must parse without a crash, a leak
// or undefined behaviour, and everything it hands on (text, subject, names) must be valid UTF-8 for the store.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "html_text.h"
#include "mime_parser.h"
#include "mime_text.h"
#include "quoted_history.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace omnigate::email;
    const std::string raw(reinterpret_cast<const char*>(data), size);
    MimeLimits limits;
    limits.maxAttachmentBytes = 1 << 20;  // keeps the fuzzer's memory small; the logic is the same
    const ParsedMail mail = parseMail(raw, limits);
    if (!isValidUtf8(mail.text) || !isValidUtf8(mail.subject) || !isValidUtf8(mail.fromName)) std::abort();
    for (const MailAttachment& a : mail.attachments) {
        if (!isValidUtf8(a.name) || a.bytes.empty()) std::abort();
    }
    (void)decodeHeader(raw.substr(0, 4096));
    (void)htmlToText(raw.substr(0, 65536));
    (void)markQuotedHistory(mail.text);
    return 0;
}
