#include "model/address_normalization.h"

#include "omnigate/sdk/api_error.h"

namespace omnigate {

Address normalizeAddress(Address address) { return canonicalAddress(std::move(address)); }

Address checkedAddress(const Address& raw, const std::string& field, AddressSource source) {
    if (const auto problem = addressProblem(raw, source)) throw ApiError::badRequest(field + " " + *problem);
    return normalizeAddress(raw);
}

}  // namespace omnigate
