// The daemon's own configuration, read from YAML into typed structs once at start-up. Plugins' sections stay
// ConfigNodes: each plugin validates its own, so the core never needs to know a channel's settings.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/file_types.h"
#include "omnigate/sdk/config_node.h"

namespace omnigate {

// A token bucket: `burst` requests at once, then `perMinute` a minute.
struct RateLimitConfig {
    int burst = 1;
    int perMinute = 1;
};

struct HttpConfig {
    std::string host = "127.0.0.1";
    int port = 8080;
    int maxThreads = 32;
    int maxQueued = 256;
    std::int64_t maxBodyBytes = 1024 * 1024;
    int maxWebSocketFrameBytes = 64 * 1024;
    // Browser origins allowed to call the API (a chat widget on the customer's site); "*" allows any.
    std::vector<std::string> corsOrigins;

    // Slow clients: what a connection may take before it is closed.
    std::chrono::seconds requestHeaderTimeout{10};  // from a request's first byte to its last header
    std::chrono::seconds requestBodyTimeout{60};    // to read a body once its headers are in
    std::chrono::seconds keepAliveTimeout{15};      // an idle connection between two requests
    int maxWebSockets = 4096;                       // open WebSockets of all visitors together; beyond: 1013
    std::int64_t webSocketSendQueueBytes = 1024 * 1024;  // unsent bytes a socket may queue; beyond: 1008
    std::chrono::seconds webSocketSendTimeout{10};  // queued bytes that cannot be sent for this long: 1008
    std::chrono::seconds webSocketFrameTimeout{10};  // from a frame's first byte to its last: 1008 beyond

    // Floods. The first two are keyed by the client's IP address: the peer's own, or the one the trusted proxies
    // named in X-Forwarded-For.
    RateLimitConfig webchatSessions{20, 10};
    RateLimitConfig webchatMessages{30, 60};  // per visitor
    RateLimitConfig failedAuth{20, 10};
    // Addresses ("10.0.0.7") or networks ("10.0.0.0/8") of reverse proxies whose X-Forwarded-For is believed.
    std::vector<std::string> trustedProxies;
    // When set, /metrics and the details of /readyz need it (or the admin token) as a bearer token.
    std::string metricsToken;
};

struct DatabaseConfig {
    std::string host = "127.0.0.1";
    int port = 3306;
    std::string name;
    std::string user;
    std::string password;
    int poolSize = 8;
    int batchMax = 500;  // jobs committed together by the group-commit writer
    // Writer lanes committing in parallel, each with its own connection. One by default: a batch's shared
    // lookup, outbox INSERT and COMMIT cost the same for 2 messages as for 20, so one lane with big batches
    // beats several with small ones (bench/run.sh: 4,424 vs 3,778 msgs/s for 4 lanes). More lanes suit jobs
    // that wait long on the database, such as a MariaDB far away.
    int writers = 1;
    int writeQueueMax = 20000;  // writes waiting at most (over all lanes); beyond it: 503 with Retry-After
};

struct MqttConfig {
    std::string url;  // tcp://host:port or mqtt://…; ssl://host:port or mqtts://… for TLS
    std::string username;
    std::string password;
    int keepAliveSeconds = 20;
    // TLS only (absolute paths): the CA that signed the broker's certificate (empty: the system's trust store),
    // and an optional client certificate with its key (empty key: the key is in the certificate's file).
    std::string caFile;
    std::string certFile;
    std::string keyFile;
    // Where people's clients (the web console) reach the broker over WebSockets, ws:// or wss://; answered with
    // each sign-in's broker account. Empty: sign-ins answer no url and the console shows no live updates.
    std::string websocketUrl;

    bool tls() const { return url.rfind("ssl://", 0) == 0 || url.rfind("mqtts://", 0) == 0; }
};

// The lifecycle's settings: how a closed interaction asks its client for a rating.
struct InteractionsConfig {
    std::string ratingRequestText = "Please rate our answer from 1 (poor) to 5 (excellent): reply with one digit.";
    int ratingWindowHours = 72;  // how long after the request a client's lone digit counts as the rating
};

// The web console's built files (console/, scripts/console.sh), served at /console/.
struct ConsoleConfig {
    std::string directory;  // absolute; empty: no console (its routes answer 503 with what to do)
};

// clamd, which scans every file before it is kept (files.antivirus).
struct AntivirusConfig {
    std::string address;            // "unix:/run/clamav/clamd.ctl" or "host:port"
    int timeoutSeconds = 30;        // for one file's whole scan
    bool refuseOnError = true;      // clamd down or failing: refuse the file (503) rather than keep it unscanned
};

// Where attachments and media are kept (their bytes; the database names them).
struct FilesConfig {
    std::string directory;                         // absolute, or relative to the config file's folder
    std::int64_t maxBytes = 25 * 1024 * 1024;      // one file at most
    std::int64_t quotaBytes = 0;                   // what uploads may fill in all; 0: no quota
    AllowedFileTypes allowedTypes = AllowedFileTypes::defaults();
    std::optional<AntivirusConfig> antivirus;      // none: files are kept unscanned
};

// A user the config creates at start-up when no user has its login yet (the demo's people, a first administrator);
// what was edited through the API since wins.
struct SeedUser {
    std::string login;
    std::string displayName;
    std::string email;
    std::vector<std::string> roles;
    std::string operatorId;
    std::string password;
    std::string position;  // "auth.users[0]" with file:line:column, for errors found when it is created
};

// Signing in: access and refresh token lifetimes, the key access tokens are signed with, password guessing.
struct AuthConfig {
    // HS256 key shared by every daemon of a deployment; empty: a random one per start (sessions then end at a
    // restart and work on one daemon only, which the log says).
    std::string tokenSecret;
    std::chrono::seconds accessTokenLifetime{10 * 60};
    std::chrono::seconds refreshTokenLifetime{12 * 3600};  // a shift
    int lockoutFailures = 5;
    std::chrono::seconds lockoutFor{15 * 60};
    std::vector<SeedUser> users;
    // auth.ldap, read by parseLdapConfig (core/auth/ldap_config.h) where the directory is used; undefined: none.
    ConfigNode ldap;
    // How often users who sign in through the directory are checked against it (gone: deactivated).
    std::chrono::seconds directorySync{15 * 60};
    // How often sessions past their refresh token's expiry are ended: their broker accounts are deleted then.
    std::chrono::seconds sessionSweep{60};
};

struct AuditConfig {
    int retentionDays = 365;
};

// The online statistics and the reports (docs/statistics.md, docs/reports.md): how often the statistics are
// published, the centre's day, and the most rows an export of the interaction details holds.
struct StatsConfig {
    int intervalSeconds = 5;
    int utcOffsetMinutes = 0;
    int maxExportRows = 1000000;
};

// The SMTP account report mailings go out through (docs/mailings.md). An empty host: none configured, so mailings
// are kept but not sent.
struct SmtpConfig {
    enum class Tls { None, StartTls, Implicit };

    std::string host;
    int port = 587;
    Tls tls = Tls::StartTls;
    std::string caFile;  // absolute; empty: the system's trust store. The server's certificate is always verified
    std::string user;    // empty: no AUTH
    std::string password;
    std::string from;      // the sender's address, also MAIL FROM
    std::string fromName;  // shown with it
    std::chrono::seconds timeout{30};  // each connection and each reply
    int retries = 2;                   // more attempts after a temporary failure (4xx, no connection)
    std::chrono::seconds retryBackoff{10};  // before the first retry, doubled before each next

    bool configured() const { return !host.empty(); }
};

struct MailingsConfig {
    SmtpConfig smtp;
};

// Outbound campaigns (docs/campaigns.md).
struct CampaignsConfig {
    std::string publicUrl;          // where clients reach /api/v1/unsubscribe; "": no email campaigns
    std::string unsubscribeSecret;  // signs the unsubscribe addresses; "": no email campaigns
    // A reply that is one of these alone (any case, spaces and punctuation around it ignored) opts the client out.
    std::vector<std::string> stopWords{"STOP", "СТОП", "ОТПИСАТЬСЯ", "UNSUBSCRIBE"};
    int replyWindowHours = 72;   // a reply this soon after a campaign's message is linked to it
    int workers = 4;             // messages in flight at once
    int maxRatePerMinute = 6000;
};

// A channel account or an integration: `type` names the plugin, `settings` is the plugin's to validate.
struct PluginEntry {
    std::string type;
    std::string id;
    ConfigNode settings;
};

// One item of the routing section, converted to the JSON the REST API takes (config/config_json.h). The routing
// bootstrap validates it with the API's own parse functions and places their errors with position().
struct RoutingItem {
    Poco::JSON::Object::Ptr object;
    std::string path;                              // "routing.queues[0]"
    std::map<std::string, std::string> positions;  // JSON field path -> "file:line:column"; "" is the item itself

    // "file:line:column: routing.queues[0].capacities.webchat: <message>" for an error whose message names a
    // field in quotes ('capacities.webchat' …); the item's own position when it names none found here.
    std::string locate(const std::string& message) const;
};

// Queues, groups, operators and break reasons are created at start-up when their id does not exist yet (what was
// edited through the API since wins); the rules only while there are none at all.
struct RoutingConfig {
    std::vector<RoutingItem> queues;
    std::vector<RoutingItem> operatorGroups;
    std::vector<RoutingItem> operators;
    std::vector<RoutingItem> breakReasons;
    std::vector<RoutingItem> rules;
};

struct DaemonConfig {
    std::string file;
    std::string instance = "main";
    std::string logLevel = "information";
    std::string adminToken;
    HttpConfig http;
    DatabaseConfig database;
    MqttConfig mqtt;
    InteractionsConfig interactions;
    FilesConfig files;
    AuthConfig auth;
    AuditConfig audit;
    StatsConfig stats;
    MailingsConfig mailings;
    CampaignsConfig campaigns;
    std::string pluginDirectory;  // absolute, or relative to the config file's folder
    ConsoleConfig console;
    std::vector<PluginEntry> channels;
    std::vector<PluginEntry> integrations;
    RoutingConfig routing;

    // The plugin types the config uses, each once, channels first, in order of appearance.
    std::vector<std::string> pluginTypes() const;
};

// Throws ConfigError (file, line, column, key path) on the first problem.
DaemonConfig loadDaemonConfig(const std::string& file);
DaemonConfig parseDaemonConfig(const ConfigNode& root);

}  // namespace omnigate
