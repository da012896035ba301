#include "model/address_normalization.h"

#include <Poco/String.h>
#include <Poco/UTF8String.h>

#include <cctype>

#include "omnigate/sdk/api_error.h"

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

Address checkedAddress(const Address& raw, const std::string& field, AddressSource source) {
    if (const auto problem = addressProblem(raw, source)) throw ApiError::badRequest(field + " " + *problem);
    return normalizeAddress(raw);
}

}  // namespace omnigate
