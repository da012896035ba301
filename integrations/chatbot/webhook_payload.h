// The bodies of the two webhooks the bot receives. They carry the interaction as our REST API shows it and the
// latest messages, so a bot needs no call back to us before it can answer:
//   {"type": "conversation.started", "integration": "<id>", "interaction": {…}, "messages": [{…}, …]}
//   {"type": "message.created", "integration": "<id>", "interaction": {…}, "message": {…}, "messages": [{…}, …]}
#pragma once

#include <string>
#include <vector>

#include "omnigate/sdk/messages.h"

namespace omnigate::chatbot {

// A message as our REST API and events show it.
std::string messageJson(const StoredMessage& message);

// `interactionJson` and `messageJson` are JSON objects (as PluginHost::interaction and the event give them).
std::string conversationStartedBody(const std::string& integration, const std::string& interactionJson,
                                    const std::vector<StoredMessage>& messages);
std::string messageCreatedBody(const std::string& integration, const std::string& interactionJson,
                               const std::string& messageJson, const std::vector<StoredMessage>& messages);

}  // namespace omnigate::chatbot
