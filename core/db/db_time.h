// Times as the database keeps them: DATETIME(3) in UTC ("2026-11-25 10:00:00.000"), while the API and the events
// speak ISO 8601 with a Z. Every store, and the writers of events, convert through these.
#pragma once

#include <chrono>
#include <string>

namespace omnigate {

std::string nowDbTime();
std::string dbTimeIn(std::chrono::milliseconds fromNow);  // now + fromNow (negative: in the past)
std::string dbTimeToIso(const std::string& dbTime);
std::string isoToDbTime(const std::string& iso);

}  // namespace omnigate
