// The REST resource /api/v1/interactions: list, read, move through the lifecycle, classify, rate, start one towards
// a client, switch its channel, and the operator's messages. Only HTTP lives here (auth, parsing, 400s that name
// the field); what a change means is InteractionService's and MessageService's.
#pragma once

#include "config/daemon_config.h"
#include "http/router.h"
#include "pipeline/interaction_service.h"
#include "pipeline/message_service.h"

namespace omnigate {

class InteractionsApi {
public:
    InteractionsApi(const DaemonConfig& config, InteractionService& interactions, MessageService& messages);

    void registerRoutes(Router& router);

private:
    // The admin token acts as {kind: admin}; `X-Omnigate-Actor: operator:<id>` records which operator acted.
    Actor authorize(const HttpRequest& request) const;

    HttpResponse list(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request);
    HttpResponse get(const HttpRequest& request);
    HttpResponse changeStatus(const HttpRequest& request);
    HttpResponse classify(const HttpRequest& request);
    HttpResponse switchChannel(const HttpRequest& request);
    HttpResponse rate(const HttpRequest& request);
    HttpResponse reply(const HttpRequest& request);
    HttpResponse listMessages(const HttpRequest& request);

    const DaemonConfig& config_;
    InteractionService& interactions_;
    MessageService& messages_;
};

}  // namespace omnigate
