#include "omnigate/sdk/plugin.h"

#include "omnigate/sdk/api_error.h"

namespace omnigate {

// Refusing what a channel cannot do is safer than sending free text where the operator chose a template or a
// public answer: they would believe the client saw something else.
void ChannelPlugin::prepareOutbound(OutboundMessage& message) {
    if (!message.templateName.empty()) {
        throw ApiError::badRequest("'template': the " + name() + " channel has no message templates");
    }
    if (!message.visibility.empty()) {
        throw ApiError::badRequest("'visibility': the " + name() + " channel has no public answers");
    }
}

}  // namespace omnigate
