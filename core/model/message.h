// A message of an interaction: the SDK's StoredMessage is the model (plugins read the history through it), so
// the core uses the same type rather than a second one that would drift.
#pragma once

#include "omnigate/sdk/messages.h"

namespace omnigate {

using Message = StoredMessage;

}  // namespace omnigate
