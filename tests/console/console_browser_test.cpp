// Each test starts the daemon with a web chat account, a queue, an operator and their user of its own (and the test
// SMTP receiver as the report mailings' account), then runs one scenario of console/tests in Debian's chromium
// (headless, through playwright-core) and passes when the scenario does. The scenario prints each step it takes; on
// failure the output, a screenshot of the page (in $OMNIGATE_VAR_DIR/screenshots) and the daemon's log say where it
// stopped.
#include <gtest/gtest.h>

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/UUIDGenerator.h>

#include <map>
#include <sstream>

#include "support/daemon_process.h"
#include "support/mailbox.h"
#include "support/test_env.h"

namespace omnigate::test {
namespace {

const char* const kOperatorPassword = "console-operator-password";
const char* const kSupervisorPassword = "console-supervisor-password";
const char* const kAdminPassword = "console-admin-password";
const char* const kMarketerPassword = "console-marketer-password";
// A port of the test ports' range no other test takes (scripts/test.sh).
const char* const kShopOrigin = "http://127.0.0.1:17080";

class ConsoleBrowser : public ::testing::Test {
protected:
    void SetUp() override {
        tag_ = Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8);
        account_ = "console-" + tag_;
        DaemonOptions options;
        options.instance = "console";
        // The operator scenario's shop site, which embeds the chat widget: another origin than the daemon's.
        options.corsOrigin = kShopOrigin;
        options.channelsYaml = "  - type: webchat\n"
                               "    id: " + account_ + "\n"
                               "    settings:\n"
                               "      token_secret: console-webchat-secret-0123456789\n";
        // The response templates an operator answers with ("/" and its shortcut), and that are suggested live.
        options.channelsYaml += "integrations:\n"
                                "  - type: knowledge_base\n"
                                "    id: kb-console\n"
                                "    settings:\n"
                                "      templates:\n"
                                "        - id: where-" + tag_ + "\n"
                                "          title: Где заказ\n"
                                "          text: Ваш заказ уже в пути.\n"
                                // The CRM's subscriptions and failed deliveries, kept on the administration page.
                                "  - type: crm\n"
                                "    id: crm\n";
        // The operator attaches an HTML file, as a mail would bring one, to see the console sandbox it: HTML is no
        // default type of an attachment (docs/files.md), so it is allowed here, beside the receipt's picture.
        options.filesYaml = "  allowed_types:\n    attachment: ['image/*', text/html]\n";
        options.extraYaml = "auth:\n"
                            "  token_secret: console-test-token-secret-0123456789abcdef\n"
                            "  users:\n"
                            "    - login: anna-" + tag_ + "\n"
                            "      display_name: Anna Operator\n"
                            "      roles: [operator]\n"
                            "      operator: anna-" + tag_ + "\n"
                            "      password: " + kOperatorPassword + "\n"
                            "    - login: olga-" + tag_ + "\n"
                            "      display_name: Olga Supervisor\n"
                            "      roles: [supervisor]\n"
                            "      password: " + kSupervisorPassword + "\n"
                            "    - login: boss-" + tag_ + "\n"
                            "      display_name: Boris Administrator\n"
                            "      roles: [business_admin]\n"
                            "      password: " + kAdminPassword + "\n"
                            "    - login: mia-" + tag_ + "\n"
                            "      display_name: Mia Marketer\n"
                            "      roles: [marketer]\n"
                            "      password: " + kMarketerPassword + "\n"
                            "routing:\n"
                            "  queues:\n"
                            "    - id: chat-" + tag_ + "\n"
                            "      name: Chat\n"
                            "      sources: [{channel: webchat, account: " + account_ + "}]\n"
                            "      offer_timeout_seconds: 120\n"
                            "    - {id: second-" + tag_ + ", name: Second line, sources: []}\n"
                            "  operator_groups:\n"
                            "    - {id: team-" + tag_ + ", name: Chat team, queues: [chat-" + tag_ + "]}\n"
                            "  operators:\n"
                            "    - id: anna-" + tag_ + "\n"
                            "      name: Anna\n"
                            "      capacities: {webchat: 2}\n"
                            "      groups: [team-" + tag_ + "]\n"
                            // The report mailings' account: the test SMTP receiver (plain on loopback, with AUTH), so
                            // that the supervisor scenario's mailings run, sent and refused, with no retry to wait.
                            "mailings:\n"
                            "  smtp:\n"
                            "    host: 127.0.0.1\n"
                            "    port: " + std::to_string(requireEnvInt("OMNIGATE_SMTP_PORT")) + "\n"
                            "    tls: none\n"
                            "    user: demo@omnigate.test\n"
                            "    password: demo-password\n"
                            "    from: reports@omnigate.test\n"
                            "    timeout_seconds: 5\n"
                            "    retries: 0\n";
        adjust(options);
        daemon_ = std::make_unique<DaemonProcess>(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
        // Topics have no config section: the administrator makes them over REST.
        const HttpResult topic = daemon_->http().request(
            "POST", "/api/v1/topics", R"({"name":"Delivery )" + tag_ + R"("})",
            {{"Authorization", "Bearer " + daemon_->adminToken()}, {"Content-Type", "application/json"}});
        ASSERT_EQ(topic.status, 201) << topic.body;
    }
    void TearDown() override {
        if (HasFailure() && daemon_) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }
    // What a scenario needs beyond the common daemon.
    virtual void adjust(DaemonOptions&) {}

    // Runs console/tests/<scenario>.mjs with the daemon's address and the test's names; its exit status and output.
    int scenario(const std::string& name, std::string& output) {
        const std::string repo = requireEnv("OMNIGATE_REPO");
        Poco::Process::Env env;
        env["OMNIGATE_CONSOLE_URL"] = "http://127.0.0.1:" + std::to_string(daemon_->port());
        env["OMNIGATE_WEBCHAT_ACCOUNT"] = account_;
        env["OMNIGATE_OPERATOR_LOGIN"] = "anna-" + tag_;
        env["OMNIGATE_OPERATOR_PASSWORD"] = kOperatorPassword;
        env["OMNIGATE_OPERATOR"] = "anna-" + tag_;
        env["OMNIGATE_SUPERVISOR_LOGIN"] = "olga-" + tag_;
        env["OMNIGATE_SUPERVISOR_PASSWORD"] = kSupervisorPassword;
        env["OMNIGATE_QUEUE"] = "chat-" + tag_;
        env["OMNIGATE_OTHER_QUEUE"] = "second-" + tag_;
        env["OMNIGATE_ADMIN_LOGIN"] = "boss-" + tag_;
        env["OMNIGATE_ADMIN_PASSWORD"] = kAdminPassword;
        env["OMNIGATE_MARKETER_LOGIN"] = "mia-" + tag_;
        env["OMNIGATE_MARKETER_PASSWORD"] = kMarketerPassword;
        env["OMNIGATE_TAG"] = tag_;
        env["OMNIGATE_SHOP_ORIGIN"] = kShopOrigin;
        env["OMNIGATE_TOPIC"] = "Delivery " + tag_;
        env["OMNIGATE_TEMPLATE"] = "where-" + tag_;
        env["OMNIGATE_SCREENSHOTS"] = requireEnv("OMNIGATE_VAR_DIR") + "/screenshots";
        for (const auto& [key, value] : extraEnv_) env[key] = value;
        Poco::Pipe pipe;
        Poco::ProcessHandle handle = Poco::Process::launch(
            "node", {repo + "/console/tests/" + name + ".mjs"}, repo + "/console", nullptr, &pipe, &pipe, env);
        Poco::PipeInputStream in(pipe);
        std::ostringstream out;
        out << in.rdbuf();
        output = out.str();
        return handle.wait();
    }

    std::string tag_, account_;
    std::map<std::string, std::string> extraEnv_;
    std::unique_ptr<DaemonProcess> daemon_;
};

// The campaigns scenario's daemon also has an email account that sends through the test SMTP receiver, the
// campaigns' unsubscribe settings, and clients of one city to send to.
class ConsoleCampaigns : public ConsoleBrowser {
protected:
    void adjust(DaemonOptions& options) override {
        options.channelsYaml = "  - type: email\n"
                               "    id: mail-" + tag_ + "\n"
                               "    settings:\n"
                               "      address: campaigns-" + tag_ + "@omnigate.test\n"
                               "      imap_url: imap://127.0.0.1:" + std::to_string(requireEnvInt("OMNIGATE_IMAP_PORT")) +
                               "/INBOX\n"
                               "      imap_user: \"campaigns-" + tag_ + "@omnigate.test*relay\"\n"
                               "      imap_password: \"" + mailMasterPassword() + "\"\n"
                               "      smtp_url: smtp://127.0.0.1:" + std::to_string(requireEnvInt("OMNIGATE_SMTP_PORT")) +
                               "\n"
                               "      smtp_user: demo@omnigate.test\n"
                               "      smtp_password: demo-password\n"
                               "      allow_plaintext: true\n" +
                               options.channelsYaml;
        options.extraYaml += "campaigns:\n"
                             "  public_url: https://cc.example.test\n"
                             "  unsubscribe_secret: console-unsubscribe-secret-0123456789abcdef\n";
    }
    void SetUp() override {
        ConsoleBrowser::SetUp();
        if (HasFatalFailure()) return;
        for (int i = 0; i < 3; ++i) {
            const HttpResult client = daemon_->http().request(
                "POST", "/api/v1/clients",
                R"({"name":"Reader )" + std::to_string(i) + R"(","addresses":[{"kind":"email","value":"reader-)" +
                    std::to_string(i) + "-" + tag_ + R"(@omnigate.test"}],"card":{"city":"City )" + tag_ + R"("}})",
                {{"Authorization", "Bearer " + daemon_->adminToken()}, {"Content-Type", "application/json"}});
            ASSERT_EQ(client.status, 201) << client.body;
        }
        extraEnv_ = {{"OMNIGATE_CAMPAIGN_ACCOUNT", "mail-" + tag_},
                     {"OMNIGATE_CAMPAIGN_CITY", "City " + tag_},
                     {"OMNIGATE_CAMPAIGN_EXPECTED", "3"}};
    }
};

TEST_F(ConsoleBrowser, AnOperatorSignsInTakesAChatAnswersItAndClosesItWhileTheVisitorSeesItAll) {
    std::string output;
    EXPECT_EQ(scenario("operator", output), 0) << output;
}

TEST_F(ConsoleBrowser, ASupervisorWatchesTheQueueGrowLiveAndTransfersTwoInteractionsAtOnce) {
    std::string output;
    EXPECT_EQ(scenario("supervisor", output), 0) << output;
}

TEST_F(ConsoleBrowser, AnAdministratorMakesAQueueAndARuleAndTheDryRunFollowsItButAnOperatorIsKeptOut) {
    std::string output;
    EXPECT_EQ(scenario("admin", output), 0) << output;
}

TEST_F(ConsoleBrowser, AMarketerMakesAnOfferTheOperatorSendsAndActivatesItAndTheResultsCountIt) {
    std::string output;
    EXPECT_EQ(scenario("offers", output), 0) << output;
}

TEST_F(ConsoleCampaigns, AMarketerRunsAnEmailCampaignToItsEndAndExportsItsResults) {
    std::string output;
    EXPECT_EQ(scenario("campaigns", output), 0) << output;
}

TEST_F(ConsoleBrowser, TwoPeopleChatTheOneSeesTheOthersMessageAndItsUnreadCountLive) {
    std::string output;
    EXPECT_EQ(scenario("chat", output), 0) << output;
}

}  // namespace
}  // namespace omnigate::test
