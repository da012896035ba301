#include "fault_checks.h"

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <iostream>
#include <set>
#include <thread>

#include "support/db_probe.h"

namespace omnigate::test {

using namespace std::chrono_literals;

void print(const std::string& line) { std::cout << "[ counts   ] " << line << std::endl; }

std::string logTail(DaemonProcess& daemon) {
    const std::string log = daemon.log();
    constexpr std::size_t kTail = 8000;
    return "---- daemon log (tail) ----\n" + (log.size() > kTail ? log.substr(log.size() - kTail) : log);
}

void expectEventsArrived(MqttProbe& probe, const std::map<std::int64_t, std::string>& expected, DaemonProcess& daemon,
                         std::chrono::seconds wait) {
    std::map<std::int64_t, std::set<std::string>> eventIds;
    std::size_t deliveries = 0, wrongExternalId = 0, processed = 0;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
        const std::vector<ReceivedMessage> received = probe.all();
        for (; processed < received.size(); ++processed) {
            const std::string& payload = received[processed].payload;
            if (payload.find("\"message.created\"") == std::string::npos) continue;
            Poco::JSON::Object::Ptr event;
            try {
                event = Poco::JSON::Parser().parse(payload).extract<Poco::JSON::Object::Ptr>();
            } catch (const Poco::Exception& e) {
                // Seen once in a full run (the broker restart under load), not reproduced alone: name the payload
                // and its topic instead of a bare "JSON Exception" out of the test body.
                ADD_FAILURE() << "unreadable event on " << received[processed].topic << " (" << e.displayText()
                              << ", " << payload.size() << " bytes): " << payload.substr(0, 600);
                continue;
            }
            if (event->getValue<std::string>("type") != "message.created") continue;
            const auto data = event->getObject("data");
            const auto it = expected.find(data->getValue<std::int64_t>("id"));
            if (it == expected.end()) continue;  // another test's message, or one never acknowledged
            ++deliveries;
            eventIds[it->first].insert(event->getValue<std::string>("id"));
            if (data->getValue<std::string>("external_id") != it->second) ++wrongExternalId;
        }
        if (eventIds.size() == expected.size() || std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(200ms);
    }
    std::size_t oneEventId = 0;
    for (const auto& [id, ids] : eventIds) {
        if (ids.size() == 1) {
            ++oneEventId;
        } else {
            ADD_FAILURE() << "message " << id << " has " << ids.size() << " distinct message.created event ids";
        }
    }
    std::size_t shown = 0;
    for (const auto& [id, externalId] : expected) {
        if (eventIds.count(id) == 0 && shown++ < 10) ADD_FAILURE() << "no message.created for " << externalId;
    }
    print("mqtt: " + std::to_string(eventIds.size()) + " of " + std::to_string(expected.size()) +
          " acknowledged messages had their message.created event (" + std::to_string(deliveries) +
          " deliveries, " + std::to_string(deliveries - std::min(deliveries, eventIds.size())) +
          " redelivered, de-duplicated by event id; " + std::to_string(oneEventId) + " with exactly one event id)");
    EXPECT_EQ(eventIds.size(), expected.size()) << logTail(daemon);
    EXPECT_EQ(oneEventId, eventIds.size());
    EXPECT_EQ(wrongExternalId, 0u);
}

void expectOutboxDrained(const std::string& runId) {
    DbProbe db;
    const std::string query = "SELECT COUNT(*) FROM outbox WHERE payload LIKE '%" + runId + "%'";
    std::int64_t left = db.scalar(query);
    for (int i = 0; i < 100 && left > 0; ++i) {
        std::this_thread::sleep_for(100ms);
        left = db.scalar(query);
    }
    print("outbox: " + std::to_string(left) + " events of this run left");
    EXPECT_EQ(left, 0);
}

std::int64_t uncountedTraffic() {
    return DbProbe().scalar(
        "SELECT (SELECT COUNT(*) FROM interactions) + (SELECT COUNT(*) FROM messages) - "
        "(SELECT COALESCE(SUM(created + inbound_messages + outbound_messages), 0) FROM stats_channel_intervals) - "
        "(SELECT COUNT(*) FROM outbox WHERE topic LIKE 'omnigate/v1/interactions/%' AND (payload LIKE "
        "'%\"type\":\"interaction.created\"%' OR payload LIKE '%\"type\":\"message.created\"%'))");
}

}  // namespace omnigate::test
