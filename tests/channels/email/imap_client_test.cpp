// The IMAP client against a scripted server on a local socket: each test plays what a real or a hostile server may
// send (literals holding protocol-looking lines, untagged EXISTS and EXPUNGE in the middle of answers, BYE, NO and
// BAD, another UIDVALIDITY, a last line cut off by the connection's end, literals far beyond the limits) and checks
// that the client reads exactly what was meant, stays in step, or fails with an ImapError instead of hanging or
// holding the server's bytes in memory.
#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "imap_client.h"

namespace omnigate::email {
namespace {

using namespace std::chrono_literals;

// A command the client must send (matched on its start, after the tag) and the server's reply, in which $TAG
// stands for the command's tag.
struct Step {
    std::string expect;
    std::string reply;
};

// One connection, one script; what the client sent is kept for the test to look at.
class ScriptedImapServer {
public:
    explicit ScriptedImapServer(std::vector<Step> steps, std::string greeting = "* OK scripted IMAP ready\r\n",
                                std::string atEnd = "")
        : listener_(Poco::Net::SocketAddress("127.0.0.1", 0)),
          thread_([this, steps = std::move(steps), greeting = std::move(greeting), atEnd = std::move(atEnd)] {
              run(steps, greeting, atEnd);
          }) {}
    ~ScriptedImapServer() { thread_.join(); }

    ServerEndpoint endpoint() const {
        ServerEndpoint e;
        e.host = "127.0.0.1";
        e.port = listener_.address().port();
        e.tls = TlsMode::None;
        e.user = "user@example.test";
        e.password = "the-password";
        return e;
    }
    std::vector<std::string> received() {
        std::lock_guard<std::mutex> lock(mutex_);
        return received_;
    }
    std::vector<std::string> problems() {
        std::lock_guard<std::mutex> lock(mutex_);
        return problems_;
    }

private:
    void run(const std::vector<Step>& steps, const std::string& greeting, const std::string& atEnd) {
        if (!listener_.poll(Poco::Timespan(10, 0), Poco::Net::Socket::SELECT_READ)) {
            note("the client never connected");
            return;
        }
        Poco::Net::StreamSocket socket = listener_.acceptConnection();
        socket.setReceiveTimeout(Poco::Timespan(10, 0));
        sendAll(socket, greeting);
        std::string buffer;
        std::string tag;
        for (const Step& step : steps) {
            std::string line;
            if (!readLine(socket, buffer, line)) {
                note("the client closed before sending '" + step.expect + "'");
                return;
            }
            // DONE carries no tag: it ends the IDLE, whose tag the answer bears.
            const std::size_t space = line.find(' ');
            const bool done = step.expect == "DONE";
            if (!done && space != std::string::npos) tag = line.substr(0, space);
            const std::string command = done || space == std::string::npos ? line : line.substr(space + 1);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                received_.push_back(line);
            }
            if (command.compare(0, step.expect.size(), step.expect) != 0) {
                note("expected '" + step.expect + "', got '" + line + "'");
                return;
            }
            std::string reply = step.reply;
            for (std::size_t at = reply.find("$TAG"); at != std::string::npos; at = reply.find("$TAG", at)) {
                reply.replace(at, 4, tag);
            }
            sendAll(socket, reply);
        }
        sendAll(socket, atEnd);
        socket.shutdownSend();
        // Until the client hangs up (or gives up): a LOGOUT it sends on the way out gets no answer.
        char sink[4096];
        try {
            while (socket.receiveBytes(sink, sizeof sink) > 0) {
            }
        } catch (const Poco::Exception&) {
        }
    }
    static void sendAll(Poco::Net::StreamSocket& socket, const std::string& data) {
        std::size_t sent = 0;
        while (sent < data.size()) {
            const int n = socket.sendBytes(data.data() + sent, static_cast<int>(std::min<std::size_t>(data.size() - sent, 1 << 16)));
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
        }
    }
    static bool readLine(Poco::Net::StreamSocket& socket, std::string& buffer, std::string& line) {
        for (;;) {
            const std::size_t end = buffer.find("\r\n");
            if (end != std::string::npos) {
                line = buffer.substr(0, end);
                buffer.erase(0, end + 2);
                return true;
            }
            char chunk[4096];
            int n = 0;
            try {
                n = socket.receiveBytes(chunk, sizeof chunk);
            } catch (const Poco::Exception&) {
                return false;
            }
            if (n <= 0) return false;
            buffer.append(chunk, static_cast<std::size_t>(n));
        }
    }
    void note(const std::string& problem) {
        std::lock_guard<std::mutex> lock(mutex_);
        problems_.push_back(problem);
    }

    Poco::Net::ServerSocket listener_;
    std::mutex mutex_;
    std::vector<std::string> received_;
    std::vector<std::string> problems_;
    std::thread thread_;
};

// The greeting, CAPABILITY and LOGIN every test starts with.
std::vector<Step> loggedIn(std::vector<Step> more) {
    std::vector<Step> steps{{"CAPABILITY", "* CAPABILITY IMAP4rev1 IDLE\r\n$TAG OK done\r\n"},
                            {"LOGIN", "$TAG OK logged in\r\n"},
                            {"CAPABILITY", "* CAPABILITY IMAP4rev1 IDLE UIDPLUS\r\n$TAG OK done\r\n"}};
    steps.insert(steps.end(), more.begin(), more.end());
    return steps;
}

std::unique_ptr<ImapClient> connected(ScriptedImapServer& server) {
    auto client = std::make_unique<ImapClient>(server.endpoint(), false, std::chrono::seconds(5));
    client->connect();
    client->login();
    return client;
}

std::string imapError(const std::function<void()>& action) {
    try {
        action();
    } catch (const ImapError& e) {
        return e.what();
    }
    return "no ImapError";
}

TEST(ImapClient, ALiteralIsReadByItsCountEvenWhenItHoldsLinesThatLookLikeProtocol) {
    const std::string mail =
        "Subject: tricky\r\n\r\nog6 OK this line is mail, not the server\r\n* BYE neither is this\r\n{5}\r\n";
    ScriptedImapServer server(loggedIn({
        {"UID FETCH 7 (UID RFC822.SIZE)", "* 1 FETCH (UID 7 RFC822.SIZE " + std::to_string(mail.size()) + ")\r\n$TAG OK\r\n"},
        {"UID FETCH 7 (UID BODY.PEEK[])",
         "* 1 FETCH (UID 7 BODY[] {" + std::to_string(mail.size()) + "}\r\n" + mail + " FLAGS (\\Seen))\r\n$TAG OK\r\n"},
        {"NOOP", "$TAG OK still in step\r\n"},
    }));
    auto client = connected(server);
    const auto fetched = client->fetch(7, 1 << 20);
    ASSERT_TRUE(fetched);
    EXPECT_EQ(fetched->raw, mail);
    EXPECT_FALSE(fetched->headerOnly);
    EXPECT_NO_THROW(client->noop());
    client->logout();
    EXPECT_TRUE(server.problems().empty()) << server.problems().front();
}

TEST(ImapClient, UntaggedExistsAndExpungeInTheMiddleOfAnswersAreTakenInStride) {
    ScriptedImapServer server(loggedIn({
        {"SELECT \"INBOX\"",
         "* 4 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 3857529045] UIDs valid\r\n* OK [UIDNEXT 11] next\r\n"
         "$TAG OK [READ-WRITE] SELECT completed\r\n"},
        {"UID SEARCH UID 5:*", "* 3 EXPUNGE\r\n* SEARCH 9 4 7 9\r\n* 5 EXISTS\r\n$TAG OK SEARCH completed\r\n"},
        {"IDLE", "+ idling\r\n* 2 EXPUNGE\r\n* 6 EXISTS\r\n"},
        {"DONE", "* 1 EXPUNGE\r\n$TAG OK IDLE terminated\r\n"},
        {"IDLE", "+ idling\r\n* 2 EXPUNGE\r\n"},
        {"DONE", "$TAG OK IDLE terminated\r\n"},
    }));
    auto client = connected(server);
    const SelectedMailbox selected = client->select("INBOX");
    EXPECT_EQ(selected.uidValidity, 3857529045u);
    EXPECT_EQ(selected.uidNext, 11u);
    EXPECT_EQ(selected.exists, 4u);
    EXPECT_EQ(client->search("UID 5:*"), (std::vector<std::uint32_t>{4, 7, 9}));
    const std::atomic<bool> stop{false};
    EXPECT_TRUE(client->idle(std::chrono::seconds(5), stop)) << "EXISTS is new mail";
    EXPECT_FALSE(client->idle(std::chrono::seconds(1), stop)) << "an EXPUNGE alone is not";
    client->logout();
    EXPECT_TRUE(server.problems().empty()) << server.problems().front();
}

TEST(ImapClient, ByeInTheMiddleOfACommandIsAnError) {
    ScriptedImapServer server(loggedIn({{"UID SEARCH ALL", "* SEARCH 1 2\r\n* BYE Server shutting down\r\n"}}));
    auto client = connected(server);
    const std::string error = imapError([&] { client->search("ALL"); });
    EXPECT_NE(error.find("BYE Server shutting down"), std::string::npos) << error;
}

TEST(ImapClient, NoAndBadAreErrorsThatNeverEchoTheCommandsArguments) {
    ScriptedImapServer refused(std::vector<Step>{{"CAPABILITY", "* CAPABILITY IMAP4rev1\r\n$TAG OK done\r\n"},
                                                 {"LOGIN", "$TAG NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"}});
    ImapClient client(refused.endpoint(), false, std::chrono::seconds(5));
    client.connect();
    const std::string error = imapError([&] { client.login(); });
    EXPECT_NE(error.find("IMAP LOGIN failed: NO [AUTHENTICATIONFAILED]"), std::string::npos) << error;
    EXPECT_EQ(error.find("the-password"), std::string::npos) << "the password must not reach a log line: " << error;
    client.logout();

    ScriptedImapServer bad(loggedIn({{"SELECT", "$TAG BAD Unknown mailbox syntax\r\n"}}));
    auto second = connected(bad);
    EXPECT_NE(imapError([&] { second->select("No\"where"); }).find("IMAP SELECT failed: BAD"), std::string::npos);
}

TEST(ImapClient, EachSessionReportsItsOwnUidValidityAndNoneOrAnImpossibleOneIsAnError) {
    ScriptedImapServer first(loggedIn({{"SELECT", "* OK [UIDVALIDITY 100] x\r\n$TAG OK done\r\n"}}));
    EXPECT_EQ(connected(first)->select("INBOX").uidValidity, 100u);
    // The mailbox was recreated: the next session says so, and the worker re-reads the mailbox on that.
    ScriptedImapServer second(loggedIn({{"SELECT", "* OK [UIDVALIDITY 200] x\r\n$TAG OK done\r\n"}}));
    EXPECT_EQ(connected(second)->select("INBOX").uidValidity, 200u);

    ScriptedImapServer none(loggedIn({{"SELECT", "* 3 EXISTS\r\n$TAG OK done\r\n"}}));
    auto client = connected(none);
    EXPECT_NE(imapError([&] { client->select("INBOX"); }).find("no UIDVALIDITY"), std::string::npos);
    // 2^32 + 100 is no 32-bit UIDVALIDITY: cut to 100 it would pass for the first session's mailbox.
    ScriptedImapServer wide(loggedIn({{"SELECT", "* OK [UIDVALIDITY 4294967396] x\r\n$TAG OK done\r\n"}}));
    auto widened = connected(wide);
    EXPECT_NE(imapError([&] { widened->select("INBOX"); }).find("no UIDVALIDITY"), std::string::npos);
}

TEST(ImapClient, ALastLineCutOffByTheEndOfTheConnectionIsAnErrorNotAWait) {
    ScriptedImapServer server(loggedIn({{"SELECT", "* OK [UIDVALIDITY 5] x\r\n$TAG OK don"}}));
    auto client = connected(server);
    const auto started = std::chrono::steady_clock::now();
    const std::string error = imapError([&] { client->select("INBOX"); });
    EXPECT_NE(error.find("closed the connection"), std::string::npos) << error;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 4s) << "it waited for the receive timeout instead";

    ScriptedImapServer greeting({}, "* OK no end of line");
    ImapClient early(greeting.endpoint(), false, std::chrono::seconds(5));
    EXPECT_NE(imapError([&] { early.connect(); }).find("closed the connection"), std::string::npos);
}

TEST(ImapClient, ALiteralBeyondTheLimitIsReadPastNotKeptAndTheClientStaysInStep) {
    const std::string huge(300000, 'x');
    ScriptedImapServer server(loggedIn({
        // The size announced lies: the body is far larger than the limit the client asked for.
        {"UID FETCH 8 (UID RFC822.SIZE)", "* 1 FETCH (UID 8 RFC822.SIZE 100)\r\n$TAG OK\r\n"},
        {"UID FETCH 8 (UID BODY.PEEK[])", "* 1 FETCH (UID 8 BODY[] {" + std::to_string(huge.size()) + "}\r\n" + huge +
                                             ")\r\n$TAG OK\r\n"},
        {"NOOP", "$TAG OK still in step\r\n"},
    }));
    auto client = connected(server);
    const auto fetched = client->fetch(8, 1000);
    ASSERT_TRUE(fetched);
    EXPECT_TRUE(fetched->headerOnly);
    EXPECT_TRUE(fetched->raw.empty()) << "a cut mail is worse than none";
    EXPECT_NO_THROW(client->noop());
    client->logout();
    EXPECT_TRUE(server.problems().empty()) << server.problems().front();
}

TEST(ImapClient, ALiteralAnnouncedAsATerabyteThenCutOffCostsNoMemory) {
    ScriptedImapServer server(loggedIn({{"UID FETCH 9 (UID RFC822.SIZE)", "* 1 FETCH (UID 9 RFC822.SIZE {999999999999}\r\nxyz"}}));
    auto client = connected(server);
    EXPECT_NE(imapError([&] { client->fetch(9, 1000); }).find("closed the connection"), std::string::npos);
}

TEST(ImapClient, AResponseOfEndlessLiteralsIsCutOff) {
    // Each line announces one more (empty) literal, so the response never ends: it must not grow without bound.
    std::string endless = "* 1 FETCH (UID 1 X {0}\r\n";
    for (int i = 0; i < 5000; ++i) endless += " X {0}\r\n";
    endless += ")\r\n$TAG OK\r\n";
    ScriptedImapServer server(loggedIn({{"UID SEARCH ALL", endless}}));
    auto client = connected(server);
    EXPECT_NE(imapError([&] { client->search("ALL"); }).find("too many literals"), std::string::npos);
}

}  // namespace
}  // namespace omnigate::email
