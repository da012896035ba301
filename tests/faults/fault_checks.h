// What every fault test checks after its fault, whatever the load was made of: each acknowledged message's
// message.created event reached a real MQTT subscriber (de-duplicated by event id), none of the run's events stayed in
// the outbox, and the counts are printed. Shared by the web chat and the WhatsApp fault tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "support/daemon_process.h"
#include "support/mqtt_probe.h"

namespace omnigate::test {

// "[ counts   ] <line>" on stdout, next to gtest's own lines.
void print(const std::string& line);
// The end of the daemon's log, for a failure message.
std::string logTail(DaemonProcess& daemon);
// Waits up to `wait` until every message in `expected` (message id -> external id) had its message.created event,
// each with exactly one event id and the right external id.
void expectEventsArrived(MqttProbe& probe, const std::map<std::int64_t, std::string>& expected, DaemonProcess& daemon,
                         std::chrono::seconds wait = std::chrono::seconds(30));
// Every event of the run (its run id is in their payloads) was deleted after the broker's PUBACK.
void expectOutboxDrained(const std::string& runId);
// The interactions and messages stored but not (yet) in the channel traffic aggregate, less those whose events
// still wait in the outbox (they count when published), read in one statement so that the figures agree with each
// other. Rows written without events (tests that insert directly) are all it holds, so it must be the same before
// and after a fault: the relay counted each published interaction and message once, however often it sent it.
std::int64_t uncountedTraffic();

}  // namespace omnigate::test
