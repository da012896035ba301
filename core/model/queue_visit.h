// A visit of an interaction to a queue (docs/metrics.md, "An interaction in a queue"): it starts when the
// interaction enters the queue (queue_entered_at) and goes on while offers to operators come and go; a change
// that takes it out of waiting there ends it, answered, abandoned or left. Pure: the store records what this says.
#pragma once

#include <optional>

#include "model/interaction.h"

namespace omnigate {

enum class VisitEnding { Answered, Abandoned, Left };

const char* toString(VisitEnding ending);

// Waiting in a queue: queued, or offered to an operator who has not accepted yet.
bool waitsInQueue(const Interaction& interaction);

// How the change from `before` to `after` ended the visit `before` was on; nothing when it ended none (the
// interaction was not waiting in a queue, or still waits in the same visit: an offer made, declined or missed).
std::optional<VisitEnding> visitEnding(const Interaction& before, const Interaction& after);

}  // namespace omnigate
