// One snapshot of the online statistics (docs/statistics.md): every queue with its channels, every operator and
// the totals, each figure with its level and target, as of one moment. The REST API answers parts of it; the
// publisher sends it on MQTT.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <string>

#include "db/db_session.h"

namespace omnigate {

class OnlineSnapshot {
public:
    // Reads what it needs in `session` and computes the figures as of `nowMicros` (UTC), in the centre's day.
    static OnlineSnapshot read(DbSession& session, int utcOffsetMinutes, std::int64_t nowMicros);

    // The whole board: {as_of, utc_offset, totals, queues: [...], operators: [...]}.
    Poco::JSON::Object::Ptr board() const { return board_; }
    // One queue's entry, one operator's entry with as_of; null when there is none.
    Poco::JSON::Object::Ptr queue(const std::string& id) const;
    Poco::JSON::Object::Ptr operatorEntry(const std::string& id) const;
    const std::map<std::string, Poco::JSON::Object::Ptr>& operators() const { return operators_; }

private:
    Poco::JSON::Object::Ptr board_;
    std::map<std::string, Poco::JSON::Object::Ptr> queues_;
    std::map<std::string, Poco::JSON::Object::Ptr> operators_;
};

}  // namespace omnigate
