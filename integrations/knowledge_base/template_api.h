// The administrators' REST surface of the response templates: list, add, change and remove them, count a use
// (the operator's panel reports which template was sent), and list the most used ones for an operator or queue.
// Reading and counting need catalogs:read (operators), changing catalogs:write (business administrators). Bodies are checked field by field, a 400 names the field.
#pragma once

#include "omnigate/sdk/integration_host.h"
#include "template_store.h"

namespace omnigate::knowledge_base {

class TemplateApi {
public:
    TemplateApi(IntegrationHost& host, TemplateStore& store) : host_(host), store_(store) {}

    // Registers the routes under /api/v1/integrations/knowledge-base/templates.
    void registerRoutes();

    HttpResponse list(const HttpRequest& request);     // GET    …/templates
    HttpResponse create(const HttpRequest& request);   // POST   …/templates
    HttpResponse update(const HttpRequest& request);   // PATCH  …/templates/{id}
    HttpResponse remove(const HttpRequest& request);   // DELETE …/templates/{id}
    HttpResponse used(const HttpRequest& request);     // POST   …/templates/{id}/used
    HttpResponse popular(const HttpRequest& request);  // GET    …/templates/popular

private:
    IntegrationHost& host_;
    TemplateStore& store_;
};

}  // namespace omnigate::knowledge_base
