// The file store over REST against the real daemon: an upload comes back byte for byte with its type and its
// (Cyrillic) name, the same content is kept once on disk, bad uploads are refused, an operator's reply carries
// uploaded files to the channel and into the message history, and the API-token scopes hold. Ids cannot be
// guessed, an API token reads only files of conversations and its own uploads, a reply attaches only its
// author's uploads or the interaction's own files, and a hostile name cannot break Content-Disposition.
#include <gtest/gtest.h>

#include <Poco/File.h>
#include <Poco/UUIDGenerator.h>

#include <regex>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

class Files : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "files-" + unique().substr(0, 8);
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

    HttpResult call(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& contentType, const std::string& token = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + (token.empty() ? daemon_->adminToken() : token)}};
        if (!contentType.empty()) headers["Content-Type"] = contentType;
        return daemon_->http().request(method, path, body, headers);
    }
    HttpResult upload(const std::string& bytes, const std::string& name, const std::string& type,
                      const std::string& token = "") {
        return call("POST", "/api/v1/files?name=" + name, bytes, type, token);
    }

    std::string token(const std::string& scopes) {
        const HttpResult created = call("POST", "/api/v1/api-tokens",
                                        R"({"name":"files-)" + unique().substr(0, 8) + R"(","scopes":)" + scopes + "}",
                                        "application/json");
        EXPECT_EQ(created.status, 201) << created.body;
        return created.json()->getValue<std::string>("token");
    }
    // A web chat visitor's new interaction.
    std::string interaction() {
        const HttpResult session = daemon_->http().postJson("/api/v1/webchat/demo/sessions",
                                                            R"({"name":"Visitor )" + unique() + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        const HttpResult message = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"hello"})",
                                                            session.json()->getValue<std::string>("token"));
        EXPECT_EQ(message.status, 201) << message.body;
        return std::to_string(message.json()->getValue<std::int64_t>("interaction_id"));
    }
    HttpResult attach(const std::string& interaction, const std::string& fileId, const std::string& token = "") {
        return call("POST", "/api/v1/interactions/" + interaction + "/messages", R"({"attachments":[")" + fileId + R"("]})",
                    "application/json", token);
    }
    std::string uploaded(const std::string& token = "") {
        const HttpResult file = upload("file " + unique(), "f.txt", "text/plain", token);
        EXPECT_EQ(file.status, 201) << file.body;
        return file.json()->getValue<std::string>("id");
    }

    static DaemonProcess* daemon_;
    DbProbe db_;
};

DaemonProcess* Files::daemon_ = nullptr;

TEST_F(Files, AnUploadComesBackByteForByteWithItsTypeAndName) {
    std::string bytes = "%PDF-1.4 " + unique();
    bytes += std::string("\0\x01\xff binary", 10);
    // "счёт №1.pdf", percent-encoded in the query.
    const HttpResult stored = upload(bytes, "%D1%81%D1%87%D1%91%D1%82%20%E2%84%961.pdf", "application/pdf");
    ASSERT_EQ(stored.status, 201) << stored.body;
    const std::string id = stored.json()->getValue<std::string>("id");
    EXPECT_EQ(stored.json()->getValue<std::string>("name"), "счёт №1.pdf");
    EXPECT_EQ(stored.json()->getValue<std::int64_t>("size"), static_cast<std::int64_t>(bytes.size()));

    const HttpResult back = call("GET", "/api/v1/files/" + id, "", "");
    ASSERT_EQ(back.status, 200);
    EXPECT_EQ(back.body, bytes);
    EXPECT_EQ(back.headers.at("Content-Type"), "application/pdf");
    EXPECT_EQ(back.headers.at("Content-Disposition"),
              "attachment; filename=\"____ _1.pdf\"; filename*=UTF-8''%D1%81%D1%87%D1%91%D1%82%20%E2%84%961.pdf");

    // The same content again: a second name for it, one copy on disk.
    const HttpResult again = upload(bytes, "copy.pdf", "application/pdf");
    ASSERT_EQ(again.status, 201) << again.body;
    EXPECT_NE(again.json()->getValue<std::string>("id"), id);
    const std::string sha = db_.text("SELECT sha256 FROM files WHERE id = '" + id + "'");
    EXPECT_EQ(db_.text("SELECT sha256 FROM files WHERE id = '" + again.json()->getValue<std::string>("id") + "'"), sha);
    EXPECT_TRUE(Poco::File(requireEnv("OMNIGATE_VAR_DIR") + "/files/" + sha.substr(0, 2) + "/" + sha.substr(2, 2) +
                           "/" + sha)
                    .exists());
}

TEST_F(Files, BadUploadsAreRefusedAndUnknownFilesAre404) {
    EXPECT_EQ(upload("", "empty.txt", "text/plain").status, 400);
    EXPECT_EQ(call("POST", "/api/v1/files", "bytes", "text/plain").status, 400) << "no name";
    EXPECT_EQ(upload("bytes", "x.txt", "text/plain", "not-a-token").status, 401);
    EXPECT_EQ(call("GET", "/api/v1/files/999999999999", "", "").status, 404);
    EXPECT_EQ(call("GET", "/api/v1/files/abc", "", "").status, 404);
    // Beyond http.max_body_bytes (1 MiB in the tests): refused before it is read.
    EXPECT_EQ(upload(std::string(2 * 1024 * 1024, 'x'), "big.bin", "application/octet-stream").status, 413);
}

TEST_F(Files, AReplyCarriesUploadedFilesIntoTheHistory) {
    const HttpResult session =
        daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Visitor )" + unique() + R"("})");
    ASSERT_EQ(session.status, 201);
    const HttpResult message = daemon_->http().postJson("/api/v1/webchat/demo/messages", R"({"text":"send me the invoice"})",
                                                        session.json()->getValue<std::string>("token"));
    ASSERT_EQ(message.status, 201);
    const std::string interaction = std::to_string(message.json()->getValue<std::int64_t>("interaction_id"));
    const HttpResult file = upload("invoice " + unique(), "invoice.txt", "text/plain");
    ASSERT_EQ(file.status, 201);
    const std::string fileId = file.json()->getValue<std::string>("id");

    HttpResult reply = call("POST", "/api/v1/interactions/" + interaction + "/messages",
                            R"({"attachments":[")" + fileId + R"("]})", "application/json");
    ASSERT_EQ(reply.status, 201) << reply.body;
    const auto attached = reply.json()->getArray("attachments");
    ASSERT_EQ(attached->size(), 1u);
    EXPECT_EQ(attached->getObject(0)->getValue<std::string>("file_id"), fileId);
    EXPECT_EQ(attached->getObject(0)->getValue<std::string>("name"), "invoice.txt");

    reply = call("POST", "/api/v1/interactions/" + interaction + "/messages", R"({"attachments":["424242424242"]})",
                 "application/json");
    EXPECT_EQ(reply.status, 400);
    EXPECT_NE(reply.body.find("attachments[0]"), std::string::npos) << reply.body;
    reply = call("POST", "/api/v1/interactions/" + interaction + "/messages", R"({"attachments":[]})", "application/json");
    EXPECT_EQ(reply.status, 400) << "neither text nor files";

    const HttpResult history = call("GET", "/api/v1/interactions/" + interaction + "/messages", "", "");
    ASSERT_EQ(history.status, 200);
    EXPECT_NE(history.body.find(fileId), std::string::npos) << history.body;
}

TEST_F(Files, AnApiTokenNeedsInteractionsWriteToUploadAndReadToDownload) {
    const std::string reader = token(R"(["interactions:read"])");
    EXPECT_EQ(upload("bytes", "x.txt", "text/plain", reader).status, 403);
    const std::string writer = token(R"(["interactions:write"])");
    const std::string id = uploaded(writer);
    EXPECT_EQ(call("GET", "/api/v1/files/" + id, "", "", writer).status, 403) << "downloads need interactions:read";
}

TEST_F(Files, IdsCannotBeGuessed) {
    const std::string a = uploaded();
    const std::string b = uploaded();
    const std::regex shape("[0-9a-f]{32}");
    EXPECT_TRUE(std::regex_match(a, shape)) << a;
    EXPECT_TRUE(std::regex_match(b, shape)) << b;
    EXPECT_NE(a.substr(0, 16), b.substr(0, 16)) << "two uploads in a row share no counter";
    // The neighbours of a real id, and what a counter would have given, name nothing.
    std::string next = a;
    next.back() = next.back() == '0' ? '1' : '0';
    EXPECT_EQ(call("GET", "/api/v1/files/" + next, "", "").status, 404);
    for (const std::string guess : {"1", "2", "3", "100"}) {
        EXPECT_EQ(call("GET", "/api/v1/files/" + guess, "", "").status, 404) << guess;
    }
}

TEST_F(Files, AnApiTokenReadsFilesOfConversationsAndItsOwnUploadsOnly) {
    const std::string crm = token(R"(["interactions:read"])");
    const std::string other = token(R"(["interactions:read","interactions:write"])");
    const std::string clientsOnly = token(R"(["clients:read"])");

    // Uploaded but not sent yet: its uploader's alone.
    const std::string adminsDraft = uploaded();
    EXPECT_EQ(call("GET", "/api/v1/files/" + adminsDraft, "", "", crm).status, 404);
    const std::string othersDraft = uploaded(other);
    EXPECT_EQ(call("GET", "/api/v1/files/" + othersDraft, "", "", other).status, 200);
    EXPECT_EQ(call("GET", "/api/v1/files/" + othersDraft, "", "", crm).status, 404);

    // Once a conversation carries it, whoever may read the interaction may read it.
    const std::string conversation = interaction();
    ASSERT_EQ(attach(conversation, adminsDraft).status, 201);
    EXPECT_EQ(call("GET", "/api/v1/files/" + adminsDraft, "", "", crm).status, 200);
    EXPECT_EQ(call("GET", "/api/v1/files/" + adminsDraft, "", "", clientsOnly).status, 403)
        << "a token that may not read interactions reads none of their files";
}

TEST_F(Files, AReplyAttachesOnlyItsAuthorsUploadsOrTheInteractionsOwnFiles) {
    const std::string crm = token(R"(["interactions:read","interactions:write"])");
    const std::string first = interaction();
    const std::string second = interaction();
    const std::string adminsFile = uploaded();
    const std::string crmsFile = uploaded(crm);

    HttpResult r = attach(first, adminsFile, crm);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_NE(r.body.find(adminsFile), std::string::npos) << r.body;
    r = attach(first, crmsFile);
    EXPECT_EQ(r.status, 403) << "the admin token may not send an integration's upload either: " << r.body;

    r = attach(first, crmsFile, crm);
    ASSERT_EQ(r.status, 201) << r.body;
    // Sent through an API token: stored as the integration's, not as an operator's.
    EXPECT_EQ(r.json()->getValue<std::string>("author"), "integration");
    EXPECT_EQ(r.json()->getValue<std::string>("author_id").rfind("files-", 0), 0u) << r.body;
    const std::string id = std::to_string(r.json()->getValue<std::int64_t>("id"));
    EXPECT_EQ(db_.text("SELECT CONCAT(author, ':', author_id) FROM messages WHERE id = " + id),
              "integration:" + r.json()->getValue<std::string>("author_id"));

    // Already part of the interaction: anyone who may reply there may send it again; elsewhere it stays put.
    ASSERT_EQ(attach(first, adminsFile).status, 201);
    EXPECT_EQ(attach(first, adminsFile, crm).status, 201);
    r = attach(second, adminsFile, crm);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_NE(r.body.find("interaction " + second), std::string::npos) << r.body;
}

TEST_F(Files, HostileNamesLoseControlCharactersAndCannotBreakContentDisposition) {
    // a"b<CR><LF>X-Injected: 1 ñ.txt
    const HttpResult stored = upload("hostile " + unique(), "a%22b%0D%0AX-Injected%3A%201%20%C3%B1.txt", "text/plain");
    ASSERT_EQ(stored.status, 201) << stored.body;
    EXPECT_EQ(stored.json()->getValue<std::string>("name"), "a\"bX-Injected: 1 \xC3\xB1.txt");
    const HttpResult back = call("GET", "/api/v1/files/" + stored.json()->getValue<std::string>("id"), "", "");
    ASSERT_EQ(back.status, 200);
    EXPECT_EQ(back.headers.at("Content-Disposition"),
              "attachment; filename=\"a_bX-Injected: 1 _.txt\"; filename*=UTF-8''a%22bX-Injected%3A%201%20%C3%B1.txt");
    EXPECT_EQ(back.headers.count("X-Injected"), 0u);
}

}  // namespace
}  // namespace omnigate::test
