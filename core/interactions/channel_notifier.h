// Tells a channel plugin that one of its interactions changed status, whoever changed it: routing's distributor
// offering it, an operator accepting or closing it, a client's reply bringing it back. Web chat shows the status
// to the visitor; voice bridges a queued call to the operator who accepted it. It hears committed
// interaction.updated events through the writers' post-commit hooks, so a change that rolled back is never
// announced, and calls the plugins on a thread of its own, in commit order, so a slow plugin never holds up a writer.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "db/post_commit_hook.h"
#include "interactions/message_service.h"
#include "interactions/task_queue.h"

namespace omnigate {

class ChannelNotifier {
public:
    explicit ChannelNotifier(MessageService::ChannelLookup channels);

    ChannelNotifier(const ChannelNotifier&) = delete;
    ChannelNotifier& operator=(const ChannelNotifier&) = delete;

    // A post-commit hook's share, on the committing thread: queues what channels need to hear. Never throws.
    void onCommitted(const std::vector<CommittedEvent>& events);
    // Stops hearing commits and returns once every notification queued so far has reached its plugin (before the
    // plugins stop).
    void close();

private:
    void queue(const CommittedEvent& event);
    void notify(const InteractionUpdate& update, const std::string& channel);

    MessageService::ChannelLookup channels_;
    std::mutex mutex_;
    bool closed_ = false;
    TaskQueue queue_;  // last member: destroyed first
};

}  // namespace omnigate
