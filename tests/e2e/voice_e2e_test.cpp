// The voice channel against real peers: SIPp plays the caller, the operator's desk phone and the client's phone, the
// real daemon with the voice plugin answers, queues, rings the operator, bridges and records, and MariaDB holds the
// outcome. A talked call, a caller who gives up in the queue, a busy operator, G.711-less offers, a burst over the
// call limit, digest auth and the silence timeout, the allow-list, re-INVITEs, a late offer, raw malformed SIP and a
// flood, click to call, and a daemon killed mid-call. Ports, all on loopback and used by no other test: SIP
// 15062/15064/15068/15069 (omnigate) and 15061-15078 (SIPp); RTP 16000-16199 (omnigate) and 16500-16799 (SIPp).
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/daemon_process.h"
#include "support/db_probe.h"
#include "support/mqtt_probe.h"

extern char** environ;

namespace omnigate::test {
namespace {

using namespace std::chrono_literals;

std::string unique() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString().substr(0, 8); }

// Digits only: a phone number that is ours alone in the shared database.
std::string uniqueNumber() {
    std::string digits;
    for (const char c : Poco::UUIDGenerator::defaultGenerator().createRandom().toString()) {
        if (digits.size() < 9 && c >= '0' && c <= '9') digits.push_back(c);
    }
    while (digits.size() < 9) digits.push_back('7');
    return "+7" + digits;
}

std::string scenario(const std::string& name) { return std::string(OMNIGATE_SIPP_DIR) + "/" + name; }

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// One SIPp run as a child process: its screen output goes to a file shown when a test fails.
class Sipp {
public:
    explicit Sipp(const std::vector<std::string>& arguments) : output_("/tmp/omnigate-sipp-" + unique() + ".out") {
        std::vector<std::string> all{"sipp", "-nostdin", "-timeout_error", "-trace_err", "-error_file", output_ + ".err",
                                     "-trace_msg", "-message_file", output_ + ".msg"};
        all.insert(all.end(), arguments.begin(), arguments.end());
        std::vector<char*> argv;
        for (std::string& a : all) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, output_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        if (posix_spawnp(&pid_, "sipp", &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
    }
    ~Sipp() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        std::remove(output_.c_str());
        std::remove((output_ + ".err").c_str());
        std::remove((output_ + ".msg").c_str());
    }
    // The exit code (0: every call passed the scenario), or -1 when it ran past `timeout` (then it is killed).
    int wait(std::chrono::milliseconds timeout) {
        if (pid_ <= 0) return -2;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                exited_ = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(50ms);
        }
        return -1;
    }
    std::string output() const {
        return readFile(output_) + "\n---- errors ----\n" + readFile(output_ + ".err") + "\n---- messages ----\n" +
               readFile(output_ + ".msg");
    }

private:
    std::string output_;
    pid_t pid_ = -1;
    bool exited_ = false;
};

struct Wav {
    int channels = 0;
    int rate = 0;
    int bits = 0;
    std::vector<std::int16_t> samples;
    double seconds() const { return channels == 0 ? 0 : static_cast<double>(samples.size()) / channels / rate; }
};

Wav parseWav(const std::string& bytes) {
    auto u16 = [&](std::size_t at) {
        return static_cast<int>(static_cast<unsigned char>(bytes[at]) | static_cast<unsigned char>(bytes[at + 1]) << 8);
    };
    Wav wav;
    if (bytes.size() < 44 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WAVE") != 0) return wav;
    wav.channels = u16(22);
    wav.rate = u16(24) | u16(26) << 16;
    wav.bits = u16(34);
    for (std::size_t at = 44; at + 1 < bytes.size(); at += 2) wav.samples.push_back(static_cast<std::int16_t>(u16(at)));
    return wav;
}

// The RMS of one channel of a stereo recording over [from, to) seconds.
double rms(const Wav& wav, int channel, double from, double to) {
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t frame = static_cast<std::size_t>(from * wav.rate);
         frame < static_cast<std::size_t>(to * wav.rate) && 2 * frame + 1 < wav.samples.size(); ++frame) {
        const double s = wav.samples[2 * frame + static_cast<std::size_t>(channel)];
        sum += s * s;
        ++n;
    }
    return n == 0 ? 0 : std::sqrt(sum / static_cast<double>(n));
}

class VoiceEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        account_ = "voice-" + unique();
        burstAccount_ = "voice-burst-" + unique();
        operator_ = "op-" + unique();
        chatAccount_ = "voice-chat-" + unique();
        authAccount_ = "voice-auth-" + unique();
        closedAccount_ = "voice-closed-" + unique();
        DaemonOptions options;
        options.instance = "voice-" + unique();
        options.channelsYaml =
            "  - type: voice\n"
            "    id: " + account_ + "\n"
            "    settings:\n"
            "      listen: 127.0.0.1:15062\n"
            "      rtp_ports: {min: 16000, max: 16049}\n"
            "      allow: [127.0.0.1]\n"
            "      max_concurrent_calls: 4\n"
            "      rtp_timeout_seconds: 10\n"
            "      trunk: sip:{number}@127.0.0.1:15072\n"
            "      operators:\n"
            "        " + operator_ + ": sip:" + operator_ + "@127.0.0.1:15070\n"
            "  - type: voice\n"
            "    id: " + burstAccount_ + "\n"
            "    settings:\n"
            "      listen: 127.0.0.1:15064\n"
            "      rtp_ports: {min: 16050, max: 16099}\n"
            "      allow: [127.0.0.0/8]\n"
            "      max_concurrent_calls: 2\n"
            "      retry_after_seconds: 7\n"
            "  - type: voice\n"
            "    id: " + authAccount_ + "\n"
            "    settings:\n"
            "      listen: 127.0.0.1:15068\n"
            "      rtp_ports: {min: 16100, max: 16149}\n"
            "      max_concurrent_calls: 2\n"
            "      auth: {realm: omnigate-test, username: trunk, password: trunk-password-1}\n"
            "      rtp_timeout_seconds: 2\n"
            "  - type: voice\n"
            "    id: " + closedAccount_ + "\n"
            "    settings:\n"
            "      listen: 127.0.0.1:15069\n"
            "      rtp_ports: {min: 16150, max: 16199}\n"
            "      max_concurrent_calls: 2\n"
            "      allow: [192.0.2.0/24]\n"
            "      allow_unauthenticated: true\n"
            "  - type: webchat\n"
            "    id: " + chatAccount_ + "\n"
            "    settings:\n"
            "      token_secret: voice-e2e-webchat-secret-0123\n";
        daemon_ = new DaemonProcess(options);
        ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();

        // A queue only this suite's voice account feeds, served by one operator with room for one call.
        queue_ = "q-voice-" + unique();
        HttpResult r = admin("POST", "/api/v1/queues", R"({"id":")" + queue_ + R"(","name":"Voice )" + queue_ + R"("})");
        ASSERT_EQ(r.status, 201) << r.body;
        group_ = "g-" + queue_;
        r = admin("POST", "/api/v1/operator-groups",
                  R"({"id":")" + group_ + R"(","name":"Group )" + queue_ + R"(","queues":[")" + queue_ + R"("]})");
        ASSERT_EQ(r.status, 201) << r.body;
        r = admin("POST", "/api/v1/routing-rules",
                  R"({"name":"voice )" + account_ + R"(","conditions":{"accounts":[")" + account_ +
                      R"("]},"actions":{"queue":")" + queue_ + R"(","priority":50}})");
        ASSERT_EQ(r.status, 201) << r.body;
        rule_ = r.json()->getValue<std::int64_t>("id");
        r = admin("POST", "/api/v1/operators",
                  R"({"id":")" + operator_ + R"(","name":"Operator )" + operator_ + R"(","capacities":{"voice":1},"groups":[")" +
                      group_ + R"("]})");
        ASSERT_EQ(r.status, 201) << r.body;
    }
    static void TearDownTestSuite() {
        if (daemon_ != nullptr) {
            admin("DELETE", "/api/v1/routing-rules/" + std::to_string(rule_));
            admin("DELETE", "/api/v1/operator-groups/" + group_);
        }
        delete daemon_;
        daemon_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::cerr << "---- omnigate log ----\n" << daemon_->log() << "\n";
    }

    static HttpResult admin(const std::string& method, const std::string& path, const std::string& body = "",
                            const std::map<std::string, std::string>& extra = {}) {
        std::map<std::string, std::string> headers{{"Authorization", "Bearer " + daemon_->adminToken()}};
        if (!body.empty()) headers["Content-Type"] = "application/json";
        for (const auto& [k, v] : extra) headers[k] = v;
        return daemon_->http().request(method, path, body, headers);
    }

    Poco::JSON::Object::Ptr interaction(std::int64_t id) {
        const HttpResult r = admin("GET", "/api/v1/interactions/" + std::to_string(id));
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? r.json()->getObject("interaction") : nullptr;
    }

    // The newest interaction whose client has `number`, waiting up to `timeout` for it to appear.
    std::int64_t interactionOf(const std::string& account, const std::string& number,
                               std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            const std::int64_t id = db_.scalar(
                "SELECT COALESCE(MAX(id), 0) FROM interactions WHERE account = '" + account +
                "' AND address_kind = 'phone' AND address_value = '" + number + "'");
            if (id != 0) return id;
            std::this_thread::sleep_for(50ms);
        }
        return 0;
    }

    std::string waitForStatus(std::int64_t id, const std::string& status, std::chrono::milliseconds timeout = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::string current;
        while (std::chrono::steady_clock::now() < deadline) {
            current = db_.text("SELECT status FROM interactions WHERE id = " + std::to_string(id));
            if (current == status) return current;
            std::this_thread::sleep_for(50ms);
        }
        return current;
    }

    std::vector<std::string> history(std::int64_t id) {
        std::vector<std::string> statuses;
        for (const auto& row : db_.rows("SELECT to_status FROM interaction_status_history WHERE interaction_id = " +
                                        std::to_string(id) + " ORDER BY id")) {
            statuses.push_back(row[0]);
        }
        return statuses;
    }

    std::vector<std::string> caller(const std::string& scenarioFile, const std::string& number, const std::string& dialled,
                                    int localPort, int mediaPort, int pauseMs, int remotePort = 15062) {
        return {"-sf", scenario(scenarioFile), "-i", "127.0.0.1", "-p", std::to_string(localPort), "-mi", "127.0.0.1",
                "-mp", std::to_string(mediaPort), "-s", dialled, "-key", "caller", number, "-d", std::to_string(pauseMs),
                "-m", "1", "127.0.0.1:" + std::to_string(remotePort)};
    }

    static DaemonProcess* daemon_;
    static std::string account_;
    static std::string burstAccount_;
    static std::string operator_;
    static std::string chatAccount_;
    static std::string authAccount_;
    static std::string closedAccount_;
    static std::string queue_;
    static std::string group_;
    static std::int64_t rule_;
    DbProbe db_;
};

DaemonProcess* VoiceEndToEnd::daemon_ = nullptr;
std::string VoiceEndToEnd::account_;
std::string VoiceEndToEnd::burstAccount_;
std::string VoiceEndToEnd::operator_;
std::string VoiceEndToEnd::chatAccount_;
std::string VoiceEndToEnd::authAccount_;
std::string VoiceEndToEnd::closedAccount_;
std::string VoiceEndToEnd::queue_;
std::string VoiceEndToEnd::group_;
std::int64_t VoiceEndToEnd::rule_ = 0;

TEST_F(VoiceEndToEnd, ACallIsQueuedOfferedBridgedToTheOperatorsPhoneRecordedAndAttached) {
    MqttProbe events("omnigate/v1/interactions/+/events");
    ASSERT_EQ(admin("PUT", "/api/v1/operators/" + operator_ + "/status", R"({"status":"ready"})").status, 200);
    Sipp phone({"-sf", scenario("voice_operator_phone.xml"), "-i", "127.0.0.1", "-p", "15070", "-mi", "127.0.0.1",
                "-mp", "16700", "-m", "1"});
    const std::string number = uniqueNumber();
    Sipp call(caller("voice_caller_talks.xml", number, "8005550100", 15061, 16500, 9000));

    const std::int64_t id = interactionOf(account_, number);
    ASSERT_NE(id, 0) << call.output();
    ASSERT_EQ(waitForStatus(id, "offered"), "offered");
    const HttpResult accepted = admin("POST", "/api/v1/interactions/" + std::to_string(id) + "/accept",
                                      R"({"operator_id":")" + operator_ + R"("})");
    ASSERT_EQ(accepted.status, 200) << accepted.body;

    EXPECT_EQ(call.wait(30s), 0) << call.output();
    EXPECT_EQ(phone.wait(10s), 0) << phone.output();

    // The interaction: a voice call from the caller's number to the dialled one, queued, offered, assigned, and left
    // with the operator (who closes it with a resolution after the call).
    const auto i = interaction(id);
    ASSERT_TRUE(i);
    EXPECT_EQ(i->getValue<std::string>("channel"), "voice");
    EXPECT_EQ(i->getObject("address")->getValue<std::string>("value"), number);
    EXPECT_EQ(i->getValue<std::string>("subject"), "Call to 8005550100");
    EXPECT_EQ(i->getValue<std::string>("queue"), queue_);
    EXPECT_EQ(i->getValue<std::string>("status"), "assigned");
    const auto statuses = history(id);
    const auto queued = std::find(statuses.begin(), statuses.end(), "queued");
    const auto offered = std::find(queued, statuses.end(), "offered");
    EXPECT_NE(std::find(offered, statuses.end(), "assigned"), statuses.end()) << ::testing::PrintToString(statuses);

    // The hangup data: a system message with the times, the side and the cause, and the recording attached.
    std::string summary;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (summary.empty() && std::chrono::steady_clock::now() < deadline) {
        summary = db_.text("SELECT COALESCE(MAX(body), '') FROM messages WHERE interaction_id = " + std::to_string(id) +
                           " AND author = 'system' AND body LIKE 'Call from%'");
        if (summary.empty()) std::this_thread::sleep_for(100ms);
    }
    EXPECT_NE(summary.find("Call from " + number + " to 8005550100"), std::string::npos) << summary;
    EXPECT_NE(summary.find("with " + operator_), std::string::npos) << summary;
    EXPECT_NE(summary.find("hung up by the caller (bye)"), std::string::npos) << summary;
    EXPECT_NE(summary.find("SIP Call-ID"), std::string::npos) << summary;

    const auto ended = events.waitFor(
        [&](const ReceivedMessage& m) {
            return m.topic == "omnigate/v1/interactions/" + std::to_string(id) + "/events" &&
                   m.payload.find("\"voice.call_ended\"") != std::string::npos;
        },
        1, 5s);
    ASSERT_EQ(ended.size(), 1u);
    const auto data = Poco::JSON::Parser().parse(ended[0].payload).extract<Poco::JSON::Object::Ptr>()->getObject("data");
    EXPECT_EQ(data->getValue<std::string>("hangup_side"), "caller");
    EXPECT_EQ(data->getValue<std::string>("hangup_cause"), "bye");
    EXPECT_EQ(data->getValue<std::string>("operator"), operator_);
    EXPECT_EQ(data->getValue<std::string>("dialled"), "8005550100");
    EXPECT_FALSE(data->isNull("answered_at"));
    EXPECT_FALSE(data->isNull("connected_at"));
    EXPECT_GE(data->getValue<int>("talked_seconds"), 3);

    // The recording: listed for the interaction, a stereo 8 kHz 16-bit WAV about as long as the call, the caller on
    // the left, what they heard (announcement, then the operator) on the right.
    const HttpResult list = admin("GET", "/api/v1/interactions/" + std::to_string(id) + "/recordings");
    ASSERT_EQ(list.status, 200) << list.body;
    const auto items = list.json()->getArray("items");
    ASSERT_EQ(items->size(), 1u) << list.body;
    const std::string fileId = items->getObject(0)->getValue<std::string>("file_id");
    const HttpResult wavFile = admin("GET", "/api/v1/recordings/" + fileId);
    ASSERT_EQ(wavFile.status, 200);
    EXPECT_EQ(wavFile.headers.at("Content-Type"), "audio/wav");
    EXPECT_EQ(wavFile.headers.at("Accept-Ranges"), "bytes");
    const Wav wav = parseWav(wavFile.body);
    EXPECT_EQ(wav.channels, 2);
    EXPECT_EQ(wav.rate, 8000);
    EXPECT_EQ(wav.bits, 16);
    EXPECT_GT(wav.seconds(), 7.0);
    EXPECT_LT(wav.seconds(), 14.0);
    EXPECT_GT(rms(wav, 0, 0, wav.seconds()), 50) << "the caller's audio is missing";
    EXPECT_GT(rms(wav, 1, 0, 1.0), 50) << "the announcement is missing";
    EXPECT_GT(rms(wav, 1, wav.seconds() - 3, wav.seconds() - 1), 50) << "the operator's audio is missing";

    // A browser player seeking: 206 with exactly the bytes asked for; 416 past the end.
    const HttpResult part = admin("GET", "/api/v1/recordings/" + fileId, "", {{"Range", "bytes=100-199"}});
    EXPECT_EQ(part.status, 206);
    EXPECT_EQ(part.body, wavFile.body.substr(100, 100));
    EXPECT_EQ(part.headers.at("Content-Range"), "bytes 100-199/" + std::to_string(wavFile.body.size()));
    const HttpResult beyond =
        admin("GET", "/api/v1/recordings/" + fileId, "", {{"Range", "bytes=" + std::to_string(wavFile.body.size()) + "-"}});
    EXPECT_EQ(beyond.status, 416);
    EXPECT_EQ(beyond.headers.at("Content-Range"), "bytes */" + std::to_string(wavFile.body.size()));
    EXPECT_EQ(daemon_->http().get("/api/v1/recordings/" + fileId).status, 401);

    // Its name in both forms (RFC 6266): the quoted ASCII one and the exact one ("call-<id>-<time>.wav").
    std::string encoded = items->getObject(0)->getValue<std::string>("name");
    const std::string name = encoded;
    for (std::size_t at = encoded.find(':'); at != std::string::npos; at = encoded.find(':', at)) {
        encoded.replace(at, 1, "%3A");
    }
    EXPECT_EQ(wavFile.headers.at("Content-Disposition"),
              "inline; filename=\"" + name + "\"; filename*=UTF-8''" + encoded);
    // A CRM token that reads interactions sees the recording's id in the history, but the file store asks the
    // recordings' own right of it (interactions:supervise, never granted to a token), as GET /api/v1/recordings/
    // {fileId} does.
    const HttpResult crm =
        admin("POST", "/api/v1/api-tokens", R"({"name":"voice-crm-)" + unique() + R"(","scopes":["interactions:read"]})");
    ASSERT_EQ(crm.status, 201) << crm.body;
    const std::map<std::string, std::string> asCrm{{"Authorization", "Bearer " + crm.json()->getValue<std::string>("token")}};
    const HttpResult history =
        daemon_->http().request("GET", "/api/v1/interactions/" + std::to_string(id) + "/messages", "", asCrm);
    ASSERT_EQ(history.status, 200) << history.body;
    EXPECT_NE(history.body.find(fileId), std::string::npos) << history.body;
    EXPECT_EQ(daemon_->http().request("GET", "/api/v1/files/" + fileId, "", asCrm).status, 403);
    EXPECT_EQ(daemon_->http().request("GET", "/api/v1/recordings/" + fileId, "", asCrm).status, 403);
    EXPECT_EQ(admin("GET", "/api/v1/files/" + fileId).status, 200);

    // The operator wraps up; their place frees for the next test. A phone line cannot carry a rating request:
    // none is stored and the caller is not marked as asked.
    const HttpResult closed = admin("POST", "/api/v1/interactions/" + std::to_string(id) + "/status",
                                    R"({"status":"closed","resolution":"answered"})",
                                    {{"X-Omnigate-Actor", "operator:" + operator_}});
    ASSERT_EQ(closed.status, 200) << closed.body;
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM messages WHERE interaction_id = " + std::to_string(id) +
                         " AND direction = 'out'"),
              0);
    EXPECT_EQ(db_.scalar("SELECT rating_requested_at IS NULL FROM interactions WHERE id = " + std::to_string(id)), 1);
}

TEST_F(VoiceEndToEnd, ACallerWhoHangsUpInTheQueueMakesTheInteractionAbandonedWithTheTimeWaited) {
    // Nobody serves the queue: the operator is away.
    admin("PUT", "/api/v1/operators/" + operator_ + "/status", R"({"status":"offline"})");
    const std::string number = uniqueNumber();
    Sipp call(caller("voice_caller_abandons.xml", number, "8005550111", 15063, 16600, 3000));
    const std::int64_t id = interactionOf(account_, number);
    ASSERT_NE(id, 0) << call.output();
    EXPECT_EQ(call.wait(20s), 0) << call.output();

    EXPECT_EQ(waitForStatus(id, "closed"), "closed");
    const auto i = interaction(id);
    ASSERT_TRUE(i);
    EXPECT_EQ(i->getValue<std::string>("resolution"), "abandoned");
    const std::string reason = db_.text("SELECT reason FROM interaction_status_history WHERE interaction_id = " +
                                        std::to_string(id) + " AND to_status = 'closed'");
    EXPECT_TRUE(reason == "caller hung up after 3 s in queue" || reason == "caller hung up after 4 s in queue") << reason;
    const auto statuses = history(id);
    EXPECT_NE(std::find(statuses.begin(), statuses.end(), "queued"), statuses.end());
    // The few seconds of announcement are recorded and attached too.
    const HttpResult list = admin("GET", "/api/v1/interactions/" + std::to_string(id) + "/recordings");
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.json()->getArray("items")->size(), 1u) << list.body;
}

TEST_F(VoiceEndToEnd, ABusyOperatorPhoneLeavesTheCallerOnHoldWithANoteAndTheCallerMayStillGiveUp) {
    ASSERT_EQ(admin("PUT", "/api/v1/operators/" + operator_ + "/status", R"({"status":"ready"})").status, 200);
    Sipp phone({"-sf", scenario("voice_operator_busy.xml"), "-i", "127.0.0.1", "-p", "15070", "-m", "1"});
    const std::string number = uniqueNumber();
    Sipp call(caller("voice_caller_abandons.xml", number, "8005550188", 15063, 16600, 4000));
    const std::int64_t id = interactionOf(account_, number);
    ASSERT_NE(id, 0) << call.output();
    ASSERT_EQ(waitForStatus(id, "offered"), "offered");
    ASSERT_EQ(admin("POST", "/api/v1/interactions/" + std::to_string(id) + "/accept",
                    R"({"operator_id":")" + operator_ + R"("})").status, 200);
    EXPECT_EQ(phone.wait(10s), 0) << phone.output();
    // The caller is still on the line (hold audio) and the operator reads why the phone did not ring through.
    std::string note;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (note.empty() && std::chrono::steady_clock::now() < deadline) {
        note = db_.text("SELECT COALESCE(MAX(body), '') FROM messages WHERE interaction_id = " + std::to_string(id) +
                        " AND author = 'system' AND body LIKE 'The call could not reach the operator%'");
        if (note.empty()) std::this_thread::sleep_for(100ms);
    }
    EXPECT_NE(note.find("operator " + operator_ + " did not answer (486 Busy Here)"), std::string::npos) << note;
    EXPECT_EQ(db_.text("SELECT status FROM interactions WHERE id = " + std::to_string(id)), "assigned");

    EXPECT_EQ(call.wait(20s), 0) << call.output();  // the caller hangs up after 4 s, never connected: abandoned
    EXPECT_EQ(waitForStatus(id, "closed"), "closed");
    EXPECT_EQ(interaction(id)->getValue<std::string>("resolution"), "abandoned");
}

TEST_F(VoiceEndToEnd, AnOperatorSignedInAtAWorkplaceIsRungOnItsDeskPhone) {
    // The desk on 15071 answers busy; the account's own address for the operator (15070) has nobody listening, so
    // the busy note proves which phone rang.
    const std::string desk = "desk-" + unique();
    ASSERT_EQ(admin("POST", "/api/v1/workplaces",
                    R"({"id":")" + desk + R"(","name":"Desk","sip_uri":"sip:desk@127.0.0.1:15071"})").status,
              201);
    const std::string login = "voice-" + unique();
    const HttpResult user = admin("POST", "/api/v1/users", R"({"login":")" + login + R"(","roles":["operator"],)" +
                                                               R"("operator_id":")" + operator_ +
                                                               R"(","password":"voice-operator-password"})");
    ASSERT_EQ(user.status, 201) << user.body;
    const HttpResult in = daemon_->http().postJson(
        "/api/v1/auth/login",
        R"({"login":")" + login + R"(","password":"voice-operator-password","workplace":")" + desk + R"("})");
    ASSERT_EQ(in.status, 200) << in.body;
    ASSERT_EQ(admin("PUT", "/api/v1/operators/" + operator_ + "/status", R"({"status":"ready"})").status, 200);
    Sipp phone({"-sf", scenario("voice_operator_busy.xml"), "-i", "127.0.0.1", "-p", "15071", "-m", "1"});
    const std::string number = uniqueNumber();
    Sipp call(caller("voice_caller_abandons.xml", number, "8005550177", 15063, 16600, 4000));
    const std::int64_t id = interactionOf(account_, number);
    ASSERT_NE(id, 0) << call.output();
    ASSERT_EQ(waitForStatus(id, "offered"), "offered");
    ASSERT_EQ(admin("POST", "/api/v1/interactions/" + std::to_string(id) + "/accept",
                    R"({"operator_id":")" + operator_ + R"("})").status, 200);
    EXPECT_EQ(phone.wait(10s), 0) << phone.output() << daemon_->log();
    std::string note;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (note.empty() && std::chrono::steady_clock::now() < deadline) {
        note = db_.text("SELECT COALESCE(MAX(body), '') FROM messages WHERE interaction_id = " + std::to_string(id) +
                        " AND author = 'system' AND body LIKE 'The call could not reach the operator%'");
        if (note.empty()) std::this_thread::sleep_for(100ms);
    }
    EXPECT_NE(note.find("(486 Busy Here)"), std::string::npos) << note;
    EXPECT_EQ(call.wait(20s), 0) << call.output();
    // Signed out, the desk is free: the operator is no longer at it.
    const std::string access = in.json()->getValue<std::string>("access_token");
    ASSERT_EQ(daemon_->http().request("POST", "/api/v1/auth/logout", "", {{"Authorization", "Bearer " + access}}).status,
              204);
    EXPECT_EQ(db_.text("SELECT workplace FROM operators WHERE id = '" + operator_ + "'"), "");
}

TEST_F(VoiceEndToEnd, AnOfferWithoutG711IsRefusedWith488AndStoresNothing) {
    const std::string number = uniqueNumber();
    Sipp call(caller("voice_unsupported_codec.xml", number, "8005550122", 15065, 16650, 0));
    EXPECT_EQ(call.wait(15s), 0) << call.output();  // the scenario fails on anything but 488
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM client_addresses WHERE kind = 'phone' AND value = '" + number + "'"), 0);
    // The refused INVITE's handle is freed once its transaction is over (the ACK came): nothing leaks per refusal.
    std::string metrics;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
        metrics = daemon_->http().get("/metrics").body;
        if (metrics.find("omnigate_voice_sip_handles 0\n") != std::string::npos) break;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_NE(metrics.find("omnigate_voice_sip_handles 0\n"), std::string::npos) << metrics.substr(0, 4000);
}

TEST_F(VoiceEndToEnd, ABurstOverTheCallLimitGets503WithRetryAfterAndTheRestAreAnswered) {
    const std::string log = "/tmp/omnigate-voice-burst-" + unique() + ".log";
    const std::string number = uniqueNumber();
    Sipp burst({"-sf", scenario("voice_burst.xml"), "-i", "127.0.0.1", "-p", "15066", "-mi", "127.0.0.1", "-mp",
                "16750", "-s", "8005550133", "-key", "caller", number, "-d", "2500", "-m", "5", "-l", "5", "-r", "50",
                "-trace_logs", "-log_file", log, "127.0.0.1:15064"});
    EXPECT_EQ(burst.wait(30s), 0) << burst.output() << readFile(log);
    const std::string outcomes = readFile(log);
    std::size_t answered = 0;
    std::size_t refused = 0;
    for (std::size_t at = outcomes.find("answered"); at != std::string::npos; at = outcomes.find("answered", at + 1)) ++answered;
    for (std::size_t at = outcomes.find("refused retry-after=7"); at != std::string::npos;
         at = outcomes.find("refused retry-after=7", at + 1)) {
        ++refused;
    }
    EXPECT_EQ(answered, 2u) << outcomes;
    EXPECT_EQ(refused, 3u) << outcomes;
    std::remove(log.c_str());
    // The answered ones hung up without an operator: nothing stays open.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::int64_t open = -1;
    while (open != 0 && std::chrono::steady_clock::now() < deadline) {
        open = db_.scalar("SELECT COUNT(*) FROM interactions WHERE account = '" + burstAccount_ + "' AND status <> 'closed'");
        if (open != 0) std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(open, 0);
}

// SIPp computes its digest answer for sip:<remote ip>:<port> unless told the Request-URI (sip:[service]@…), which
// a real trunk uses and omnigate requires.
constexpr const char* kAuthUri = "8005550144@127.0.0.1:15068";

TEST_F(VoiceEndToEnd, DigestCredentialsAreDemandedAndACallWithoutAudioIsEndedByTheSilenceTimeout) {
    const std::string number = uniqueNumber();
    auto args = caller("voice_digest_then_silence.xml", number, "8005550144", 15074, 16760, 0, 15068);
    args.insert(args.end() - 1, {"-au", "trunk", "-ap", "trunk-password-1", "-auth_uri", kAuthUri});
    Sipp call(args);
    EXPECT_EQ(call.wait(20s), 0) << call.output();  // 401, then answered, then our BYE after 2 s of silence
    const std::int64_t id = interactionOf(authAccount_, number, 2s);
    ASSERT_NE(id, 0);
    EXPECT_EQ(waitForStatus(id, "closed"), "closed");
    const std::string reason = db_.text("SELECT reason FROM interaction_status_history WHERE interaction_id = " +
                                        std::to_string(id) + " AND to_status = 'closed'");
    EXPECT_EQ(reason.rfind("the call ended (rtp_timeout) after", 0), 0u) << reason;

    // Wrong credentials: 401 again, with a fresh challenge that does not call the nonce stale, never answered,
    // nothing stored. The scenario fails on any other answer.
    const std::string stranger = uniqueNumber();
    auto wrong = caller("voice_digest_refused.xml", stranger, "8005550144", 15074, 16760, 0, 15068);
    wrong.insert(wrong.end() - 1, {"-au", "trunk", "-ap", "not-the-password", "-auth_uri", kAuthUri});
    Sipp refused(wrong);
    EXPECT_EQ(refused.wait(15s), 0) << refused.output();
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interactions WHERE address_value = '" + stranger + "'"), 0);
}

TEST_F(VoiceEndToEnd, ADigestAnswerForAnotherRequestUriIsRefused) {
    // The right password, but the answer was computed for sip:8005550199@…, not the Request-URI it came with.
    const std::string number = uniqueNumber();
    auto args = caller("voice_digest_refused.xml", number, "8005550144", 15074, 16760, 0, 15068);
    args.insert(args.end() - 1, {"-au", "trunk", "-ap", "trunk-password-1", "-auth_uri", "8005550199@127.0.0.1:15068"});
    Sipp call(args);
    EXPECT_EQ(call.wait(15s), 0) << call.output();
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interactions WHERE address_value = '" + number + "'"), 0);
}

TEST_F(VoiceEndToEnd, ADigestAnswerSentAgainIsStale) {
    // A call with credentials, answered and hung up at once.
    const std::string number = uniqueNumber();
    auto args = caller("voice_digest_hangup.xml", number, "8005550144", 15074, 16760, 0, 15068);
    args.insert(args.end() - 1, {"-au", "trunk", "-ap", "trunk-password-1", "-auth_uri", kAuthUri});
    Sipp call(args);
    ASSERT_EQ(call.wait(20s), 0) << call.output();
    const std::int64_t id = interactionOf(authAccount_, number, 5s);
    ASSERT_NE(id, 0);

    // Its Authorization header, word for word, in a new INVITE: what someone who captured it would send.
    const std::string sent = call.output();
    const std::size_t at = sent.rfind("Authorization: Digest ");
    ASSERT_NE(at, std::string::npos) << sent;
    const std::size_t from = at + std::string("Authorization: ").size();
    const std::string header = sent.substr(from, sent.find_first_of("\r\n", from) - from);
    const std::string injection = "/tmp/omnigate-sipp-" + unique() + ".csv";
    {
        std::ofstream out(injection);
        out << "SEQUENTIAL\n" << header << ";\n";
    }
    const std::string replayer = uniqueNumber();
    auto replay = caller("voice_digest_replayed.xml", replayer, "8005550144", 15074, 16760, 0, 15068);
    replay.insert(replay.end() - 1, {"-inf", injection});
    Sipp replayed(replay);
    const int exit = replayed.wait(15s);
    std::remove(injection.c_str());
    EXPECT_EQ(exit, 0) << "expected 401 with stale=true for " << header << "\n" << replayed.output();
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interactions WHERE address_value = '" + replayer + "'"), 0);
}

TEST_F(VoiceEndToEnd, APeerOffTheAllowListGets403) {
    const std::string number = uniqueNumber();
    Sipp call(caller("voice_forbidden.xml", number, "8005550155", 15076, 16770, 0, 15069));
    EXPECT_EQ(call.wait(15s), 0) << call.output();
    EXPECT_EQ(db_.scalar("SELECT COUNT(*) FROM interactions WHERE address_value = '" + number + "'"), 0);
}

TEST_F(VoiceEndToEnd, AReInviteWithNewSdpIsAnsweredAndOneWithoutG711IsRefusedWithoutDroppingTheCall) {
    const std::string number = uniqueNumber();
    Sipp call(caller("voice_reinvite.xml", number, "8005550166", 15078, 16780, 0, 15064));
    EXPECT_EQ(call.wait(20s), 0) << call.output();
    const std::int64_t id = interactionOf(burstAccount_, number, 2s);
    ASSERT_NE(id, 0);
    EXPECT_EQ(waitForStatus(id, "closed"), "closed");  // the caller's BYE ended it, abandoned
}

TEST_F(VoiceEndToEnd, ALateOfferIsAnsweredWithOurOfferAndTheAckCarriesTheCallersAnswer) {
    const std::string number = uniqueNumber();
    Sipp call(caller("voice_late_offer.xml", number, "8005550211", 15078, 16780, 2000, 15064));
    EXPECT_EQ(call.wait(20s), 0) << call.output();  // our 200 OK offered "RTP/AVP 8 0"
    const std::int64_t id = interactionOf(burstAccount_, number, 2s);
    ASSERT_NE(id, 0);
    EXPECT_EQ(waitForStatus(id, "closed"), "closed");
    // The caller's audio reached us on the address their ACK named.
    const HttpResult list = admin("GET", "/api/v1/interactions/" + std::to_string(id) + "/recordings");
    ASSERT_EQ(list.status, 200);
    ASSERT_EQ(list.json()->getArray("items")->size(), 1u) << list.body;
    const Wav wav = parseWav(admin("GET", "/api/v1/recordings/" +
                                              list.json()->getArray("items")->getObject(0)->getValue<std::string>("file_id"))
                                 .body);
    EXPECT_GT(rms(wav, 0, 0, wav.seconds()), 50) << "the caller's audio is missing";
}

// A raw UDP socket speaking to the SIP port: what no well-behaved peer sends.
class RawSip {
public:
    RawSip() {
        fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
        socklen_t n = sizeof local;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &n);
        port_ = ntohs(local.sin_port);
        timeval timeout{0, 200000};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    ~RawSip() { ::close(fd_); }
    int port() const { return port_; }
    void send(int to, const std::string& datagram) const {
        sockaddr_in dest{};
        dest.sin_family = AF_INET;
        dest.sin_port = htons(static_cast<std::uint16_t>(to));
        dest.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&dest), sizeof dest);
    }
    // The final status line of each Call-ID answered until `quiet` passes without a datagram (retransmissions of
    // a response we never ACK count once).
    std::map<std::string, std::string> finalAnswers(std::chrono::milliseconds quiet = 1500ms) const {
        std::map<std::string, std::string> answers;
        auto last = std::chrono::steady_clock::now();
        char buffer[4096];
        while (std::chrono::steady_clock::now() - last < quiet) {
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) continue;
            last = std::chrono::steady_clock::now();
            const std::string text(buffer, static_cast<std::size_t>(n));
            const std::string status = text.substr(0, text.find("\r\n"));
            const std::size_t at = text.find("\r\nCall-ID: ");
            if (at == std::string::npos || status.rfind("SIP/2.0 1", 0) == 0) continue;
            const std::size_t from = at + 11;
            answers[text.substr(from, text.find("\r\n", from) - from)] = status;
        }
        return answers;
    }
    std::string request(const std::string& method, const std::string& callId, int to, const std::string& body = "",
                        const std::string& extra = "") const {
        return method + " sip:800@127.0.0.1:" + std::to_string(to) + " SIP/2.0\r\n" +
               "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(port_) + ";branch=z9hG4bK-" + callId + "\r\n" +
               "From: <sip:raw@127.0.0.1>;tag=raw1\r\nTo: <sip:800@127.0.0.1>" + extra + "\r\n" +
               "Call-ID: " + callId + "\r\nCSeq: 1 " + method + "\r\nMax-Forwards: 70\r\n" +
               (body.empty() ? "" : "Content-Type: application/sdp\r\n") +
               "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }

private:
    int fd_ = -1;
    int port_ = 0;
};

TEST_F(VoiceEndToEnd, MalformedSipUnknownDialogsAndAFloodAreAnsweredByTheRulesAndTheDaemonCarriesOn) {
    RawSip raw;
    raw.send(15064, "this is not SIP at all\r\n\r\n");
    raw.send(15064, std::string("\x00\xff\x13\x37", 4));
    raw.send(15064, "INVITE sip:800@127.0.0.1:15064 SIP/2.0\r\nContent-Length: 99999\r\n\r\nv=0");
    const std::string stray = "unknown-" + unique();
    raw.send(15064, raw.request("BYE", stray, 15064, "", ";tag=nobody"));
    const std::string ping = "options-" + unique();  // a trunk's keep-alive
    raw.send(15064, raw.request("OPTIONS", ping, 15064));
    auto answers = raw.finalAnswers(1000ms);
    EXPECT_EQ(answers[stray], "SIP/2.0 481 Call Does Not Exist") << ::testing::PrintToString(answers);
    EXPECT_EQ(answers[ping], "SIP/2.0 200 OK") << ::testing::PrintToString(answers);

    // 40 INVITEs at once from one address, none with a G.711 offer: the first 20 a second are judged (488), the rest
    // are refused before any work (503). Nothing is answered 200.
    const std::string g729 = "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5 RTP/AVP 18\r\n";
    for (int i = 0; i < 40; ++i) raw.send(15064, raw.request("INVITE", "flood-" + unique(), 15064, g729));
    answers = raw.finalAnswers();
    std::map<std::string, int> statuses;
    for (const auto& [callId, status] : answers) ++statuses[status.substr(0, 11)];
    EXPECT_EQ(answers.size(), 40u) << ::testing::PrintToString(answers);
    EXPECT_GE(statuses["SIP/2.0 488"], 20 - 1) << ::testing::PrintToString(statuses);  // a second may turn mid-burst
    EXPECT_GE(statuses["SIP/2.0 503"], 1) << ::testing::PrintToString(statuses);
    EXPECT_EQ(statuses["SIP/2.0 488"] + statuses["SIP/2.0 503"], 40) << ::testing::PrintToString(statuses);

    // The same over TCP: SIP is served on both transports.
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in dest{};
        dest.sin_family = AF_INET;
        dest.sin_port = htons(15064);
        dest.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&dest), sizeof dest), 0);
        std::string bye = raw.request("BYE", "tcp-" + unique(), 15064, "", ";tag=nobody");
        bye.replace(bye.find("SIP/2.0/UDP"), 11, "SIP/2.0/TCP");
        ::send(fd, bye.data(), bye.size(), 0);
        timeval timeout{3, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        char buffer[2048];
        std::string answer;
        while (answer.find("481") == std::string::npos) {
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            answer.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(fd);
        EXPECT_EQ(answer.rfind("SIP/2.0 481", 0), 0u) << answer;
    }

    // Still taking calls.
    EXPECT_EQ(daemon_->http().get("/healthz").status, 200);
    const std::string number = uniqueNumber();
    Sipp call(caller("voice_unsupported_codec.xml", number, "8005550177", 15065, 16650, 0, 15064));
    EXPECT_EQ(call.wait(15s), 0) << call.output();
}

TEST_F(VoiceEndToEnd, ClickToCallRingsTheOperatorThenTheClientBridgesRecordsAndAttaches) {
    // An open interaction on another channel: a web chat whose client now wants a call.
    const HttpResult session = daemon_->http().postJson("/api/v1/webchat/" + chatAccount_ + "/sessions", R"({"name":"Caller"})");
    ASSERT_EQ(session.status, 201) << session.body;
    const HttpResult message = daemon_->http().postJson("/api/v1/webchat/" + chatAccount_ + "/messages",
                                                        R"({"text":"please call me back"})",
                                                        session.json()->getValue<std::string>("token"));
    ASSERT_EQ(message.status, 201) << message.body;
    const std::int64_t id = message.json()->getValue<std::int64_t>("interaction_id");
    const std::string path = "/api/v1/interactions/" + std::to_string(id) + "/calls";

    // The bad requests first: nothing is dialled for them.
    EXPECT_EQ(daemon_->http().postJson(path, "{}").status, 401);
    EXPECT_EQ(admin("POST", "/api/v1/interactions/999999999/calls", "{}").status, 404);
    HttpResult r = admin("POST", path, "{}");
    EXPECT_EQ(r.status, 409) << r.body;  // no operator holds it yet, none named
    r = admin("POST", path, R"({"operator":")" + operator_ + R"(","number":"call me; maybe"})");
    EXPECT_EQ(r.status, 400) << r.body;
    r = admin("POST", path, R"({"operator":"nobody-has-this-id"})");
    EXPECT_EQ(r.status, 409) << r.body;
    r = admin("POST", path, R"({"operator":")" + operator_ + R"(","colour":"red"})");
    EXPECT_EQ(r.status, 400) << r.body;

    const std::string number = uniqueNumber();
    Sipp operatorPhone({"-sf", scenario("voice_operator_phone.xml"), "-i", "127.0.0.1", "-p", "15070", "-mi",
                        "127.0.0.1", "-mp", "16710", "-m", "1"});
    Sipp clientPhone({"-sf", scenario("voice_client_phone.xml"), "-i", "127.0.0.1", "-p", "15072", "-mi", "127.0.0.1",
                      "-mp", "16720", "-d", "3000", "-m", "1"});
    std::this_thread::sleep_for(200ms);  // both phones listening
    r = admin("POST", path, R"({"operator":")" + operator_ + R"(","number":")" + number + R"("})");
    ASSERT_EQ(r.status, 202) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("number"), number);
    EXPECT_EQ(r.json()->getValue<std::string>("account"), account_);
    EXPECT_EQ(clientPhone.wait(20s), 0) << clientPhone.output();
    EXPECT_EQ(operatorPhone.wait(10s), 0) << operatorPhone.output();

    std::string summary;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (summary.empty() && std::chrono::steady_clock::now() < deadline) {
        summary = db_.text("SELECT COALESCE(MAX(body), '') FROM messages WHERE interaction_id = " + std::to_string(id) +
                           " AND author = 'system' AND body LIKE 'Call to%'");
        if (summary.empty()) std::this_thread::sleep_for(100ms);
    }
    EXPECT_NE(summary.find("Call to " + number + " placed for " + operator_ + ": talked"), std::string::npos) << summary;
    EXPECT_NE(summary.find("hung up by the client (bye)"), std::string::npos) << summary;
    const HttpResult list = admin("GET", "/api/v1/interactions/" + std::to_string(id) + "/recordings");
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_EQ(list.json()->getArray("items")->size(), 1u) << list.body;
    const HttpResult wavFile =
        admin("GET", "/api/v1/recordings/" + list.json()->getArray("items")->getObject(0)->getValue<std::string>("file_id"));
    const Wav wav = parseWav(wavFile.body);
    EXPECT_EQ(wav.channels, 2);
    EXPECT_GT(wav.seconds(), 2.5);
    EXPECT_LT(wav.seconds(), 8.0);
    EXPECT_GT(rms(wav, 0, 0, wav.seconds()), 50) << "the client's audio is missing";
    EXPECT_GT(rms(wav, 1, 0, wav.seconds()), 50) << "the operator's audio is missing";
}

// Last in the file: it kills the daemon. A daemon that dies while a caller waits must not leave the caller's
// interaction open for ever: the next start finds the call noted in the plugin state and closes it as abandoned.
TEST_F(VoiceEndToEnd, ACallCutOffByADaemonCrashIsClosedAsAbandonedWhenTheDaemonStartsAgain) {
    admin("PUT", "/api/v1/operators/" + operator_ + "/status", R"({"status":"offline"})");
    const std::string number = uniqueNumber();
    Sipp call(caller("voice_caller_abandons.xml", number, "8005550199", 15063, 16600, 30000));
    const std::int64_t id = interactionOf(account_, number);
    ASSERT_NE(id, 0) << call.output();
    const std::string noted = "SELECT COUNT(*) FROM plugin_state WHERE plugin = 'voice' AND state_key LIKE 'call/%/127.0.0.1:15062/" +
                              std::to_string(id) + "'";
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (db_.scalar(noted) == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
    ASSERT_EQ(db_.scalar(noted), 1) << "the answered call is noted durably";

    daemon_->kill9();
    EXPECT_NE(db_.text("SELECT status FROM interactions WHERE id = " + std::to_string(id)), "closed");
    daemon_->restart();
    ASSERT_TRUE(daemon_->waitReady()) << daemon_->log();
    EXPECT_EQ(waitForStatus(id, "closed"), "closed");
    EXPECT_EQ(interaction(id)->getValue<std::string>("resolution"), "abandoned");
    EXPECT_EQ(db_.text("SELECT reason FROM interaction_status_history WHERE interaction_id = " + std::to_string(id) +
                       " AND to_status = 'closed'"),
              "the call was cut off: the daemon stopped while the caller waited");
    deadline = std::chrono::steady_clock::now() + 5s;
    while (db_.scalar(noted) != 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
    EXPECT_EQ(db_.scalar(noted), 0);
}

}  // namespace
}  // namespace omnigate::test
