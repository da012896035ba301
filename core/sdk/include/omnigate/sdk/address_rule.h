// The one rule for a client's address, and its one spelling, applied wherever an address comes in (web chat form,
// REST, what channels submit) and again where one goes out (SMTP commands, mail headers, a WhatsApp recipient).
// An address ends up inside an SMTP command line, a mail header and provider requests: a line break or an angle
// bracket in it would let whoever typed it add recipients or headers, so such values never get in, whatever the kind.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "omnigate/sdk/messages.h"

namespace omnigate {

enum class AddressSource {
    Typed,     // a person typed it (a form, the REST API): a phone must be a number
    Provider,  // a channel's provider reported it: a phone may be a caller id such as "anonymous"
};

// Why `address` cannot be stored as a client's address, as the rest of a sentence that begins with the field's
// name ("must not contain control characters, '<' or '>'"), or nullopt when it can. Every kind: 1 to 255 bytes
// after trimming spaces, no control character (below 0x20, DEL), no '<' or '>'. email: one RFC 5321 mailbox.
// whatsapp, and phone when typed: a number of 3 to 15 digits (E.164), spaces, '+', '-', '(', ')' and '.' allowed.
std::optional<std::string> addressProblem(const Address& address, AddressSource source);

// One RFC 5321 Mailbox: Local-part "@" ( Domain / address-literal ), ASCII, nothing around it, local part at most
// 64 bytes, the whole at most 254. Only such a value goes into MAIL FROM, RCPT TO or an addr-spec header.
bool isMailbox(std::string_view text);

// Every digit of `text`, in order, whatever separators it was written with: what a phone or whatsapp address is
// compared, stored and sent as. Whether `text` is a phone number at all is addressProblem()'s to say.
std::string phoneDigits(std::string_view text);

// The one spelling of an address, so that "Anna@Example.com" and "anna@example.com", or "+7 (912) 345-67-89" and
// "79123456789", are the same client, the same black-list entry and the same search hit: trimmed; email
// lower-cased; phone and whatsapp '+' and phoneDigits() (a caller id without digits, such as "anonymous", as given).
Address canonicalAddress(Address address);

}  // namespace omnigate
