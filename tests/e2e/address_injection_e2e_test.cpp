// A client's address reaches RCPT TO:<…> and the To: header when an operator mails that client, so a line break or
// an angle bracket in it would add recipients or headers. Every entrance refuses such a value with a 400 naming the
// field, and nothing of the request is stored: the web chat session form, POST /api/v1/clients, the addresses API,
// the black list, and what a channel submits through the host (the echo test channel here, as a plugin would).
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <filesystem>
#include <sstream>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

namespace fs = std::filesystem;

std::string uniqueId() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 13); }

std::string encode(const std::string& value) {
    std::string out;
    Poco::URI::encode(value, "&=+?#/<>@, ", out);
    return out;
}

// The JSON text of {key: value, …}, every control character escaped as JSON requires.
std::string json(const std::vector<std::pair<std::string, std::string>>& fields) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [key, value] : fields) o.set(key, value);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

// Hostile spellings of an address: header and SMTP command injection, brackets, DEL and other control characters.
// `marker` is in each, so the test can look for it in the tables afterwards.
std::vector<std::string> hostileEmails(const std::string& marker) {
    return {marker + "@example.com\r\nBcc: x@y.z",
            marker + "@example.com\nRCPT TO:<x@y.z>",
            "<" + marker + "@example.com>",
            marker + "@example.com\x7f",
            marker + "@example.com\t",
            marker + "@example.com,x@y.z",
            "\"" + marker + "\r\n\"@example.com"};
}

std::vector<std::string> hostilePhones() {
    return {"+7 912 345\r\nBcc: x@y.z", "<79123456789>", "79123456789\x7f", std::string("7912\0" "3456789", 12)};
}

class AddressInjection : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        pluginDir_ = new fs::path(fs::temp_directory_path() / ("omnigate-address-" + uniqueId().substr(0, 8)));
        fs::create_directories(*pluginDir_);
        fs::create_symlink(fs::path(requireEnv("OMNIGATE_TEST_PLUGIN_DIR")) / "omnigate_echo.so",
                           *pluginDir_ / "omnigate_echo.so");
        fs::create_symlink(fs::path(requireEnv("OMNIGATE_PLUGIN_DIR")) / "omnigate_webchat.so",
                           *pluginDir_ / "omnigate_webchat.so");
        DaemonOptions options;
        options.instance = "address-" + uniqueId().substr(0, 8);
        options.channelsYaml +=
            "  - type: echo\n"
            "    id: host1\n"
            "    settings:\n"
            "      greeting: Hello\n";
        const std::string previous = requireEnv("OMNIGATE_PLUGIN_DIR");
        ::setenv("OMNIGATE_PLUGIN_DIR", pluginDir_->c_str(), 1);
        daemon_ = new DaemonProcess(options);
        ::setenv("OMNIGATE_PLUGIN_DIR", previous.c_str(), 1);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
        std::error_code ignored;
        fs::remove_all(*pluginDir_, ignored);
        delete pluginDir_;
        pluginDir_ = nullptr;
    }
    void SetUp() override { marker_ = "inj" + uniqueId().substr(0, 8); }
    void TearDown() override {
        // Nothing of a refused request is stored, under any spelling.
        EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM client_addresses WHERE value LIKE '%" + marker_ + "%'"), 0);
        EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interactions WHERE address_value LIKE '%" + marker_ + "%'"), 0);
        EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE external_id LIKE '%" + marker_ + "%'"), 0);
        EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM blacklist WHERE value LIKE '%" + marker_ + "%'"), 0);
        EXPECT_EQ(daemon_->http().get("/healthz").status, 200);
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    // A 400 whose message begins with (or, for the host's sentences, contains) `field`.
    static void expectRefused(const HttpResult& r, const std::string& field, const std::string& what) {
        EXPECT_EQ(r.status, 400) << what << " -> " << r.body;
        if (r.status != 400) return;
        const std::string message = r.json()->getObject("error")->getValue<std::string>("message");
        EXPECT_NE(message.find(field), std::string::npos) << what << " -> " << message;
    }

    static inline DaemonProcess* daemon_ = nullptr;
    static inline fs::path* pluginDir_ = nullptr;
    std::string marker_;
    DbProbe db_;
};

TEST_F(AddressInjection, WebchatSessionFormNamesTheField) {
    for (const std::string& email : hostileEmails(marker_)) {
        expectRefused(daemon_->http().postJson("/api/v1/webchat/demo/sessions", json({{"email", email}})), "'email'",
                      email);
    }
    for (const std::string& phone : hostilePhones()) {
        expectRefused(daemon_->http().postJson("/api/v1/webchat/demo/sessions",
                                               json({{"name", marker_}, {"phone", phone}})),
                      "'phone'", phone);
    }
    // The form still takes what people type.
    const HttpResult fine = daemon_->http().postJson(
        "/api/v1/webchat/demo/sessions", json({{"email", " Anna@Example.com "}, {"phone", "+7 (912) 345-67-89"}}));
    EXPECT_EQ(fine.status, 201) << fine.body;
}

TEST_F(AddressInjection, ClientsApiNamesTheField) {
    for (const std::string& email : hostileEmails(marker_)) {
        const std::string body = R"({"name":"x","addresses":[{"kind":"vk","value":")" + marker_ + R"(ok"},)" +
                                 json({{"kind", "email"}, {"value", email}}) + "]}";
        expectRefused(admin("POST", "/api/v1/clients", body), "'addresses[1].value'", email);
    }
    for (const std::string kind : {"phone", "whatsapp"}) {
        for (const std::string& phone : hostilePhones()) {
            const std::string body = R"({"name":")" + marker_ + R"(","addresses":[)" +
                                     json({{"kind", kind}, {"value", phone}}) + "]}";
            expectRefused(admin("POST", "/api/v1/clients", body), "'addresses[0].value'", kind + " " + phone);
        }
    }
    for (const std::string kind : {"vk", "webchat", "telegram_user"}) {
        const std::string body = R"({"name":"x","addresses":[)" +
                                 json({{"kind", kind}, {"value", marker_ + "\r\nBcc: x@y.z"}}) + "]}";
        expectRefused(admin("POST", "/api/v1/clients", body), "'addresses[0].value'", kind);
    }
}

TEST_F(AddressInjection, AddressesApiNamesTheField) {
    const HttpResult created = admin("POST", "/api/v1/clients",
                                     R"({"name":"Anna","addresses":[{"kind":"email","value":"anna-)" + uniqueId() +
                                         R"(@example.com"}]})");
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string path =
        "/api/v1/clients/" + std::to_string(created.json()->getValue<std::int64_t>("id")) + "/addresses";
    for (const std::string& email : hostileEmails(marker_)) {
        expectRefused(admin("POST", path, json({{"kind", "email"}, {"value", email}})), "'value'", email);
    }
    for (const std::string& phone : hostilePhones()) {
        expectRefused(admin("POST", path, json({{"kind", "whatsapp"}, {"value", phone + marker_}})), "'value'", phone);
    }
    for (const std::string& email : hostileEmails(marker_)) {
        expectRefused(admin("POST", "/api/v1/blacklist", json({{"kind", "email"}, {"value", email}})), "'value'",
                      email);
    }
}

// What a channel plugin submits goes through the same rule: the submit is refused with a sentence naming the
// address, and nothing is stored.
TEST_F(AddressInjection, ChannelSubmissionsAreRefusedAndNothingIsStored) {
    const auto submit = [&](const std::string& kind, const std::string& from, const std::string& contact) {
        return daemon_->http().request(
            "POST", "/test/echo/host1/host/inbound?id=" + encode(marker_ + "-" + uniqueId()) + "&kind=" + kind +
                        "&from=" + encode(from) + "&email=" + encode(contact) + "&text=hello");
    };
    for (const std::string& email : hostileEmails(marker_)) {
        expectRefused(submit("email", email, ""), "the sender address (email)", email);
        expectRefused(submit("echo", marker_ + "-visitor", email), "a contact address (email)", email);
    }
    for (const std::string& phone : hostilePhones()) {
        expectRefused(submit("whatsapp", phone, ""), "the sender address (whatsapp)", phone);
        expectRefused(submit("phone", phone, ""), "the sender address (phone)", phone);
    }
    expectRefused(submit("echo", marker_ + "\r\nBcc: x@y.z", ""), "the sender address (echo)", "echo");
    expectRefused(submit("whatsapp", "12", ""), "the sender address (whatsapp)", "two digits");
}

}  // namespace
}  // namespace omnigate::test
