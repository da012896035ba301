#include "model/address_normalization.h"

#include <Poco/String.h>
#include <Poco/UTF8String.h>

#include <cctype>

namespace omnigate {

Address normalizeAddress(Address address) {
    address.value = Poco::trim(address.value);
    if (address.kind == "email") {
        address.value = Poco::UTF8::toLower(address.value);
    } else if (address.kind == "phone" || address.kind == "whatsapp") {
        std::string digits;
        for (const char c : address.value) {
            if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
        }
        address.value = digits.empty() ? address.value : "+" + digits;
    }
    return address;
}

}  // namespace omnigate
