#include "omnigate/sdk/api_error.h"

namespace omnigate {

// Out of line on purpose: the key function that puts ApiError's vtable and type_info in the SDK library only.
ApiError::~ApiError() = default;

}  // namespace omnigate
