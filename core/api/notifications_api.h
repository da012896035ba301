// Notices to operators over REST (docs/notifications.md): supervisors and administrators send them to everyone, a
// group or one operator, list them with how many read them, and withdraw them; an operator lists their own and
// marks them read. Each is pushed on the recipients' omnigate/v1/operators/<id>/notifications.
#pragma once

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class NotificationsApi {
public:
    NotificationsApi(WriteBatcher& writer, ConnectionPool& pool);

    void registerRoutes(Router& router);

private:
    HttpResponse send(const HttpRequest& request, const Actor& actor);
    HttpResponse sent(const HttpRequest& request);
    HttpResponse withdraw(const HttpRequest& request);
    HttpResponse own(const HttpRequest& request);
    HttpResponse markRead(const HttpRequest& request);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
};

}  // namespace omnigate
