// Tells a channel plugin that one of its interactions changed status, whoever changed it: routing's distributor
// offering it, an operator accepting or closing it, a client's reply bringing it back. Web chat shows the status
// to the visitor; voice bridges a queued call to the operator who accepted it. It listens to committed
// interaction.updated events, so a change that rolled back is never announced, and calls the plugins on a thread
// of its own, in commit order, so a slow plugin never holds up a writer.
#pragma once

#include <string>

#include "interactions/message_service.h"
#include "interactions/task_queue.h"

namespace omnigate {

class ChannelNotifier {
public:
    explicit ChannelNotifier(MessageService::ChannelLookup channels);
    ~ChannelNotifier();  // stops listening, then lets the queued notifications run

    ChannelNotifier(const ChannelNotifier&) = delete;
    ChannelNotifier& operator=(const ChannelNotifier&) = delete;

    // Returns once every notification announced so far has reached its plugin (before the plugins stop).
    void drain() { queue_.drain(); }

private:
    void onCommitted(const std::string& payload);
    void notify(const InteractionUpdate& update, const std::string& channel);

    MessageService::ChannelLookup channels_;
    TaskQueue queue_;  // last member: destroyed first
};

}  // namespace omnigate
