// The admin REST resource /api/v1/api-tokens: the administrator gives an integration (a CRM, a bot) a token
// limited to some scopes, sees which tokens exist and when each was last used, and revokes one. A token is shown
// once, in the answer that creates it; afterwards only its SHA-256 exists.
#pragma once

#include "api/authenticator.h"
#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class ApiTokensApi {
public:
    ApiTokensApi(Authenticator& authenticator, WriteBatcher& writer, ConnectionPool& pool);

    void registerRoutes(Router& router);

private:
    HttpResponse list();
    HttpResponse get(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request);
    HttpResponse revoke(const HttpRequest& request);

    Authenticator& authenticator_;
    WriteBatcher& writer_;
    ConnectionPool& pool_;
};

}  // namespace omnigate
