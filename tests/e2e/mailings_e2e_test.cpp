// Report mailings against the real daemon, SMTP receiver and Dovecot of scripts/test.sh (docs/mailings.md): the
// daemon sends through STARTTLS (the receiver's certificate checked against its CA) and AUTH; what arrives is read
// back over IMAP as the recipient's mail program would, its XLSX and CSV attachments opened and their rows checked
// against a web chat scenario the test drives. A threshold mailing alerts when a queue's waiting count reaches its
// warning, stays quiet within its re-trigger interval, and sends the recovery; failures keep the server's answer;
// bad input is refused naming the field, and nothing is stored.
// The shared database is never wiped: queues, rules and recipients carry a unique suffix, and what a test makes it
// deletes.
#include <gtest/gtest.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mailbox.h"
#include "support/test_env.h"
#include "support/xlsx_reader.h"

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

// Today at the centre's +03:00.
std::string localToday() {
    Poco::DateTime now;
    now += Poco::Timespan(3 * Poco::Timespan::HOURS);
    return Poco::DateTimeFormatter::format(now, "%Y-%m-%d");
}

// The certificate services.sh made for Dovecot and the SMTP receiver's STARTTLS.
std::string receiverCertificate() {
    const std::string path = requireEnv("OMNIGATE_VAR_DIR") + "/dovecot/tls.crt";
    if (!Poco::File(path).exists()) {
        throw std::runtime_error(path + " is missing: scripts/services.sh makes it with the openssl tool "
                                        "(scripts/setup.sh installs it)");
    }
    return path;
}

// The statistics every second and the `mailings:` section: the test SMTP receiver with AUTH, over STARTTLS checked
// against the receiver's certificate unless `tls` is none.
std::string mailingsYaml(const std::string& tls, const std::string& port, const std::string& password) {
    return "stats:\n  interval_seconds: 1\n  utc_offset: '+03:00'\n"
           "mailings:\n  smtp:\n    host: 127.0.0.1\n    port: " + port + "\n    tls: " + tls + "\n" +
           (tls == "none" ? "" : "    ca_file: " + receiverCertificate() + "\n") +
           "    user: demo@omnigate.test\n    password: " + password + "\n"
           "    from: reports@omnigate.test\n    from_name: Отчёты omnigate\n"
           "    timeout_seconds: 5\n    retries: 1\n    retry_backoff_seconds: 1\n";
}

std::string smtpPort() { return std::to_string(requireEnvInt("OMNIGATE_SMTP_PORT")); }

class Mailings : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        DaemonOptions options;
        options.instance = "mailings-" + unique();
        options.extraYaml = mailingsYaml("starttls", smtpPort(), "demo-password");
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    }
    static void TearDownTestSuite() {
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
        for (const std::string& path : cleanup_) admin("DELETE", path);
    }

    static HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "") {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        return daemon_->http().request(method, path, body, headers);
    }

    // A queue with a threshold on its waiting count, and a rule that sends every web chat with `word` there.
    std::string queueWithRule(const std::string& word, const std::string& thresholds) {
        const std::string queue = "q-mail-" + unique();
        HttpResult r = admin("POST", "/api/v1/queues",
                             R"({"id":")" + queue + R"(","name":"Mail queue )" + queue + R"(","thresholds":)" +
                                 thresholds + "}");
        EXPECT_EQ(r.status, 201) << r.body;
        cleanup_.push_back("/api/v1/queues/" + queue);
        r = admin("POST", "/api/v1/routing-rules", R"({"name":"mail )" + queue + R"(","conditions":{"words":[")" +
                                                       word + R"("]},"actions":{"queue":")" + queue + R"("}})");
        EXPECT_EQ(r.status, 201) << r.body;
        cleanup_.insert(cleanup_.begin(),
                        "/api/v1/routing-rules/" + std::to_string(r.json()->getValue<std::int64_t>("id")));
        return queue;
    }

    // A web chat visitor whose interaction waits in the queue the word leads to.
    std::int64_t visit(const std::string& word) {
        const HttpResult session =
            daemon_->http().postJson("/api/v1/webchat/demo/sessions", R"({"name":"Visitor )" + unique() + R"("})");
        EXPECT_EQ(session.status, 201) << session.body;
        const HttpResult r = daemon_->http().postJson("/api/v1/webchat/demo/messages",
                                                      R"({"text":"About )" + word + R"(, please"})",
                                                      session.json()->getValue<std::string>("token"));
        EXPECT_EQ(r.status, 201) << r.body;
        const std::int64_t id = r.status == 201 ? r.json()->getValue<std::int64_t>("interaction_id") : 0;
        for (int i = 0; i < 200 && status(id) != "queued"; ++i) std::this_thread::sleep_for(50ms);
        EXPECT_EQ(status(id), "queued");
        return id;
    }

    std::string status(std::int64_t id) {
        return db_.text("SELECT status FROM interactions WHERE id = " + std::to_string(id));
    }

    void leave(std::int64_t id) {
        const HttpResult r = admin("POST", "/api/v1/interactions/" + std::to_string(id) + "/close",
                                   R"({"resolution":"left"})");
        EXPECT_EQ(r.status, 200) << r.body;
    }

    std::int64_t create(const std::string& body) {
        const HttpResult r = admin("POST", "/api/v1/mailings", body);
        EXPECT_EQ(r.status, 201) << r.body;
        if (r.status != 201) return 0;
        const std::int64_t id = r.json()->getValue<std::int64_t>("id");
        cleanup_.insert(cleanup_.begin(), "/api/v1/mailings/" + std::to_string(id));
        return id;
    }

    Poco::JSON::Array::Ptr runs(std::int64_t mailing) {
        const HttpResult r = admin("GET", "/api/v1/mailings/" + std::to_string(mailing) + "/runs");
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json()->getArray("runs");
    }

    // The mails in `user`'s INBOX once there are `count` of them (or after `timeout`, however many there are).
    static std::vector<std::string> waitForMails(const std::string& user, std::size_t count,
                                                 std::chrono::milliseconds timeout = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::vector<std::string> mails = mailbox(user);
        while (mails.size() < count && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(200ms);
            mails = mailbox(user);
        }
        return mails;
    }

    static MailPart attachment(const std::string& raw) {
        for (const MailPart& part : mailParts(raw)) {
            if (!part.fileName.empty()) return part;
        }
        ADD_FAILURE() << "no attachment in\n" << raw.substr(0, 2000);
        return {};
    }

    static DaemonProcess* daemon_;
    std::vector<std::string> cleanup_;
    DbProbe db_;
};

DaemonProcess* Mailings::daemon_ = nullptr;

TEST_F(Mailings, APeriodicMailingArrivesWithItsReportAsAnXlsxThatOpens) {
    const std::string u = unique();
    const std::string word = "mailword" + u;
    const std::string queue = queueWithRule(word, R"({"waiting":{"direction":"above","warning":5}})");
    // Two visitors wait and leave: the day's queue_kpis has the queue's row with 2 offered, both abandoned.
    const std::int64_t first = visit(word), second = visit(word);
    leave(first);
    leave(second);

    const std::string boss = "boss-" + u + "@omnigate.test";
    const std::int64_t id = create(R"({"kind":"periodic","name":"Queues today )" + u + R"(","recipients":[")" + boss +
                                   R"("],"schedule":{"every":"daily","time":"08:00"},"reports":[{"report":"queue_kpis",)"
                                   R"("period":"today","filters":{"queue":[")" + queue + R"("]}}],"format":"xlsx"})");
    ASSERT_NE(id, 0);
    const auto made = admin("GET", "/api/v1/mailings/" + std::to_string(id)).json();
    EXPECT_EQ(made->getObject("schedule")->getValue<std::string>("utc_offset"), "+03:00") << "the centre's";
    EXPECT_EQ(made->getValue<std::string>("next_run_at").substr(11, 5), "05:00") << "08:00 at +03:00";

    // Tried out now: answered once the receiver took it.
    HttpResult r = admin("POST", "/api/v1/mailings/" + std::to_string(id) + "/run");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto run = r.json();
    EXPECT_EQ(run->getValue<std::string>("status"), "sent") << r.body;
    EXPECT_EQ(run->getValue<std::string>("trigger"), "manual");
    EXPECT_EQ(run->getValue<int>("attempts"), 1);
    EXPECT_FALSE(run->isNull("finished_at"));
    const std::string today = localToday();
    const std::string file = "queue_kpis-" + today + "-" + today + ".xlsx";
    const auto sent = run->getObject("contents")->getArray("attachments");
    ASSERT_EQ(sent->size(), 1u) << r.body;
    EXPECT_EQ(sent->getObject(0)->getValue<std::string>("file"), file);
    EXPECT_EQ(sent->getObject(0)->getValue<int>("rows"), 1);

    // The mail as the boss's mail program reads it, over IMAP.
    const auto mails = waitForMails(boss, 1);
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_NE(mailHeader(mails[0], "From").find("<reports@omnigate.test>"), std::string::npos);
    EXPECT_EQ(decodeUtf8Words(mailHeader(mails[0], "From")), "Отчёты omnigate") << "the sender's name, encoded";
    EXPECT_NE(decodeUtf8Words(mailHeader(mails[0], "Subject")).find("Queues today " + u), std::string::npos);
    const MailPart xlsx = attachment(mails[0]);
    EXPECT_EQ(xlsx.fileName, file);
    EXPECT_NE(xlsx.contentType.find("spreadsheetml"), std::string::npos) << xlsx.contentType;
    const XlsxContent sheet = readXlsx(xlsx.bytes);
    ASSERT_EQ(sheet.rows.size(), 3u) << "header, the queue, the totals";
    EXPECT_EQ(sheet.rows[1][0], queue);
    EXPECT_EQ(sheet.rows[1][2], "webchat");
    EXPECT_EQ(sheet.rows[1][3], "2") << "offered";
    EXPECT_EQ(sheet.rows[1][5], "2") << "abandoned";
    EXPECT_EQ(sheet.rows[2][0], "Total");
    bool text = false;
    for (const MailPart& part : mailParts(mails[0])) {
        if (part.fileName.empty() && part.bytes.find(file) != std::string::npos) text = true;
    }
    EXPECT_TRUE(text) << "the text lists the attachment";

    // The same mailing as CSV, missed for three days while no daemon ran: the scheduler sends it once, now, and its
    // next run is tomorrow's, not the missed ones.
    r = admin("PUT", "/api/v1/mailings/" + std::to_string(id),
              R"({"kind":"periodic","name":"Queues today )" + u + R"(","recipients":[")" + boss +
                  R"("],"schedule":{"every":"daily","time":"08:00"},"reports":[{"report":"queue_kpis",)"
                  R"("period":"today","filters":{"queue":[")" + queue + R"("]}}],"format":"csv","version":1})");
    ASSERT_EQ(r.status, 200) << r.body;
    db_.execute("UPDATE mailings SET next_run_at = UTC_TIMESTAMP(3) - INTERVAL 3 DAY WHERE id = " + std::to_string(id));
    const auto both = waitForMails(boss, 2);
    ASSERT_EQ(both.size(), 2u);
    const MailPart csv = attachment(both[1]);
    EXPECT_EQ(csv.fileName, "queue_kpis-" + today + "-" + today + ".csv");
    EXPECT_NE(csv.bytes.find("\r\n" + queue + ",Mail queue " + queue + ",webchat,2,0,2,"), std::string::npos)
        << csv.bytes;
    std::this_thread::sleep_for(3s);  // three more rounds of the scheduler: nothing more is due
    EXPECT_EQ(mailbox(boss).size(), 2u) << "one catch-up, not one per missed day";
    const auto list = runs(id);
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("trigger"), "schedule");
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("status"), "sent");
    EXPECT_EQ(list->getObject(1)->getValue<std::string>("trigger"), "manual");
    const std::string next = admin("GET", "/api/v1/mailings/" + std::to_string(id)).json()->getValue<std::string>("next_run_at");
    EXPECT_GT(next, Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%S")) << "the next is ahead";
    // Paged: one run a page, the cursor leading to the older.
    r = admin("GET", "/api/v1/mailings/" + std::to_string(id) + "/runs?limit=1");
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string cursor = r.json()->getValue<std::string>("next_cursor");
    r = admin("GET", "/api/v1/mailings/" + std::to_string(id) + "/runs?limit=1&cursor=" + cursor);
    EXPECT_EQ(r.json()->getArray("runs")->getObject(0)->getValue<std::string>("trigger"), "manual");
    EXPECT_TRUE(r.json()->isNull("next_cursor"));
}

TEST_F(Mailings, AThresholdMailingAlertsOnceWithinItsIntervalAndWhenTheQueueRecovers) {
    const std::string u = unique();
    const std::string word = "alertword" + u;
    const std::string queue =
        queueWithRule(word, R"({"waiting":{"direction":"above","warning":2,"critical":4}})");
    const std::string duty = "duty-" + u + "@omnigate.test";
    const std::int64_t id = create(R"({"kind":"threshold","name":"Waiting )" + u + R"(","recipients":[")" + duty +
                                   R"("],"queue":")" + queue + R"(","metric":"waiting","level":"warning",)"
                                   R"("retrigger_minutes":60})");
    ASSERT_NE(id, 0);

    const std::int64_t a = visit(word), b = visit(word);  // 2 waiting: the warning level
    auto mails = waitForMails(duty, 1);
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_NE(mailHeader(mails[0], "Subject").find(queue), std::string::npos) << mailHeader(mails[0], "Subject");
    EXPECT_NE(mailHeader(mails[0], "Subject").find("waiting is warning (2)"), std::string::npos)
        << mailHeader(mails[0], "Subject");
    const std::string body = mailParts(mails[0]).at(0).bytes;
    EXPECT_NE(body.find("Value: 2"), std::string::npos) << body;
    EXPECT_NE(body.find("warning at 2, critical at 4"), std::string::npos) << body;
    EXPECT_NE(body.find("+03:00"), std::string::npos) << "the time, in the centre's offset: " << body;

    // A third waits: still at the level, within the re-trigger interval: no second alert.
    const std::int64_t c = visit(word);
    std::this_thread::sleep_for(4s);
    EXPECT_EQ(mailbox(duty).size(), 1u);
    auto state = admin("GET", "/api/v1/mailings/" + std::to_string(id)).json()->getObject("state");
    EXPECT_TRUE(state->getValue<bool>("alerting"));
    EXPECT_EQ(state->getValue<std::string>("level"), "warning");

    // All three leave: normal again, one recovery mail.
    for (std::int64_t i : {a, b, c}) leave(i);
    mails = waitForMails(duty, 2);
    ASSERT_EQ(mails.size(), 2u);
    EXPECT_NE(mailHeader(mails[1], "Subject").find("waiting is back to normal (0)"), std::string::npos)
        << mailHeader(mails[1], "Subject");
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(mailbox(duty).size(), 2u) << "one recovery";
    const auto list = runs(id);
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("trigger"), "recovery");
    EXPECT_EQ(list->getObject(1)->getValue<std::string>("trigger"), "alert");
    const auto alert = list->getObject(1)->getObject("contents")->getObject("alert");
    EXPECT_EQ(alert->getValue<double>("value"), 2);
    EXPECT_EQ(alert->getValue<std::string>("level"), "warning");
    EXPECT_EQ(alert->getObject("threshold")->getValue<std::string>("direction"), "above");
    for (std::size_t i = 0; i < list->size(); ++i) {
        EXPECT_EQ(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("status"), "sent");
    }
    state = admin("GET", "/api/v1/mailings/" + std::to_string(id)).json()->getObject("state");
    EXPECT_FALSE(state->getValue<bool>("alerting"));
    EXPECT_EQ(state->getValue<std::string>("level"), "normal");
}

TEST_F(Mailings, AFailedRunIsRecordedWithTheServersAnswer) {
    const std::string u = unique();
    const std::string queue = queueWithRule("failword" + u, R"({"waiting":{"direction":"above","warning":5}})");
    const auto periodic = [&](const std::string& to) {
        return R"({"kind":"periodic","name":"Failing )" + u + R"(","recipients":[")" + to +
               R"("],"schedule":{"every":"weekly","weekday":"monday","time":"07:00"},"enabled":false,)"
               R"("reports":[{"report":"queue_kpis","period":"yesterday","filters":{"queue":[")" + queue + R"("]}}]})";
    };
    // The receiver refuses the recipient (550): permanent, one attempt, its own words kept.
    const std::int64_t refused = create(periodic("reject-" + u + "@omnigate.test"));
    HttpResult r = admin("POST", "/api/v1/mailings/" + std::to_string(refused) + "/run");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "failed");
    EXPECT_EQ(r.json()->getValue<int>("reply_code"), 550);
    EXPECT_NE(r.json()->getValue<std::string>("reply").find("Recipient address rejected"), std::string::npos) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("attempts"), 1) << "a 5xx is not retried";
    // The receiver defers it (451): retried once, then failed with the server's answer.
    const std::int64_t deferred = create(periodic("defer-" + u + "@omnigate.test"));
    r = admin("POST", "/api/v1/mailings/" + std::to_string(deferred) + "/run");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("status"), "failed");
    EXPECT_EQ(r.json()->getValue<int>("reply_code"), 451);
    EXPECT_EQ(r.json()->getValue<int>("attempts"), 2) << "retries: 1";
    EXPECT_EQ(runs(deferred)->getObject(0)->getValue<std::string>("status"), "failed") << "listed as it answered";

    // Daemons whose SMTP account is wrong: a wrong password (AUTH over STARTTLS refused), then a port nobody
    // listens on. The suite's daemon leads the mailings; these only answer the try-outs.
    const std::string to = "nobody-" + u + "@omnigate.test";
    const std::int64_t mailing = create(periodic(to));
    for (const auto& [yaml, expected] :
         {std::pair{mailingsYaml("starttls", smtpPort(), "a-wrong-password"), std::string("535")},
          std::pair{mailingsYaml("none", std::to_string(freePort()), "demo-password"), std::string("cannot reach")}}) {
        DaemonOptions options;
        options.instance = "mailings-wrong-" + unique();
        options.extraYaml = yaml;
        DaemonProcess wrong(options);
        ASSERT_TRUE(wrong.waitReady()) << wrong.log();
        r = wrong.http().request("POST", "/api/v1/mailings/" + std::to_string(mailing) + "/run", "",
                                 {{"Authorization", "Bearer " + wrong.adminToken()}});
        ASSERT_EQ(r.status, 201) << r.body;
        EXPECT_EQ(r.json()->getValue<std::string>("status"), "failed") << r.body;
        EXPECT_NE(r.body.find(expected), std::string::npos) << r.body;
        EXPECT_EQ(wrong.log().find("a-wrong-password"), std::string::npos) << "the password is never logged";
    }
    EXPECT_TRUE(mailbox(to).empty());
    const auto list = runs(mailing);
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ(list->getObject(1)->getValue<int>("reply_code"), 535) << "AUTH refused, with the server's code";
    EXPECT_TRUE(list->getObject(0)->isNull("reply_code")) << "no connection: no reply";
    EXPECT_EQ(list->getObject(0)->getValue<int>("attempts"), 2) << "no connection is temporary: retried";
}

TEST_F(Mailings, BadInputIsRefusedNamingTheFieldAndNothingIsStored) {
    const std::string u = unique();
    // A queue with a threshold on the waiting count only.
    const std::string queue = queueWithRule("badword" + u, R"({"waiting":{"direction":"above","warning":5}})");
    const std::string before = admin("GET", "/api/v1/mailings").body;
    const std::string periodic = R"({"kind":"periodic","name":"Bad )" + u +
                                 R"(","recipients":["head@omnigate.test"],"reports":[{"report":"queue_kpis",)"
                                 R"("period":"yesterday"}],"schedule":)";
    const auto refused = [&](const std::string& body, const std::string& named) {
        const HttpResult r = admin("POST", "/api/v1/mailings", body);
        EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
        EXPECT_NE(r.body.find(named), std::string::npos) << r.body;
    };
    refused(periodic + R"({"every":"cron","cron":"0 25 * * *"}})", "'schedule.cron': the hour field '25' is out of 0-23");
    refused(periodic + R"({"every":"cron","cron":"0 8 * *"}})", "'schedule.cron': expected 5 fields");
    refused(periodic + R"({"every":"monthly","time":"08:00","day":0}})", "'schedule.day'");
    refused(R"({"kind":"threshold","name":"Bad )" + u + R"(","recipients":["head@omnigate.test"],"queue":")" + queue +
                R"(","metric":"longest_wait_seconds","level":"warning"})",
            "'metric': queue '" + queue + "' has no threshold for longest_wait_seconds, so no direction");
    refused(R"({"kind":"threshold","name":"Bad )" + u + R"(","recipients":["head@omnigate.test"],"queue":")" + queue +
                R"(","metric":"waiting","level":"critical"})",
            "'level': queue '" + queue + "' sets no critical level for waiting");
    refused(R"({"kind":"threshold","name":"Bad )" + u +
                R"(","recipients":["head@omnigate.test"],"queue":"no-such-queue","metric":"waiting","level":"warning"})",
            "'queue': no queue 'no-such-queue'");
    refused(R"({"kind":"periodic","name":"Bad )" + u +
                R"(","recipients":["head@omnigate.test"],"schedule":{"every":"daily","time":"08:00"},)"
                R"("reports":[{"report":"queue_kpis","period":"today","filters":{"operator":["x"]}}]})",
            "'reports[0]': 'operator' is not a parameter of report queue_kpis");
    refused(R"({"kind":"periodic","name":"Bad )" + u +
                R"(","recipients":["head@omnigate.test"],"schedule":{"every":"daily","time":"08:00"},)"
                R"("reports":[{"report":"queue_kpi","period":"today"}]})",
            "'reports[0]': no report 'queue_kpi'");
    refused(R"({"kind":"periodic","name":"Bad )" + u +
                R"(","recipients":["head@omnigate.test"],"schedule":{"every":"daily","time":"08:00"},)"
                R"("reports":[{"report":"queue_kpis","period":"fortnight"}]})",
            "'reports[0].period'");
    refused(R"({"kind":"periodic","name":"Bad )" + u +
                R"(","recipients":["not an address"],"schedule":{"every":"daily","time":"08:00"},)"
                R"("reports":[{"report":"queue_kpis","period":"today"}]})",
            "'recipients[0]'");
    EXPECT_EQ(admin("GET", "/api/v1/mailings").body, before) << "nothing was stored";
    EXPECT_EQ(admin("GET", "/api/v1/mailings/999999999").status, 404);
    EXPECT_EQ(admin("POST", "/api/v1/mailings/999999999/run").status, 404);
    EXPECT_EQ(admin("GET", "/api/v1/mailings?kind=weekly").status, 400);
}

}  // namespace
}  // namespace omnigate::test
