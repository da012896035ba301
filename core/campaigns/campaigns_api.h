// Outbound campaigns over REST (docs/campaigns.md): marketers make, launch, pause, resume, cancel and delete
// campaigns and read their results live (JSON, CSV, XLSX); the segment's count before a launch; a client's consent
// (opt-out) set by a person; and the email's unsubscribe page and one-click POST, open to anyone holding the
// signed address. The HTTP shape and who acts live here; the checks of a body in Campaign, the SQL in the stores,
// the sending in CampaignRunner.
#pragma once

#include "campaigns/campaign_runner.h"
#include "config/daemon_config.h"
#include "db/connection_pool.h"
#include "db/transaction_runner.h"
#include "http/router.h"
#include "interactions/message_service.h"
#include "model/campaign.h"

namespace omnigate {

class CampaignsApi {
public:
    CampaignsApi(const DaemonConfig& config, ConnectionPool& pool, TransactionRunner& transactions,
                 MessageService::ChannelLookup channels, CampaignRunner& runner)
        : config_(config), pool_(pool), transactions_(transactions), channels_(std::move(channels)), runner_(runner) {}

    void registerRoutes(Router& router);

private:
    HttpResponse list(const HttpRequest& request);
    HttpResponse get(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request, const Actor& actor);
    HttpResponse update(const HttpRequest& request);
    HttpResponse remove(const HttpRequest& request);
    HttpResponse act(const HttpRequest& request, const std::string& action);
    HttpResponse results(const HttpRequest& request);
    HttpResponse audience(const HttpRequest& request);
    HttpResponse audienceOf(const HttpRequest& request);
    HttpResponse optOut(const HttpRequest& request, const std::string& method);
    HttpResponse unsubscribePage(const HttpRequest& request);
    HttpResponse unsubscribe(const HttpRequest& request);

    Campaign::Limits limits() const;
    // What the daemon and the channel must say yes to before a campaign is stored or launched: the account is
    // configured, a WhatsApp template is registered, approved and takes the parameters, an email can carry its
    // unsubscribe address, a shared template uses only what a campaign can fill. 400 naming the field.
    void checkAgainstDeployment(const Campaign& campaign);
    std::int64_t count(const Campaign& campaign);
    Poco::JSON::Object::Ptr withLife(const Campaign& campaign, DbSession& session);

    const DaemonConfig& config_;
    ConnectionPool& pool_;
    TransactionRunner& transactions_;
    MessageService::ChannelLookup channels_;
    CampaignRunner& runner_;
};

}  // namespace omnigate
