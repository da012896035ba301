// Waiting for what a daemon does in the background (a webhook delivered, a campaign finished): asked again every
// 50 ms until it holds or the time is up, so a test waits no longer than it must and never sleeps a fixed guess.
#pragma once

#include <chrono>
#include <functional>

namespace omnigate::test {

// True as soon as `done` answers true; false when it still does not after `timeout`.
bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout);

}  // namespace omnigate::test
