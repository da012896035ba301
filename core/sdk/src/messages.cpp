#include "omnigate/sdk/messages.h"

namespace omnigate {

const char* toString(Direction d) { return d == Direction::Inbound ? "in" : "out"; }

const char* toString(AuthorKind a) {
    switch (a) {
        case AuthorKind::Client: return "client";
        case AuthorKind::Operator: return "operator";
        case AuthorKind::Bot: return "bot";
        case AuthorKind::System: return "system";
        case AuthorKind::Integration: return "integration";
    }
    return "client";
}

const char* toString(DeliveryStatus s) {
    switch (s) {
        case DeliveryStatus::Pending: return "pending";
        case DeliveryStatus::Sent: return "sent";
        case DeliveryStatus::Delivered: return "delivered";
        case DeliveryStatus::Read: return "read";
        case DeliveryStatus::Failed: return "failed";
    }
    return "pending";
}

}  // namespace omnigate
