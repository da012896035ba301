// Marketing offers over REST (docs/offers.md): marketers create, edit, schedule and retire offers and read their
// results; an operator reads the offers that fit the client of an interaction (best first, each counted as shown
// once per interaction), sends one as a reply in that interaction, and activates it when the client accepts. The
// HTTP shape and who acts live here; the checks of a body and the fit in Offer, the SQL in OfferStore.
#pragma once

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"
#include "interactions/message_service.h"
#include "model/offer.h"
#include "store/file_store.h"

namespace omnigate {

class OffersApi {
public:
    OffersApi(WriteBatcher& writer, ConnectionPool& pool, MessageService& messages, FileStore& files)
        : writer_(writer), pool_(pool), messages_(messages), files_(files) {}

    void registerRoutes(Router& router);

private:
    HttpResponse list(const HttpRequest& request);
    HttpResponse get(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request);
    HttpResponse update(const HttpRequest& request);
    HttpResponse results(const HttpRequest& request);
    HttpResponse fitting(const HttpRequest& request, const Actor& actor);
    HttpResponse send(const HttpRequest& request, const Actor& actor);
    HttpResponse activate(const HttpRequest& request, const Actor& actor);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
    MessageService& messages_;
    FileStore& files_;
};

}  // namespace omnigate
