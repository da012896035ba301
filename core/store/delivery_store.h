// The SQL of integration deliveries (core/db/event_sinks.h queues them with the events): leasing the due ones
// in order per topic, completing, retrying, dead-lettering and redelivering. Each method is one short statement
// or two on the caller's session; leases use FOR UPDATE SKIP LOCKED so two daemons never hand out one delivery.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "omnigate/sdk/integration_host.h"

namespace omnigate {

class DeliveryStore {
public:
    explicit DeliveryStore(DbSession& session) : session_(session) {}

    // Call inside a transaction: the lease is taken with the rows locked.
    std::vector<EventDelivery> lease(const std::string& sink, std::size_t limit, std::chrono::seconds lease);
    void complete(const std::string& sinkPrefix, std::int64_t id);
    void retry(const std::string& sinkPrefix, std::int64_t id, std::chrono::system_clock::time_point notBefore,
               const std::string& error);
    void deadLetter(const std::string& sinkPrefix, std::int64_t id, const std::string& error);
    std::vector<EventDelivery> deadLetters(const std::string& sink, std::size_t limit);
    std::size_t redeliver(const std::string& sink, std::int64_t id);
    std::size_t backlog(const std::string& sink);
    std::size_t purge(const std::string& sink);

private:
    std::vector<EventDelivery> read(sql::PreparedStatement& query);

    DbSession& session_;
};

}  // namespace omnigate
