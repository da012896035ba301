// The REST resource /api/v1/interactions: list, read, move through the lifecycle, classify, rate, start one towards
// a client, switch its channel, and the operator's messages. Only HTTP lives here (the scope each route needs,
// parsing, 400s that name the field); what a change means is InteractionService's and MessageService's.
#pragma once

#include "http/router.h"
#include "interactions/interaction_service.h"
#include "interactions/message_service.h"
#include "store/file_store.h"

namespace omnigate {

class InteractionsApi {
public:
    InteractionsApi(InteractionService& interactions, MessageService& messages, FileStore& files);

    void registerRoutes(Router& router);

private:
    // Each handler runs once the caller is authorized for its route's scope, as `actor`.
    HttpResponse list(const HttpRequest& request, const Actor& actor);
    HttpResponse create(const HttpRequest& request, const Actor& actor);
    HttpResponse get(const HttpRequest& request, const Actor& actor);
    HttpResponse changeStatus(const HttpRequest& request, const Actor& actor);
    HttpResponse classify(const HttpRequest& request, const Actor& actor);
    HttpResponse switchChannel(const HttpRequest& request, const Actor& actor);
    HttpResponse rate(const HttpRequest& request, const Actor& actor);
    HttpResponse reply(const HttpRequest& request, const Actor& actor);
    HttpResponse listMessages(const HttpRequest& request, const Actor& actor);

    InteractionService& interactions_;
    MessageService& messages_;
    FileStore& files_;
};

}  // namespace omnigate
