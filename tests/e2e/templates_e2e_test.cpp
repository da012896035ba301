// Response templates in the core against the real daemon and database (docs/templates.md): the catalogs stay a
// tree, a template naming an unknown variable, a missing file or queue, or an oversized field is a 400 that stores
// nothing; operators see the shared templates of their queues and their own personal ones, which nobody else
// sees, not even a supervisor; search finds Russian words in any case and inflection; a template rendered for an
// interaction has its variables filled (an empty one empty); uses rank the most used first.
// The shared database is never wiped: everything made here carries a unique suffix.
#include <gtest/gtest.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/UUIDGenerator.h>

#include "support/daemon_process.h"

namespace omnigate::test {
namespace {

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

class Templates : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "templates-" + unique();
        options.extraYaml = "auth:\n  token_secret: templates-test-token-secret-0123456789abcdef\n";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
        for (const std::string& path : cleanup_) call("DELETE", path);
    }

    // As the admin token, or as operator `as` (the admin token naming the operator who acts).
    HttpResult call(const std::string& method, const std::string& path, const std::string& body = "",
                    const std::string& as = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!as.empty()) headers["X-Omnigate-Actor"] = "operator:" + as;
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }
    HttpResult as(const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + token}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    std::int64_t made(const HttpResult& r, const std::string& collection) {
        EXPECT_EQ(r.status, 201) << r.body;
        if (r.status != 201) return 0;
        const std::int64_t id = r.json()->getValue<std::int64_t>("id");
        cleanup_.insert(cleanup_.begin(), collection + "/" + std::to_string(id));
        return id;
    }
    std::int64_t catalog(const std::string& name, std::int64_t parent = 0) {
        const std::string parentField = parent == 0 ? "" : R"(,"parent_id":)" + std::to_string(parent);
        return made(call("POST", "/api/v1/template-catalogs", R"({"name":")" + name + "\"" + parentField + "}"),
                    "/api/v1/template-catalogs");
    }
    std::int64_t shared(const std::string& body) { return made(call("POST", "/api/v1/templates", body), "/api/v1/templates"); }

    void operatorIn(const std::string& op, const std::string& queue) {
        const std::string group = "g-" + op;
        ASSERT_EQ(call("POST", "/api/v1/queues", R"({"id":")" + queue + R"(","name":"Q )" + queue + "\"}").status, 201);
        cleanup_.push_back("/api/v1/queues/" + queue);
        ASSERT_EQ(call("POST", "/api/v1/operator-groups",
                       R"({"id":")" + group + R"(","name":"G )" + op + R"(","queues":[")" + queue + R"("]})")
                      .status,
                  201);
        cleanup_.insert(cleanup_.begin(), "/api/v1/operator-groups/" + group);
        ASSERT_EQ(call("POST", "/api/v1/operators",
                       R"({"id":")" + op + R"(","name":"Operator )" + op + R"(","capacities":{"webchat":2},"groups":[")" +
                           group + R"("]})")
                      .status,
                  201);
        cleanup_.insert(cleanup_.begin(), "/api/v1/operators/" + op);
    }

    // A user of `role` (working as operator `op` when given), signed in: their access token.
    std::string signIn(const std::string& role, const std::string& op = "") {
        const std::string login = "tpl-" + role + "-" + unique();
        const HttpResult user = call("POST", "/api/v1/users",
                                     R"({"login":")" + login + R"(","roles":[")" + role + R"("],)" +
                                         (op.empty() ? "" : R"("operator_id":")" + op + R"(",)") +
                                         R"("password":"templates-password"})");
        EXPECT_EQ(user.status, 201) << user.body;
        const HttpResult in =
            daemon_->http().postJson("/api/v1/auth/login", R"({"login":")" + login + R"(","password":"templates-password"})");
        EXPECT_EQ(in.status, 200) << in.body;
        return in.status == 200 ? in.json()->getValue<std::string>("access_token") : "";
    }

    static std::vector<std::int64_t> ids(const HttpResult& r) {
        std::vector<std::int64_t> out;
        if (r.status != 200) return out;
        const auto list = r.json()->getArray("templates");
        for (std::size_t i = 0; i < list->size(); ++i) {
            out.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("id"));
        }
        return out;
    }
    static bool has(const std::vector<std::int64_t>& list, std::int64_t id) {
        return std::find(list.begin(), list.end(), id) != list.end();
    }

    static DaemonProcess* daemon_;
    std::vector<std::string> cleanup_;
};

DaemonProcess* Templates::daemon_ = nullptr;

TEST_F(Templates, CatalogsStayATree) {
    const std::string u = unique();
    const std::int64_t root = catalog("Root " + u);
    const std::int64_t child = catalog("Child " + u, root);
    const std::int64_t grandchild = catalog("Grandchild " + u, child);
    ASSERT_GT(grandchild, 0);

    HttpResult r = call("PATCH", "/api/v1/template-catalogs/" + std::to_string(root),
                        R"({"parent_id":)" + std::to_string(grandchild) + "}");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("catalog_cycle"), std::string::npos) << r.body;
    r = call("PATCH", "/api/v1/template-catalogs/" + std::to_string(root), R"({"parent_id":)" + std::to_string(root) + "}");
    EXPECT_EQ(r.status, 400) << r.body;
    r = call("POST", "/api/v1/template-catalogs", R"({"name":"Child )" + u + R"(","parent_id":)" + std::to_string(root) + "}");
    EXPECT_EQ(r.status, 409) << r.body;
    r = call("DELETE", "/api/v1/template-catalogs/" + std::to_string(root));
    EXPECT_EQ(r.status, 409) << r.body;

    // Moving the grandchild to the root is fine, and the tree shows it there.
    r = call("PATCH", "/api/v1/template-catalogs/" + std::to_string(grandchild), R"({"parent_id":null})");
    ASSERT_EQ(r.status, 200) << r.body;
    r = call("GET", "/api/v1/template-catalogs");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find(R"("id":)" + std::to_string(grandchild) + R"(,"name":"Grandchild )" + u + R"(","parent_id":null)"),
              std::string::npos)
        << r.body;
}

TEST_F(Templates, BadInputIsRefusedWithTheReasonAndStoresNothing) {
    const std::string u = "bad" + unique();
    const std::vector<std::pair<std::string, std::string>> cases{
        {R"({"title":")" + u + R"(","text":"Hello {client.nmae}"})", "{client.nmae}"},
        {R"({"title":")" + std::string(256, 'x') + R"(","text":"Hello"})", "'title' is longer than 255"},
        {R"({"title":")" + u + R"(","text":"Hello","files":["0123456789abcdef0123456789abcdef"]})", "no file"},
        {R"({"title":")" + u + R"(","text":"Hello","files":["../etc/passwd"]})", "files[0]"},
        {R"({"title":")" + u + R"(","text":"Hello","queues":["no-such-queue-)" + u + R"("]})", "no queue"},
        {R"({"title":")" + u + R"(","text":"Hello","catalog_id":999999999})", "catalog_id"},
        {R"({"title":")" + u + R"(","text":")" + std::string(8001, 'y') + R"("})", "'text' is longer than 8000"},
        {R"({"title":")" + u + R"(","text":"Hello","colour":"red"})", "colour"},
    };
    for (const auto& [body, reason] : cases) {
        const HttpResult r = call("POST", "/api/v1/templates", body);
        EXPECT_EQ(r.status, 400) << body.substr(0, 120) << " answered " << r.body;
        EXPECT_NE(r.body.find(reason), std::string::npos) << r.body;
    }
    EXPECT_TRUE(ids(call("GET", "/api/v1/templates?q=" + u)).empty());

    // A change naming an unknown variable leaves the template as it was.
    const std::int64_t id = shared(R"({"title":"Kept )" + u + R"(","text":"Hello {client.name}"})");
    HttpResult r = call("PATCH", "/api/v1/templates/" + std::to_string(id), R"({"text":"Bye {operator.nmae}"})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("{operator.nmae}"), std::string::npos) << r.body;
    r = call("GET", "/api/v1/templates/" + std::to_string(id));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("text"), "Hello {client.name}");
    EXPECT_EQ(r.json()->getValue<int>("version"), 1);
}

TEST_F(Templates, OperatorsSeeTheirQueuesTemplatesAndTheirOwnPersonalOnesOnly) {
    const std::string u = unique();
    const std::string op = "tpl-op-" + u, other = "tpl-other-" + u, queue = "tpl-q-" + u, otherQueue = "tpl-oq-" + u;
    operatorIn(op, queue);
    operatorIn(other, otherQueue);
    const std::int64_t everywhere = shared(R"({"title":"Everywhere )" + u + R"(","text":"Hi"})");
    const std::int64_t mine = shared(R"({"title":"Mine )" + u + R"(","text":"Hi","queues":[")" + queue + R"("]})");
    const std::int64_t theirs = shared(R"({"title":"Theirs )" + u + R"(","text":"Hi","queues":[")" + otherQueue + R"("]})");
    const std::int64_t otherChannel =
        shared(R"({"title":"Voice )" + u + R"(","text":"Hi","channels":["voice"]})");

    const std::string token = signIn("operator", op);
    HttpResult r = as(token, "POST", "/api/v1/operators/" + op + "/templates",
                      R"({"title":"Personal )" + u + R"(","text":"My own {client.name}","shortcut":"/mine"})");
    ASSERT_EQ(r.status, 201) << r.body;
    const std::int64_t personal = r.json()->getValue<std::int64_t>("id");
    EXPECT_EQ(r.json()->getValue<std::string>("scope"), "personal");
    cleanup_.insert(cleanup_.begin(), "/api/v1/operators/" + op + "/templates/" + std::to_string(personal));

    const auto seen = ids(as(token, "GET", "/api/v1/templates?q=" + u));
    EXPECT_TRUE(has(seen, everywhere));
    EXPECT_TRUE(has(seen, mine));
    EXPECT_TRUE(has(seen, personal));
    EXPECT_FALSE(has(seen, theirs)) << "a template of another queue";
    EXPECT_FALSE(has(seen, otherChannel)) << "a template of a channel they do not work in";
    // Nor by its id, nor rendered: what the list does not offer them does not exist for them.
    EXPECT_EQ(as(token, "GET", "/api/v1/templates/" + std::to_string(theirs)).status, 404);
    EXPECT_EQ(as(token, "GET", "/api/v1/templates/" + std::to_string(otherChannel)).status, 404);
    EXPECT_EQ(as(token, "GET", "/api/v1/templates/" + std::to_string(mine)).status, 200);
    // The shortcut finds its template first.
    const auto byShortcut = ids(as(token, "GET", "/api/v1/templates?q=/mine"));
    ASSERT_FALSE(byShortcut.empty());
    EXPECT_EQ(byShortcut.front(), personal);

    // Nobody else sees or changes a personal template: not another operator, not a supervisor, not the shared API.
    const std::string otherToken = signIn("operator", other);
    EXPECT_FALSE(has(ids(as(otherToken, "GET", "/api/v1/templates?q=" + u)), personal));
    EXPECT_EQ(as(otherToken, "GET", "/api/v1/templates/" + std::to_string(personal)).status, 404);
    EXPECT_EQ(as(otherToken, "GET", "/api/v1/operators/" + op + "/templates").status, 403);
    const std::string supervisor = signIn("supervisor");
    EXPECT_EQ(as(supervisor, "GET", "/api/v1/operators/" + op + "/templates").status, 403);
    EXPECT_EQ(as(supervisor, "PATCH", "/api/v1/operators/" + op + "/templates/" + std::to_string(personal),
                 R"({"title":"Taken"})")
                  .status,
              403);
    EXPECT_EQ(call("PATCH", "/api/v1/templates/" + std::to_string(personal), R"({"title":"Taken"})").status, 404);
    // Operators read shared templates but do not change them.
    EXPECT_EQ(as(token, "PATCH", "/api/v1/templates/" + std::to_string(mine), R"({"title":"Taken"})").status, 403);

    r = as(token, "PATCH", "/api/v1/operators/" + op + "/templates/" + std::to_string(personal),
           R"({"text":"Changed {operator.name}","version":1})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("version"), 2);
    r = as(token, "GET", "/api/v1/operators/" + op + "/templates");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(ids(r), std::vector<std::int64_t>{personal});
}

TEST_F(Templates, SearchFindsWordsInAnyCaseAndInflection) {
    const std::string u = "s" + unique();
    const std::int64_t delivery =
        shared(R"({"title":"Доставка заказа )" + u + R"(","text":"Курьер привезёт заказ за 1-2 дня."})");
    const std::int64_t payment = shared(R"({"title":"Оплата )" + u + R"(","text":"Оплатить картой можно на сайте."})");
    EXPECT_EQ(ids(call("GET", "/api/v1/templates?q=" + u + "%20%D0%94%D0%9E%D0%A1%D0%A2%D0%90%D0%92%D0%9A%D0%98")),
              std::vector<std::int64_t>{delivery});  // "ДОСТАВКИ"
    // "заказом курьер" in the query string, percent-encoded.
    EXPECT_EQ(ids(call("GET", "/api/v1/templates?q=" + u +
                                  "+%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7%D0%BE%D0%BC+%D0%BA%D1%83%D1%80%D1%8C%D0%B5%D1%80")),
              std::vector<std::int64_t>{delivery});
    EXPECT_EQ(ids(call("GET", "/api/v1/templates?q=" + u + "+%D0%BA%D0%B0%D1%80%D1%82%D0%BE%D0%B9")),  // "картой"
              std::vector<std::int64_t>{payment});
}

TEST_F(Templates, RenderedForAnInteractionAndTheMostUsedComeFirst) {
    const std::string u = "r" + unique();
    const std::string op = "tpl-r-" + u, queue = "tpl-rq-" + u;
    operatorIn(op, queue);
    HttpResult r = daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Anna"})");
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string visitor = r.json()->getValue<std::string>("token");
    r = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"Hello"})", visitor);
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string interaction = std::to_string(r.json()->getValue<std::int64_t>("interaction_id"));

    const std::int64_t greeting = shared(
        R"({"title":"Greeting )" + u +
        R"(","text":"Hello, {client.name}! {operator.name} here, about #{interaction.id} on {channel}.{client.card.city}"})");
    const std::int64_t farewell = shared(R"({"title":"Farewell )" + u + R"(","text":"Bye"})");
    r = call("GET", "/api/v1/interactions/" + interaction + "/templates/" + std::to_string(greeting) + "/rendered", "", op);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("text"),
              "Hello, Anna! Operator " + op + " here, about #" + interaction + " on webchat.");
    EXPECT_EQ(call("GET", "/api/v1/interactions/999999999/templates/" + std::to_string(greeting) + "/rendered").status,
              404);

    // Farewell used twice by this operator, greeting once: farewell comes first for them.
    for (std::int64_t used : {farewell, farewell, greeting}) {
        r = call("POST", "/api/v1/interactions/" + interaction + "/templates/" + std::to_string(used) + "/uses", "", op);
        ASSERT_EQ(r.status, 204) << r.body;
    }
    r = call("GET", "/api/v1/templates?q=" + u, "", op);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(ids(r), (std::vector<std::int64_t>{farewell, greeting}));
    EXPECT_EQ(r.json()->getArray("templates")->getObject(0)->getValue<std::int64_t>("uses"), 2);

    // The template_usage report of the days around now counts them, for this operator alone.
    const auto day = [](int offset) {
        return Poco::DateTimeFormatter::format(Poco::DateTime() + Poco::Timespan(offset, 0, 0, 0, 0), "%Y-%m-%d");
    };
    const std::string report = "/api/v1/reports/template_usage?from=" + day(-1) + "&to=" + day(1) + "&operator=" + op;
    r = call("GET", report);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto rows = r.json()->getArray("rows");
    ASSERT_EQ(rows->size(), 2u) << r.body;
    EXPECT_EQ(rows->getObject(0)->getValue<double>("template_id"), static_cast<double>(farewell));
    EXPECT_EQ(rows->getObject(0)->getValue<double>("uses"), 2.0);
    EXPECT_EQ(rows->getObject(1)->getValue<double>("uses"), 1.0);
    r = call("GET", report + "&format=csv");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("Farewell " + u), std::string::npos) << r.body;
}

}  // namespace
}  // namespace omnigate::test
