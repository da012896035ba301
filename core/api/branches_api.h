// The business administrator's /api/v1/branches and /api/v1/workplaces: where people work. A workplace names its
// SIP desk phone; an operator signs in at one (POST /api/v1/auth/login "workplace").
#pragma once

#include "db/connection_pool.h"
#include "db/write_batcher.h"
#include "http/router.h"

namespace omnigate {

class BranchesApi {
public:
    BranchesApi(WriteBatcher& writer, ConnectionPool& pool);

    void registerRoutes(Router& router);

private:
    HttpResponse listBranches();
    HttpResponse createBranch(const HttpRequest& request, const Actor& actor);
    HttpResponse updateBranch(const HttpRequest& request, const Actor& actor);
    HttpResponse removeBranch(const HttpRequest& request, const Actor& actor);
    HttpResponse listWorkplaces();
    HttpResponse createWorkplace(const HttpRequest& request, const Actor& actor);
    HttpResponse updateWorkplace(const HttpRequest& request, const Actor& actor);
    HttpResponse removeWorkplace(const HttpRequest& request, const Actor& actor);

    WriteBatcher& writer_;
    ConnectionPool& pool_;
};

}  // namespace omnigate
