// The one check between a matched route and its handler: the HTTP server hands it the route's declared Access and
// the request, and passes on the Actor it answers. Implemented by the Authenticator (core/api), which knows the
// tokens; kept abstract here so the server needs nothing of the API's stores.
#pragma once

#include "http/access.h"
#include "model/actor.h"
#include "omnigate/sdk/http.h"

namespace omnigate {

class RouteGuard {
public:
    virtual ~RouteGuard() = default;

    // Who calls, when `access` lets the request through; throws ApiError (401, 403, 503) otherwise.
    virtual Actor admit(const HttpRequest& request, const Access& access) = 0;

    // Whether served() wants the state before a change: then the server answers the GET of the same path, if the
    // path has one, just before the handler runs, and passes that answer on as `before`.
    virtual bool wantsBefore(const HttpRequest& /*request*/, const Access& /*access*/) const { return false; }

    // Told of every request its handler answered (errors thrown are not answers): where the audit log records
    // changes made through the API. `before` is null unless wantsBefore() asked for it and the GET answered 200.
    virtual void served(const HttpRequest& /*request*/, const Access& /*access*/, const Actor& /*actor*/,
                        const HttpResponse& /*response*/, const HttpResponse* /*before*/) {}
};

}  // namespace omnigate
