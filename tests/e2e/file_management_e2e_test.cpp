// Managing the file store against the real daemon, database and clamd (docs/files.md): a file in use is refused
// deletion with what uses it, and forced it leaves its templates and becomes a name in the history that downloads
// as 410; the list filters by type, size, uploader, use and where it is used, and pages; what enters is checked
// where it enters (types per use, bytes against the type, the antivirus), each refusal a clear 4xx that keeps
// nothing. The shared database is never wiped: everything made here carries a unique marker.
#include <gtest/gtest.h>

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/UUIDGenerator.h>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 13); }

const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8);

class FileManagement : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "file-management-" + unique().substr(0, 8);
        // Templates take pictures only; replies keep the defaults (documents too).
        options.filesYaml = "  allowed_types:\n    template: [image/*]\n";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    HttpResult call(const std::string& method, const std::string& path, const std::string& body = "",
                    const std::string& contentType = "application/json") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = contentType;
        return daemon_->http().request(method, path, body, headers);
    }
    std::string uploaded(const std::string& path, const std::string& bytes, const std::string& type) {
        const HttpResult r = call("POST", path, bytes, type);
        EXPECT_EQ(r.status, 201) << path << ": " << r.body;
        return r.status == 201 ? r.json()->getValue<std::string>("id") : "";
    }
    static std::string code(const HttpResult& r) {
        try {
            return r.json()->getObject("error")->getValue<std::string>("code");
        } catch (const std::exception&) {
            return "(no error code in " + r.body + ")";
        }
    }
    // A web chat visitor's new interaction, and an operator's reply in it carrying `fileId`.
    std::int64_t repliedWith(const std::string& fileId) {
        const HttpResult session =
            daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Visitor )" + unique() + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        const HttpResult message = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"hello"})",
                                                            session.json()->getValue<std::string>("token"));
        EXPECT_EQ(message.status, 201) << message.body;
        const std::int64_t interaction = message.json()->getValue<std::int64_t>("interaction_id");
        const HttpResult reply = call("POST", "/api/v1/interactions/" + std::to_string(interaction) + "/messages",
                                      R"({"text":"here","attachments":[")" + fileId + R"("]})");
        EXPECT_EQ(reply.status, 201) << reply.body;
        return interaction;
    }
    Poco::JSON::Array::Ptr listed(const std::string& query) {
        const HttpResult r = call("GET", "/api/v1/files?" + query);
        EXPECT_EQ(r.status, 200) << query << ": " << r.body;
        return r.status == 200 ? r.json()->getArray("files") : Poco::JSON::Array::Ptr(new Poco::JSON::Array);
    }

    static DaemonProcess* daemon_;
    DbProbe db_;
};

DaemonProcess* FileManagement::daemon_ = nullptr;

TEST_F(FileManagement, ATemplatesFileIsRefusedDeletionWithWhatUsesItAndForcedLeavesTheTemplate) {
    const std::string marker = unique();
    const std::string logo = uploaded("/api/v1/template-files?name=logo-" + marker + ".png", kPng + marker, "image/png");
    const HttpResult created = call("POST", "/api/v1/templates",
                                    R"({"title":"With logo )" + marker + R"(","text":"Hello","files":[")" + logo + R"("]})");
    ASSERT_EQ(created.status, 201) << created.body;
    const std::int64_t templ = created.json()->getValue<std::int64_t>("id");

    HttpResult refused = call("DELETE", "/api/v1/files/" + logo);
    ASSERT_EQ(refused.status, 409) << refused.body;
    EXPECT_EQ(code(refused), "file_in_use");
    const auto uses = refused.json()->getObject("error")->getObject("uses");
    ASSERT_EQ(uses->getArray("templates")->size(), 1u);
    EXPECT_EQ(uses->getArray("templates")->getObject(0)->getValue<std::int64_t>("id"), templ);
    EXPECT_EQ(uses->getArray("templates")->getObject(0)->getValue<std::string>("title"), "With logo " + marker);
    EXPECT_EQ(call("GET", "/api/v1/templates/" + std::to_string(templ)).json()->getArray("files")->size(), 1u)
        << "a refused deletion changes nothing";

    const HttpResult forced = call("DELETE", "/api/v1/files/" + logo + "?force=yes");
    ASSERT_EQ(forced.status, 200) << forced.body;
    EXPECT_EQ(forced.json()->getObject("lost")->getArray("templates")->getObject(0)->getValue<std::int64_t>("id"), templ);
    const HttpResult after = call("GET", "/api/v1/templates/" + std::to_string(templ));
    EXPECT_EQ(after.json()->getArray("files")->size(), 0u);
    EXPECT_EQ(after.json()->getValue<int>("version"), 2) << "the template changed, and says so";
    EXPECT_EQ(call("GET", "/api/v1/files/" + logo + "/uses").status, 404) << "nothing named it but the template";
    // Nor can it come back into a template.
    const HttpResult again = call("PATCH", "/api/v1/templates/" + std::to_string(templ), R"({"files":[")" + logo + R"("]})");
    EXPECT_EQ(again.status, 400) << again.body;

    const HttpResult audit = call("GET", "/api/v1/audit?action=file.deleted&target=file:" + logo);
    ASSERT_EQ(audit.status, 200) << audit.body;
    ASSERT_EQ(audit.json()->getArray("entries")->size(), 1u);
}

TEST_F(FileManagement, ASharedTemplatesFileGoesWithAnAnswerWhoeverUploadedIt) {
    const std::string marker = unique();
    const std::string logo = uploaded("/api/v1/template-files?name=card-" + marker + ".png", kPng + marker, "image/png");
    const HttpResult created = call("POST", "/api/v1/templates",
                                    R"({"title":"Card )" + marker + R"(","text":"Our card","files":[")" + logo + R"("]})");
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string templ = std::to_string(created.json()->getValue<std::int64_t>("id"));
    const std::string plain = uploaded("/api/v1/files?name=plain-" + marker + ".txt", "plain " + marker, "text/plain");

    const HttpResult session =
        daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Visitor )" + marker + R"("})");
    const HttpResult message = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"card?"})",
                                                        session.json()->getValue<std::string>("token"));
    ASSERT_EQ(message.status, 201) << message.body;
    const std::string interaction = std::to_string(message.json()->getValue<std::int64_t>("interaction_id"));

    // The composer is told the file's name and type with the rendered text.
    const HttpResult rendered = call("GET", "/api/v1/interactions/" + interaction + "/templates/" + templ + "/rendered");
    ASSERT_EQ(rendered.status, 200) << rendered.body;
    const auto attachments = rendered.json()->getArray("attachments");
    ASSERT_EQ(attachments->size(), 1u);
    EXPECT_EQ(attachments->getObject(0)->getValue<std::string>("name"), "card-" + marker + ".png");
    EXPECT_EQ(attachments->getObject(0)->getValue<std::string>("content_type"), "image/png");

    // Someone else's upload: a template's file goes, a plain upload of the administrator's does not.
    const HttpResult token = call("POST", "/api/v1/api-tokens",
                                  R"({"name":"fm-)" + marker + R"(","scopes":["interactions:read","interactions:write"]})");
    ASSERT_EQ(token.status, 201) << token.body;
    const std::map<std::string, std::string> asCrm{
        {"Authorization", "Bearer " + token.json()->getValue<std::string>("token")},
        {"Content-Type", "application/json"}};
    const auto reply = [&](const std::string& fileId) {
        return daemon_->http().request("POST", "/api/v1/interactions/" + interaction + "/messages",
                                       R"({"text":"here","attachments":[")" + fileId + R"("]})", asCrm);
    };
    EXPECT_EQ(reply(logo).status, 201);
    EXPECT_EQ(reply(plain).status, 403);
}

TEST_F(FileManagement, AFileMessagesCarryBecomesANameThatDownloadsAs410WhenForced) {
    const std::string marker = unique();
    const std::string receipt = uploaded("/api/v1/files?name=receipt-" + marker + ".txt", "receipt " + marker, "text/plain");
    const std::int64_t interaction = repliedWith(receipt);

    const HttpResult refused = call("DELETE", "/api/v1/files/" + receipt);
    ASSERT_EQ(refused.status, 409) << refused.body;
    const auto uses = refused.json()->getObject("error")->getObject("uses");
    EXPECT_EQ(uses->getValue<std::int64_t>("messages"), 1);
    EXPECT_EQ(uses->getArray("interactions")->getElement<std::int64_t>(0), interaction);
    const HttpResult usesRoute = call("GET", "/api/v1/files/" + receipt + "/uses");
    ASSERT_EQ(usesRoute.status, 200) << usesRoute.body;
    EXPECT_EQ(usesRoute.json()->getValue<std::int64_t>("messages"), 1);

    ASSERT_EQ(call("DELETE", "/api/v1/files/" + receipt + "?force=yes").status, 200);
    const HttpResult download = call("GET", "/api/v1/files/" + receipt);
    EXPECT_EQ(download.status, 410) << download.body;
    EXPECT_EQ(code(download), "file_deleted");
    EXPECT_EQ(call("DELETE", "/api/v1/files/" + receipt + "?force=yes").status, 410) << "deleted once";
    // The history still shows what was sent.
    const HttpResult history = call("GET", "/api/v1/interactions/" + std::to_string(interaction) + "/messages");
    EXPECT_NE(history.body.find("receipt-" + marker + ".txt"), std::string::npos) << history.body;
    const auto gone = listed("deleted=yes&name=receipt-" + marker);
    ASSERT_EQ(gone->size(), 1u);
    EXPECT_EQ(gone->getObject(0)->getValue<std::string>("deleted_by"), "api");
    EXPECT_EQ(listed("name=receipt-" + marker)->size(), 0u) << "the list of files leaves it out";
    // Its bytes went with it: nothing else names them.
    const std::string sha = db_.text("SELECT sha256 FROM files WHERE id = '" + receipt + "'");
    EXPECT_FALSE(Poco::File(requireEnv("OMNIGATE_VAR_DIR") + "/files/" + sha.substr(0, 2) + "/" + sha.substr(2, 2) +
                            "/" + sha)
                     .exists());

    // An unused file goes without forcing.
    const std::string spare = uploaded("/api/v1/files?name=spare-" + marker + ".txt", "spare " + marker, "text/plain");
    EXPECT_EQ(call("DELETE", "/api/v1/files/" + spare).status, 200);
    EXPECT_EQ(call("GET", "/api/v1/files/" + spare + "/uses").status, 404);
}

TEST_F(FileManagement, TheListFiltersByTypeSizeUploaderUseAndWhereUsedAndPages) {
    const std::string marker = unique();
    const std::string png = uploaded("/api/v1/files?name=m-" + marker + ".png", kPng + std::string(500, 'p'), "image/png");
    const std::string pdf = uploaded("/api/v1/files?name=m-" + marker + ".pdf", "%PDF-1.4 " + marker, "application/pdf");
    const std::string txt = uploaded("/api/v1/files?name=m-" + marker + ".txt", "text " + marker, "text/plain; charset=utf-8");
    repliedWith(txt);

    const auto all = listed("name=m-" + marker);
    ASSERT_EQ(all->size(), 3u);
    // The manager looks into one.
    const HttpResult content = call("GET", "/api/v1/files/" + pdf + "/content");
    ASSERT_EQ(content.status, 200);
    EXPECT_EQ(content.body, "%PDF-1.4 " + marker);
    EXPECT_EQ(content.headers.at("Content-Type"), "application/pdf");
    EXPECT_EQ(all->getObject(0)->getValue<std::string>("id"), txt) << "the newest first";
    EXPECT_EQ(all->getObject(0)->getObject("used_by")->getValue<std::int64_t>("messages"), 1);
    EXPECT_EQ(all->getObject(0)->getValue<std::string>("scan"), "clean") << "the test daemon scans with clamd";
    EXPECT_EQ(all->getObject(0)->getValue<std::string>("uploaded_by"), "api");
    EXPECT_EQ(all->getObject(0)->getValue<std::string>("use"), "attachment");

    const auto ids = [&](const std::string& query) {
        std::vector<std::string> out;
        const auto page = listed("name=m-" + marker + "&" + query);
        for (std::size_t i = 0; i < page->size(); ++i) out.push_back(page->getObject(i)->getValue<std::string>("id"));
        return out;
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(ids("type=image/*"), V{png});
    EXPECT_EQ(ids("type=text/plain"), V{txt}) << "its charset is no other type";
    EXPECT_EQ(ids("min_size=400"), V{png});
    EXPECT_EQ(ids("max_size=100"), (V{txt, pdf}));
    EXPECT_EQ(ids("used=yes"), V{txt});
    EXPECT_EQ(ids("used=no"), (V{pdf, png}));
    EXPECT_EQ(ids("used_in=message"), V{txt});
    EXPECT_EQ(ids("used_in=template").size(), 0u);
    EXPECT_EQ(ids("uploaded_by=api&use=attachment").size(), 3u);
    EXPECT_EQ(ids("uploaded_by=operator:nobody").size(), 0u);
    EXPECT_EQ(ids("scan=infected").size(), 0u);

    const HttpResult first = call("GET", "/api/v1/files?name=m-" + marker + "&limit=2");
    ASSERT_EQ(first.status, 200);
    EXPECT_EQ(first.json()->getArray("files")->size(), 2u);
    const std::string cursor = first.json()->getValue<std::string>("next_cursor");
    const HttpResult second = call("GET", "/api/v1/files?name=m-" + marker + "&limit=2&cursor=" + cursor);
    ASSERT_EQ(second.status, 200) << second.body;
    ASSERT_EQ(second.json()->getArray("files")->size(), 1u);
    EXPECT_EQ(second.json()->getArray("files")->getObject(0)->getValue<std::string>("id"), png);
    EXPECT_TRUE(second.json()->isNull("next_cursor"));

    const auto store = first.json()->getObject("store");
    EXPECT_GT(store->getValue<std::int64_t>("bytes"), 0);
    EXPECT_TRUE(store->getValue<bool>("antivirus"));
    for (const char* bad : {"cursor=nonsense", "type=image", "used=maybe", "used_in=mail", "scan=dirty", "use=x",
                            "min_size=-1", "limit=0", "colour=red", "from=yesterday"}) {
        EXPECT_EQ(call("GET", std::string("/api/v1/files?") + bad).status, 400) << bad;
    }
}

TEST_F(FileManagement, WhatEntersIsCheckedWhereItEntersAndARefusalKeepsNothing) {
    const std::string marker = unique();
    const auto refused = [&](const std::string& path, const std::string& bytes, const std::string& type) {
        const HttpResult r = call("POST", path, bytes, type);
        EXPECT_EQ(listed("name=r-" + marker)->size(), 0u) << path << " kept something";
        return std::make_pair(r.status, code(r));
    };
    using P = std::pair<int, std::string>;
    const std::string eicar = R"(X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*)";
    EXPECT_EQ(refused("/api/v1/files?name=r-" + marker + ".txt", eicar, "text/plain"), (P{422, "infected"}));
    EXPECT_EQ(refused("/api/v1/files?name=r-" + marker + ".png", "<svg onload=x>", "image/png"),
              (P{415, "content_mismatch"}));
    EXPECT_EQ(refused("/api/v1/files?name=r-" + marker + ".exe", "MZ", "application/x-msdownload"),
              (P{415, "type_not_allowed"}));
    EXPECT_EQ(refused("/api/v1/template-files?name=r-" + marker + ".pdf", "%PDF-1.4", "application/pdf"),
              (P{415, "type_not_allowed"}))
        << "templates take pictures only here";
    EXPECT_EQ(refused("/api/v1/files?name=r-" + marker + ".txt&use=chat", "x", "text/plain").first, 400);

    // A document uploaded for a reply cannot be slipped into a template, whose types are narrower.
    const std::string pdf = uploaded("/api/v1/files?name=doc-" + marker + ".pdf", "%PDF-1.4 " + marker, "application/pdf");
    const HttpResult templ = call("POST", "/api/v1/templates",
                                  R"({"title":"Doc )" + marker + R"(","text":"Hi","files":[")" + pdf + R"("]})");
    EXPECT_EQ(templ.status, 415) << templ.body;
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM response_templates WHERE title = 'Doc " + marker + "'"), 0);
    // An operator's personal template takes what ?use=template admits.
    EXPECT_EQ(call("POST", "/api/v1/files?name=p-" + marker + ".png&use=template", kPng + marker, "image/png").status,
              201);
}

}  // namespace
}  // namespace omnigate::test
