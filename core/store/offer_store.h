// The SQL of marketing offers (docs/offers.md): the offers a marketer keeps, and what became of each per
// interaction: shown in an operator's list, sent, activated. An offer is stored whole or not at all: the template
// and every topic it names must exist (a 400 naming the one that does not). An activation writes its
// offer.activated event in the same transaction, so the CRM hears of exactly the activations that were recorded.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"
#include "model/offer.h"

namespace omnigate {

// The interaction an operator proposes offers in, and its client as the conditions see them.
struct OfferSubject {
    std::int64_t interactionId = 0;
    std::int64_t clientId = 0;
    std::string queue;     // "" when it has none
    std::string holder;    // the operator holding it, "" when none
    OfferFacts facts;
};

// One row of an offer's results: the operator and queue of the interactions, and what happened there.
struct OfferResultRow {
    std::string operatorId;
    std::string queue;
    std::int64_t shown = 0;
    std::int64_t sent = 0;
    std::int64_t activated = 0;
};

// What an activation recorded.
struct OfferActivation {
    std::int64_t id = 0;
    std::string activatedAt;  // ISO 8601
};

class OfferStore {
public:
    explicit OfferStore(DbSession& session) : session_(session) {}

    std::vector<Offer> list();
    std::optional<Offer> find(std::int64_t id, bool forUpdate = false);
    Offer create(Offer draft);
    // The whole offer as it should now be. 409 version_conflict when `expectedVersion` is given and stale.
    Offer update(const Offer& next, std::optional<int> expectedVersion);

    // Nothing when there is no such interaction.
    std::optional<OfferSubject> subject(std::int64_t interactionId);
    // Activations of each offer by the client (offer id -> count). `lock` first locks the client's row, so two
    // activations for one client are counted one after the other and the limit holds.
    std::map<std::int64_t, std::int64_t> activationsBy(std::int64_t clientId, bool lock = false);
    bool activatedIn(std::int64_t offerId, std::int64_t interactionId);

    // Shown once per interaction and offer: a second list for the same interaction adds nothing.
    void recordShown(const std::vector<std::int64_t>& offerIds, const OfferSubject& subject,
                     const std::string& operatorId);
    void recordSent(const Offer& offer, const OfferSubject& subject, const std::string& operatorId,
                    std::int64_t messageId);
    // Records the activation and writes offer.activated on the interaction's topic.
    OfferActivation activate(const Offer& offer, const OfferSubject& subject, const std::string& operatorId);

    // By operator and queue, ordered by both.
    // Between `from` and `to` (database times; "" leaves that end open).
    std::vector<OfferResultRow> results(std::int64_t offerId, const std::string& from, const std::string& to);

private:
    void check(const Offer& offer);
    void bindOffer(sql::PreparedStatement& statement, const Offer& offer);

    DbSession& session_;
};

}  // namespace omnigate
