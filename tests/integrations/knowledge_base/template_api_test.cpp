// The templates' REST surface against a fake host's state: who each route admits, validation naming the field,
// read-only templates from the file, optimistic versions, use counts per operator and queue, and the popular list
// those counts order.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <set>

#include "fake_host.h"
#include "template_api.h"

namespace omnigate::knowledge_base {
namespace {

const std::string base = "/api/v1/integrations/knowledge-base/templates";

struct Reply {
    int status = 0;
    std::string code;
    std::string body;
    Poco::JSON::Object::Ptr json() const {
        return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    }
};

class TemplateApiTest : public ::testing::Test {
protected:
    TemplateApiTest() : store(host, configured()), api(host, store) { api.registerRoutes(); }

    static std::vector<ResponseTemplate> configured() {
        ResponseTemplate t;
        t.id = "from-file";
        t.title = "From the file";
        t.text = "Fixed text";
        t.fromConfig = true;
        return {t};
    }

    Reply call(const std::string& method, const std::string& pattern, const std::string& body = "",
               std::map<std::string, std::string> params = {},
               std::vector<std::pair<std::string, std::string>> query = {}) {
        HttpRequest request;
        request.method = method;
        request.pathParams = std::move(params);
        request.query = std::move(query);
        request.body = body;
        Reply reply;
        try {
            const HttpResponse response = host.routes.at(method + " " + pattern)(request);
            reply.status = response.status;
            reply.body = response.body;
        } catch (const ApiError& e) {
            reply.status = e.status();
            reply.code = e.code();
            reply.body = e.what();
        }
        return reply;
    }

    Reply used(const std::string& id, const std::string& body) {
        return call("POST", base + "/{id}/used", body, {{"id", id}});
    }

    std::vector<std::string> popularIds(std::vector<std::pair<std::string, std::string>> query) {
        const Reply r = call("GET", base + "/popular", "", {}, std::move(query));
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::string> ids;
        const auto list = r.json()->getArray("templates");
        for (std::size_t i = 0; i < list->size(); ++i) ids.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"));
        return ids;
    }

    test::FakeHost host;
    TemplateStore store;
    TemplateApi api;
};

TEST_F(TemplateApiTest, OperatorsReadAndCountUsesAndAdministratorsChange) {
    EXPECT_EQ(host.guarded.size(), 6u);
    const std::set<std::string> reads{"GET " + base, "GET " + base + "/popular", "POST " + base + "/{id}/used"};
    for (const auto& [route, access] : host.guarded) {
        EXPECT_EQ(access.permission, reads.count(route) ? Permission::CatalogsRead : Permission::CatalogsWrite)
            << route;
    }
}

TEST_F(TemplateApiTest, CreateListChangeAndDelete) {
    Reply r = call("POST", base, R"({"id":"refund","title":"Возврат","text":"Деньги вернутся за 10 дней","queues":["sales"]})");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("origin"), "api");
    EXPECT_EQ(r.json()->getValue<int>("version"), 1);
    EXPECT_FALSE(r.json()->isNull("created_at"));

    r = call("GET", base);
    ASSERT_EQ(r.status, 200);
    const auto list = r.json()->getArray("templates");
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("id"), "from-file");
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("origin"), "config");
    EXPECT_EQ(list->getObject(1)->getValue<std::string>("title"), "Возврат");

    r = call("PATCH", base + "/{id}", R"({"text":"Деньги вернутся за 5 дней","version":1})", {{"id", "refund"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("version"), 2);
    EXPECT_EQ(r.json()->getValue<std::string>("title"), "Возврат") << "absent fields stay";
    EXPECT_EQ(r.json()->getValue<std::string>("text"), "Деньги вернутся за 5 дней");

    r = call("PATCH", base + "/{id}", R"({"title":"Stale","version":1})", {{"id", "refund"}});
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.code, "version_conflict");
    EXPECT_EQ(store.find("refund")->title, "Возврат") << "a refused change leaves the template alone";

    EXPECT_EQ(call("DELETE", base + "/{id}", "", {{"id", "refund"}}).status, 204);
    EXPECT_EQ(call("DELETE", base + "/{id}", "", {{"id", "refund"}}).status, 404);
    EXPECT_FALSE(store.find("refund"));
}

TEST_F(TemplateApiTest, AnIdIsGeneratedWhenNoneIsGiven) {
    const Reply r = call("POST", base, R"({"title":"Hi","text":"Hello"})");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_TRUE(isValidId(r.json()->getValue<std::string>("id")));
}

TEST_F(TemplateApiTest, BadInputNamesTheField) {
    const auto badRequest = [&](const std::string& body, const std::string& field) {
        const Reply r = call("POST", base, body);
        EXPECT_EQ(r.status, 400) << body;
        EXPECT_NE(r.body.find(field), std::string::npos) << body << " -> " << r.body;
    };
    badRequest("not json", "JSON");
    badRequest("[]", "JSON object");
    badRequest(R"({"text":"x"})", "'title'");
    badRequest(R"({"title":"x"})", "'text'");
    badRequest(R"({"title":"  ","text":"x"})", "'title'");
    badRequest(R"({"title":5,"text":"x"})", "'title'");
    badRequest(R"({"id":"Bad Id","title":"x","text":"x"})", "'id'");
    badRequest(R"({"title":"x","text":"x","queues":"sales"})", "'queues'");
    badRequest(R"({"title":"x","text":"x","queues":["Sales!"]})", "'queues[0]'");
    badRequest(R"({"title":"x","text":"x","colour":"red"})", "'colour'");
    badRequest(R"({"title":"x","text":")" + std::string(maxTextBytes + 1, 'a') + R"("})", "'text'");
    const Reply version = call("PATCH", base + "/{id}", R"({"version":"1"})", {{"id", "from-file"}});
    EXPECT_EQ(version.status, 400);
}

TEST_F(TemplateApiTest, FileTemplatesAreReadOnlyAndIdsAreUnique) {
    Reply r = call("POST", base, R"({"id":"from-file","title":"x","text":"x"})");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.code, "template_exists");
    r = call("PATCH", base + "/{id}", R"({"title":"x"})", {{"id", "from-file"}});
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.code, "template_read_only");
    EXPECT_EQ(call("DELETE", base + "/{id}", "", {{"id", "from-file"}}).code, "template_read_only");
    ASSERT_EQ(call("POST", base, R"({"id":"twice","title":"x","text":"x"})").status, 201);
    EXPECT_EQ(call("POST", base, R"({"id":"twice","title":"y","text":"y"})").code, "template_exists");
    EXPECT_EQ(call("PATCH", base + "/{id}", R"({"title":"x"})", {{"id", "nope"}}).status, 404);
}

TEST_F(TemplateApiTest, UsesAreCountedPerOperatorAndQueueAndOrderThePopularList) {
    ASSERT_EQ(call("POST", base, R"({"id":"a-refund","title":"Refund","text":"x"})").status, 201);
    ASSERT_EQ(call("POST", base, R"({"id":"b-delivery","title":"Delivery","text":"x"})").status, 201);
    EXPECT_EQ(popularIds({{"operator_id", "op-1"}}), (std::vector<std::string>{"a-refund", "b-delivery", "from-file"}))
        << "nothing used yet: by id";

    Reply r = used("b-delivery", R"({"operator_id":"op-1","queue":"sales"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("uses"), 1);
    EXPECT_EQ(r.json()->getValue<int>("operator_uses"), 1);
    EXPECT_EQ(r.json()->getValue<int>("queue_uses"), 1);
    r = used("b-delivery", R"({"operator_id":"op-1"})");
    EXPECT_EQ(r.json()->getValue<int>("operator_uses"), 2);
    EXPECT_TRUE(r.json()->isNull("queue_uses"));
    for (int i = 0; i < 3; ++i) ASSERT_EQ(used("from-file", R"({"operator_id":"op-2","queue":"support"})").status, 200);
    ASSERT_EQ(used("a-refund", "").status, 200) << "no operator, no queue: counted for everyone";

    EXPECT_EQ(popularIds({{"operator_id", "op-1"}}), (std::vector<std::string>{"b-delivery", "a-refund", "from-file"}));
    EXPECT_EQ(popularIds({{"operator_id", "op-2"}}), (std::vector<std::string>{"from-file", "a-refund", "b-delivery"}));
    EXPECT_EQ(popularIds({{"queue", "sales"}}), (std::vector<std::string>{"b-delivery", "a-refund", "from-file"}));
    EXPECT_EQ(popularIds({}), (std::vector<std::string>{"from-file", "b-delivery", "a-refund"}));
    EXPECT_EQ(popularIds({{"limit", "1"}}), (std::vector<std::string>{"from-file"}));

    const Reply list = call("GET", base + "/popular", "", {}, {{"operator_id", "op-2"}});
    EXPECT_EQ(list.json()->getArray("templates")->getObject(0)->getValue<int>("uses"), 3);

    EXPECT_EQ(used("nope", "{}").status, 404);
    EXPECT_EQ(used("a-refund", R"({"operator_id":"Op/1"})").status, 400);
    EXPECT_EQ(call("GET", base + "/popular", "", {}, {{"limit", "0"}}).status, 400);
    EXPECT_EQ(call("GET", base + "/popular", "", {}, {{"limit", "x"}}).status, 400);
    EXPECT_EQ(call("GET", base + "/popular", "", {}, {{"queue", "a/b"}}).status, 400);

    // A deleted template's counts go with it.
    ASSERT_EQ(call("DELETE", base + "/{id}", "", {{"id", "b-delivery"}}).status, 204);
    for (const auto& [key, value] : host.state) EXPECT_EQ(key.find("b-delivery"), std::string::npos) << key;
}

TEST_F(TemplateApiTest, ADownStoreIsA503) {
    host.failStore = true;
    EXPECT_EQ(call("GET", base).status, 503);
    EXPECT_EQ(call("POST", base, R"({"title":"x","text":"x"})").status, 503);
}

}  // namespace
}  // namespace omnigate::knowledge_base
