// The SQL of the mailings (migration 019): their definitions, their runs and the threshold mailings' state. Kept
// beside the mailings rather than in store/, which does not know what a mailing is. Every write runs inside a
// transaction the caller owns (the writer's job, or the scheduler's own), so a change and its checks commit or
// roll back together.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "mailings/mailing.h"

namespace omnigate {

struct MailingRun {
    std::int64_t id = 0;
    std::int64_t mailingId = 0;
    std::string trigger;  // schedule, manual, alert, recovery
    std::string status;   // sending, sent, failed
    std::string startedAt;
    std::string finishedAt;  // empty while sending
    int attempts = 0;
    std::optional<int> replyCode;
    std::string reply;
    Poco::JSON::Object::Ptr contents;  // null: nothing recorded yet

    Poco::JSON::Object::Ptr toJson() const;
};

class MailingStore {
public:
    explicit MailingStore(DbSession& session) : session_(session) {}

    std::vector<Mailing> all();
    std::optional<Mailing> find(std::int64_t id, bool forUpdate = false);
    // The queue of a threshold mailing must exist and give its metric a direction and the level (400 naming the
    // field); a periodic mailing's next run is computed from now.
    Mailing create(Mailing draft);
    // Replaces the definition (404, 409 on a stale `version`); a threshold mailing starts from a clean state.
    Mailing replace(std::int64_t id, Mailing draft, std::optional<int> version);
    void remove(std::int64_t id);

    // Newest first, those before `beforeId` (0: from the newest), at most `limit`.
    std::vector<MailingRun> runs(std::int64_t mailingId, std::int64_t beforeId, std::size_t limit);
    std::optional<MailingRun> run(std::int64_t runId);
    // Recorded before anything is sent: status sending, started now.
    std::int64_t startRun(std::int64_t mailingId, const std::string& trigger, const Poco::JSON::Object::Ptr& contents);
    void finishRun(const MailingRun& run);
    // Runs left 'sending' by a daemon that stopped while sending become failed, saying so; how many. Try-outs
    // (manual runs, sent by the daemon that answered them) only when an hour old.
    int failInterrupted();

    // Enabled periodic mailings whose next run is due by now.
    std::vector<Mailing> due();
    // Moves a due mailing's next run from `expected` to `next`; false when someone else moved it (an edit, or a
    // run already under way).
    bool claimRun(std::int64_t id, const std::string& expected, const std::string& next);
    // Enabled threshold mailings with their state.
    std::vector<Mailing> thresholdMailings();
    void saveState(std::int64_t id, const ThresholdState& state);

private:
    FigureThresholds queueThresholds(const std::string& queue);
    void checkAndSchedule(Mailing& m);

    DbSession& session_;
};

}  // namespace omnigate
