#include "api/branches_api.h"

#include <Poco/JSON/Array.h>

#include "api/api_support.h"
#include "api/audit_trail.h"
#include "model/routing_fields.h"
#include "omnigate/sdk/api_error.h"
#include "store/branch_store.h"

namespace omnigate {

namespace {

std::string boundedName(const Poco::JSON::Object::Ptr& body, bool required, const std::string& current) {
    if (!body->has("name") && !required) return current;
    const std::string name = api::requiredString(body, "name");
    if (name.empty() || name.size() > 255) throw ApiError::badRequest("'name' must be 1 to 255 characters");
    return name;
}

// A desk phone the voice channel can ring: sip: or sips:, no spaces, at most 255 bytes.
std::string sipUri(const Poco::JSON::Object::Ptr& body, const std::string& current) {
    if (!body->has("sip_uri")) return current;
    if (body->isNull("sip_uri")) return "";
    const std::string uri = api::requiredString(body, "sip_uri");
    const bool sip = uri.rfind("sip:", 0) == 0 || uri.rfind("sips:", 0) == 0;
    if (!uri.empty() && (!sip || uri.size() > 255 || uri.find_first_of(" \t\r\n<>\"") != std::string::npos)) {
        throw ApiError::badRequest("'sip_uri' must be a SIP address like sip:desk-12@pbx.example.com; got '" + uri +
                                   "'");
    }
    return uri;
}

std::string branchOf(const Poco::JSON::Object::Ptr& body, const std::string& current) {
    if (!body->has("branch_id")) return current;
    if (body->isNull("branch_id")) return "";
    return api::requiredString(body, "branch_id");
}

template <typename Item>
HttpResponse listOf(const std::vector<Item>& items, const char* key) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const Item& item : items) list->add(toJson(item));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set(key, list);
    return api::jsonResponse(200, body);
}

}  // namespace

BranchesApi::BranchesApi(WriteBatcher& writer, ConnectionPool& pool) : writer_(writer), pool_(pool) {}

void BranchesApi::registerRoutes(Router& router) {
    const Access manage = Access::needs(Permission::UsersManage);
    using Self = BranchesApi;
    const auto route = [&](const char* method, const char* pattern,
                           HttpResponse (Self::*handler)(const HttpRequest&, const Actor&)) {
        router.add(method, pattern, manage,
                   [this, handler](const HttpRequest& r, const Actor& actor) { return (this->*handler)(r, actor); });
    };
    router.add("GET", "/api/v1/branches", manage, [this](const HttpRequest&, const Actor&) { return listBranches(); });
    route("POST", "/api/v1/branches", &Self::createBranch);
    route("PATCH", "/api/v1/branches/{id}", &Self::updateBranch);
    route("DELETE", "/api/v1/branches/{id}", &Self::removeBranch);
    router.add("GET", "/api/v1/workplaces", manage,
               [this](const HttpRequest&, const Actor&) { return listWorkplaces(); });
    route("POST", "/api/v1/workplaces", &Self::createWorkplace);
    route("PATCH", "/api/v1/workplaces/{id}", &Self::updateWorkplace);
    route("DELETE", "/api/v1/workplaces/{id}", &Self::removeWorkplace);
}

HttpResponse BranchesApi::listBranches() {
    return listOf(api::readWith<std::vector<Branch>>(pool_, "the branches",
                                                     [](DbSession& db) { return BranchStore(db).branches(); }),
                  "branches");
}

HttpResponse BranchesApi::createBranch(const HttpRequest& request, const Actor& actor) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"id", "name"}, "a branch");
    Branch branch;
    branch.id = api::requiredString(body, "id");
    routing_fields::checkId(branch.id, "id");
    branch.name = boundedName(body, true, "");
    writer_.run([&](DbSession& db) {
        branch = BranchStore(db).createBranch(branch);
        audit::record(db, actor, request, "branch.created", "branch:" + branch.id, nullptr, toJson(branch));
    });
    return api::jsonResponse(201, toJson(branch));
}

HttpResponse BranchesApi::updateBranch(const HttpRequest& request, const Actor& actor) {
    const std::string id = request.param("id");
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"name"}, "a branch");
    Branch updated;
    writer_.run([&](DbSession& db) {
        BranchStore store(db);
        const auto current = store.findBranch(id);
        if (!current) throw ApiError::notFound("no branch '" + id + "'");
        Branch branch = *current;
        branch.name = boundedName(body, false, branch.name);
        updated = store.updateBranch(branch);
        audit::record(db, actor, request, "branch.updated", "branch:" + id, toJson(*current), toJson(updated));
    });
    return api::jsonResponse(200, toJson(updated));
}

HttpResponse BranchesApi::removeBranch(const HttpRequest& request, const Actor& actor) {
    const std::string id = request.param("id");
    writer_.run([&](DbSession& db) {
        BranchStore store(db);
        const auto current = store.findBranch(id);
        store.removeBranch(id);
        audit::record(db, actor, request, "branch.deleted", "branch:" + id, toJson(*current), nullptr);
    });
    return api::noContent();
}

HttpResponse BranchesApi::listWorkplaces() {
    return listOf(api::readWith<std::vector<Workplace>>(pool_, "the workplaces",
                                                        [](DbSession& db) { return BranchStore(db).workplaces(); }),
                  "workplaces");
}

HttpResponse BranchesApi::createWorkplace(const HttpRequest& request, const Actor& actor) {
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"id", "name", "branch_id", "sip_uri"}, "a workplace");
    Workplace workplace;
    workplace.id = api::requiredString(body, "id");
    routing_fields::checkId(workplace.id, "id");
    workplace.name = boundedName(body, true, "");
    workplace.branchId = branchOf(body, "");
    workplace.sipUri = sipUri(body, "");
    writer_.run([&](DbSession& db) {
        workplace = BranchStore(db).createWorkplace(workplace);
        audit::record(db, actor, request, "workplace.created", "workplace:" + workplace.id, nullptr,
                      toJson(workplace));
    });
    return api::jsonResponse(201, toJson(workplace));
}

HttpResponse BranchesApi::updateWorkplace(const HttpRequest& request, const Actor& actor) {
    const std::string id = request.param("id");
    const auto body = api::parseBody(request);
    api::rejectUnknownFields(body, {"name", "branch_id", "sip_uri"}, "a workplace");
    Workplace updated;
    writer_.run([&](DbSession& db) {
        BranchStore store(db);
        const auto current = store.findWorkplace(id);
        if (!current) throw ApiError::notFound("no workplace '" + id + "'");
        Workplace workplace = *current;
        workplace.name = boundedName(body, false, workplace.name);
        workplace.branchId = branchOf(body, workplace.branchId);
        workplace.sipUri = sipUri(body, workplace.sipUri);
        updated = store.updateWorkplace(workplace);
        audit::record(db, actor, request, "workplace.updated", "workplace:" + id, toJson(*current), toJson(updated));
    });
    return api::jsonResponse(200, toJson(updated));
}

HttpResponse BranchesApi::removeWorkplace(const HttpRequest& request, const Actor& actor) {
    const std::string id = request.param("id");
    writer_.run([&](DbSession& db) {
        BranchStore store(db);
        const auto current = store.findWorkplace(id);
        store.removeWorkplace(id);
        audit::record(db, actor, request, "workplace.deleted", "workplace:" + id, toJson(*current), nullptr);
    });
    return api::noContent();
}

}  // namespace omnigate
