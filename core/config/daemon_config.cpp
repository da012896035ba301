#include "config/daemon_config.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/String.h>

#include "config/config_json.h"
#include "config/demo_secrets.h"
#include "model/local_day.h"
#include "omnigate/sdk/address_rule.h"

#include <algorithm>
#include <regex>
#include <set>

namespace omnigate {

namespace {

// Account ids appear in URLs and MQTT topics, so they are kept to a URL- and topic-safe alphabet.
void checkIdentifier(const ConfigNode& node, const std::string& value) {
    static const std::regex allowed("[A-Za-z0-9_-]{1,64}");
    if (!std::regex_match(value, allowed)) {
        node.fail("'" + value + "' is not a valid id: use 1-64 letters, digits, '_' or '-'");
    }
}

std::vector<PluginEntry> parseEntries(const ConfigNode& list, bool needsId) {
    std::vector<PluginEntry> entries;
    std::set<std::pair<std::string, std::string>> seen;
    for (const ConfigNode& item : list.elements()) {
        item.expectKeys({"type", "id", "settings"});
        PluginEntry entry;
        entry.type = item.getString("type");
        checkIdentifier(item["type"], entry.type);
        entry.id = needsId ? item.getString("id") : item.getString("id", entry.type);
        checkIdentifier(item["id"], entry.id);
        entry.settings = item["settings"];
        if (entry.settings.defined()) entry.settings.expectMap();
        if (!seen.insert({entry.type, entry.id}).second) {
            item["id"].fail("a " + entry.type + " entry with id '" + entry.id + "' is already configured");
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

// Each item a mapping, converted to JSON with its positions; an item's id (where it has one) configured once.
std::vector<RoutingItem> parseRoutingItems(const ConfigNode& list, bool hasId) {
    std::vector<RoutingItem> items;
    std::set<std::string> ids;
    for (const ConfigNode& node : list.elements()) {
        node.expectMap();
        RoutingItem item;
        item.path = node.path();
        item.object = configToJson(node, item.positions).extract<Poco::JSON::Object::Ptr>();
        if (hasId && node.has("id") && node["id"].isScalar()) {
            const std::string id = node["id"].asString();
            if (!ids.insert(id).second) node["id"].fail("'" + id + "' is configured twice in this list");
        }
        items.push_back(std::move(item));
    }
    return items;
}

AuthConfig parseAuth(const ConfigNode& auth) {
    auth.expectKeys({"token_secret", "access_token_minutes", "refresh_token_hours", "lockout", "users", "ldap",
                     "directory_sync_minutes", "session_sweep_seconds"});
    AuthConfig c;
    c.tokenSecret = auth.getString("token_secret", "");
    if (!c.tokenSecret.empty() && c.tokenSecret.size() < 32) {
        auth["token_secret"].fail("the token secret must be at least 32 characters long (HS256 keys shorter than "
                                  "the hash are guessable)");
    }
    c.accessTokenLifetime = std::chrono::minutes(auth.getInt("access_token_minutes", 10, 1, 60));
    c.refreshTokenLifetime = std::chrono::hours(auth.getInt("refresh_token_hours", 12, 1, 24 * 30));
    const ConfigNode lockout = auth["lockout"];
    lockout.expectKeys({"failures", "minutes"});
    c.lockoutFailures = static_cast<int>(lockout.getInt("failures", c.lockoutFailures, 1, 100));
    c.lockoutFor = std::chrono::minutes(lockout.getInt("minutes", 15, 1, 24 * 60));
    c.ldap = auth["ldap"];
    c.directorySync = std::chrono::minutes(auth.getInt("directory_sync_minutes", 15, 1, 24 * 60));
    c.sessionSweep = std::chrono::seconds(auth.getInt("session_sweep_seconds", 60, 1, 3600));
    for (const ConfigNode& item : auth["users"].elements()) {
        item.expectKeys({"login", "display_name", "email", "roles", "operator", "password"});
        SeedUser user;
        user.login = item.getString("login");
        user.displayName = item.getString("display_name", user.login);
        user.email = item.getString("email", "");
        for (const ConfigNode& role : item["roles"].elements()) user.roles.push_back(role.asString());
        if (user.roles.empty()) item["roles"].fail("a user needs at least one role");
        user.operatorId = item.getString("operator", "");
        user.password = item.getString("password");
        user.position = item.file() + ":" + std::to_string(item.line()) + ":" + std::to_string(item.column()) + ": " +
                        item.path();
        c.users.push_back(std::move(user));
    }
    return c;
}

RoutingConfig parseRouting(const ConfigNode& routing) {
    routing.expectKeys({"queues", "operator_groups", "operators", "break_reasons", "rules"});
    RoutingConfig c;
    c.queues = parseRoutingItems(routing["queues"], true);
    c.operatorGroups = parseRoutingItems(routing["operator_groups"], true);
    c.operators = parseRoutingItems(routing["operators"], true);
    c.breakReasons = parseRoutingItems(routing["break_reasons"], true);
    c.rules = parseRoutingItems(routing["rules"], false);
    return c;
}

std::chrono::seconds getSeconds(const ConfigNode& node, const std::string& key, std::chrono::seconds fallback,
                                int max) {
    return std::chrono::seconds(node.getInt(key, fallback.count(), 1, max));
}

void parseSlowClientLimits(const ConfigNode& http, HttpConfig& c) {
    c.requestHeaderTimeout = getSeconds(http, "request_header_timeout_seconds", c.requestHeaderTimeout, 3600);
    c.requestBodyTimeout = getSeconds(http, "request_body_timeout_seconds", c.requestBodyTimeout, 3600);
    c.keepAliveTimeout = getSeconds(http, "keep_alive_timeout_seconds", c.keepAliveTimeout, 3600);
    c.maxWebSockets = static_cast<int>(http.getInt("max_websockets", c.maxWebSockets, 1, 1000000));
    // At least one frame of the largest size must fit, or a reply that size could never be sent.
    c.webSocketSendQueueBytes = http.getInt("websocket_send_queue_bytes", c.webSocketSendQueueBytes,
                                            c.maxWebSocketFrameBytes + 14, 1LL << 30);
    c.webSocketSendTimeout = getSeconds(http, "websocket_send_timeout_seconds", c.webSocketSendTimeout, 3600);
    c.webSocketFrameTimeout = getSeconds(http, "websocket_frame_timeout_seconds", c.webSocketFrameTimeout, 3600);
}

RateLimitConfig parseRateLimit(const ConfigNode& node, RateLimitConfig fallback) {
    if (!node.defined()) return fallback;
    node.expectKeys({"burst", "per_minute"});
    RateLimitConfig limit;
    limit.burst = static_cast<int>(node.getInt("burst", fallback.burst, 1, 1000000));
    limit.perMinute = static_cast<int>(node.getInt("per_minute", fallback.perMinute, 1, 60000000));
    return limit;
}

void parseFloodLimits(const ConfigNode& http, HttpConfig& c) {
    const ConfigNode limits = http["rate_limits"];
    if (limits.defined()) limits.expectKeys({"webchat_sessions", "webchat_messages", "failed_auth"});
    c.webchatSessions = parseRateLimit(limits["webchat_sessions"], c.webchatSessions);
    c.webchatMessages = parseRateLimit(limits["webchat_messages"], c.webchatMessages);
    c.failedAuth = parseRateLimit(limits["failed_auth"], c.failedAuth);
    for (const ConfigNode& proxy : http["trusted_proxies"].elements()) {
        const std::string value = proxy.asString();
        const std::size_t slash = value.find('/');
        Poco::Net::IPAddress address;
        bool valid = Poco::Net::IPAddress::tryParse(value.substr(0, slash), address);
        if (valid && slash != std::string::npos) {
            const std::string prefix = value.substr(slash + 1);
            const unsigned bits = address.family() == Poco::Net::IPAddress::IPv4 ? 32 : 128;
            valid = !prefix.empty() && prefix.size() <= 3 &&
                    prefix.find_first_not_of("0123456789") == std::string::npos && std::stoul(prefix) <= bits;
        }
        if (!valid) proxy.fail("expected an IP address like 10.0.0.7 or a network like 10.0.0.0/8");
        c.trustedProxies.push_back(value);
    }
}

// Relative to the config file's folder; the file must exist (named now, not as a TLS error at the first send).
std::string existingFile(const ConfigNode& node, const ConfigNode& root) {
    Poco::Path path(node.asString());
    if (path.isRelative()) path = Poco::Path(Poco::Path(root.file()).makeAbsolute().parent()).append(path);
    const std::string absolute = path.makeAbsolute().toString();
    if (!Poco::File(absolute).exists()) node.fail("no such file: " + absolute);
    return absolute;
}

MailingsConfig parseMailings(const ConfigNode& mailings, const ConfigNode& root) {
    mailings.expectKeys({"smtp"});
    MailingsConfig c;
    const ConfigNode smtp = mailings["smtp"];
    if (!smtp.defined()) return c;
    smtp.expectKeys({"host", "port", "tls", "ca_file", "user", "password", "from", "from_name", "timeout_seconds",
                     "retries", "retry_backoff_seconds"});
    SmtpConfig& s = c.smtp;
    s.host = smtp.getString("host");
    if (s.host.empty()) smtp["host"].fail("must not be empty");
    const std::string tls = smtp.getString("tls", "starttls");
    if (tls == "none") {
        s.tls = SmtpConfig::Tls::None;
    } else if (tls == "starttls") {
        s.tls = SmtpConfig::Tls::StartTls;
    } else if (tls == "tls") {
        s.tls = SmtpConfig::Tls::Implicit;
    } else {
        smtp["tls"].fail("expected none, starttls or tls (implicit TLS, usually port 465), got '" + tls + "'");
    }
    s.port = static_cast<int>(smtp.getInt("port", s.tls == SmtpConfig::Tls::Implicit ? 465 : 587, 1, 65535));
    if (smtp.has("ca_file")) {
        if (s.tls == SmtpConfig::Tls::None) smtp["ca_file"].fail("is for TLS: set tls to starttls or tls");
        s.caFile = existingFile(smtp["ca_file"], root);
    }
    s.user = smtp.getString("user", "");
    s.password = smtp.getString("password", "");
    if (s.user.empty() != s.password.empty()) {
        smtp[s.user.empty() ? "password" : "user"].fail("user and password go together (AUTH), or neither");
    }
    if (s.tls == SmtpConfig::Tls::None && !s.user.empty() && !isLoopbackHost(s.host)) {
        smtp["tls"].fail("none would send the password in plain text to " + s.host +
                         "; use starttls or tls (plain SMTP with AUTH only to a server on loopback)");
    }
    s.from = smtp.getString("from");
    if (!isMailbox(s.from)) smtp["from"].fail("'" + s.from + "' is not one mail address like reports@example.com");
    s.fromName = smtp.getString("from_name", "");
    if (s.fromName.find_first_of("\r\n") != std::string::npos) smtp["from_name"].fail("must be one line");
    s.timeout = std::chrono::seconds(smtp.getInt("timeout_seconds", s.timeout.count(), 1, 600));
    s.retries = static_cast<int>(smtp.getInt("retries", s.retries, 0, 10));
    s.retryBackoff = std::chrono::seconds(smtp.getInt("retry_backoff_seconds", s.retryBackoff.count(), 1, 3600));
    return c;
}

CampaignsConfig parseCampaigns(const ConfigNode& node) {
    node.expectKeys({"public_url", "unsubscribe_secret", "stop_words", "reply_window_hours", "workers",
                     "max_rate_per_minute"});
    CampaignsConfig c;
    c.publicUrl = node.getString("public_url", "");
    while (!c.publicUrl.empty() && c.publicUrl.back() == '/') c.publicUrl.pop_back();
    if (!c.publicUrl.empty()) {
        const bool web = c.publicUrl.rfind("https://", 0) == 0 || c.publicUrl.rfind("http://", 0) == 0;
        const bool printable = std::all_of(c.publicUrl.begin(), c.publicUrl.end(),
                                           [](char ch) { return ch > ' ' && ch < 0x7f && ch != '<' && ch != '>'; });
        if (!web || !printable) {
            node["public_url"].fail("expected the address clients reach this daemon at, like https://cc.example.com");
        }
    }
    c.unsubscribeSecret = node.getString("unsubscribe_secret", "");
    if (!c.unsubscribeSecret.empty() && c.unsubscribeSecret.size() < 32) {
        node["unsubscribe_secret"].fail("must be at least 32 bytes: it signs the unsubscribe addresses");
    }
    if (node.has("stop_words")) {
        c.stopWords.clear();
        for (const ConfigNode& word : node["stop_words"].elements()) {
            const std::string text = Poco::trim(word.asString());
            if (text.empty() || text.size() > 64) word.fail("expected a word of 1 to 64 bytes");
            c.stopWords.push_back(text);
        }
    }
    c.replyWindowHours = static_cast<int>(node.getInt("reply_window_hours", c.replyWindowHours, 1, 24 * 30));
    c.workers = static_cast<int>(node.getInt("workers", c.workers, 1, 64));
    c.maxRatePerMinute = static_cast<int>(node.getInt("max_rate_per_minute", c.maxRatePerMinute, 1, 1000000));
    return c;
}

}  // namespace

std::string RoutingItem::locate(const std::string& message) const {
    std::string field;
    const auto open = message.find('\'');
    if (open != std::string::npos) {
        const auto close = message.find('\'', open + 1);
        if (close != std::string::npos) field = message.substr(open + 1, close - open - 1);
    }
    auto found = positions.find(field);
    // A field that is absent (required, or named by its parent's rule) is placed at the item itself.
    if (field.empty() || found == positions.end()) found = positions.find("");
    const std::string where = found == positions.end() ? "" : found->second + ": ";
    const std::string dotted = field.empty() || field[0] == '[' ? path + field : path + "." + field;
    return where + (field.empty() ? path : dotted) + ": " + message;
}

std::vector<std::string> DaemonConfig::pluginTypes() const {
    std::vector<std::string> types;
    for (const auto* list : {&channels, &integrations}) {
        for (const PluginEntry& e : *list) {
            if (std::find(types.begin(), types.end(), e.type) == types.end()) types.push_back(e.type);
        }
    }
    return types;
}

DaemonConfig parseDaemonConfig(const ConfigNode& root) {
    root.expectKeys({"instance", "log_level", "http", "admin", "database", "mqtt", "plugins", "console", "files",
                     "channels", "integrations", "interactions", "routing", "auth", "audit", "stats", "mailings",
                     "campaigns"});
    DaemonConfig c;
    c.file = root.file();
    c.instance = root.getString("instance", c.instance);
    checkIdentifier(root["instance"], c.instance);
    c.logLevel = root.getString("log_level", c.logLevel);
    static const std::set<std::string> levels{"debug", "information", "notice", "warning", "error"};
    if (levels.count(c.logLevel) == 0) root["log_level"].fail("expected debug, information, notice, warning or error");

    const ConfigNode http = root["http"];
    http.expectKeys({"host", "port", "max_threads", "max_queued", "max_body_bytes", "max_websocket_frame_bytes",
                     "cors_origins", "request_header_timeout_seconds", "request_body_timeout_seconds",
                     "keep_alive_timeout_seconds", "max_websockets", "websocket_send_queue_bytes",
                     "websocket_send_timeout_seconds", "websocket_frame_timeout_seconds", "rate_limits",
                     "trusted_proxies", "metrics_token"});
    c.http.host = http.getString("host", c.http.host);
    c.http.port = static_cast<int>(http.getInt("port", c.http.port, 0, 65535));
    c.http.maxThreads = static_cast<int>(http.getInt("max_threads", c.http.maxThreads, 2, 1024));
    c.http.maxQueued = static_cast<int>(http.getInt("max_queued", c.http.maxQueued, 1, 100000));
    c.http.maxBodyBytes = http.getInt("max_body_bytes", c.http.maxBodyBytes, 1024, 1024LL * 1024 * 1024);
    c.http.maxWebSocketFrameBytes =
        static_cast<int>(http.getInt("max_websocket_frame_bytes", c.http.maxWebSocketFrameBytes, 128, 16 << 20));
    for (const ConfigNode& origin : http["cors_origins"].elements()) {
        const std::string value = origin.asString();
        if (value != "*" && value.find("://") == std::string::npos) {
            origin.fail("expected an origin like https://shop.example.com, or *");
        }
        c.http.corsOrigins.push_back(value);
    }
    parseSlowClientLimits(http, c.http);
    parseFloodLimits(http, c.http);
    c.http.metricsToken = http.getString("metrics_token", "");
    if (!c.http.metricsToken.empty() && c.http.metricsToken.size() < 12) {
        http["metrics_token"].fail("the metrics token must be at least 12 characters long");
    }

    const ConfigNode admin = root.child("admin");
    admin.expectKeys({"token"});
    c.adminToken = admin.getString("token");
    if (c.adminToken.size() < 12) admin["token"].fail("the admin token must be at least 12 characters long");

    const ConfigNode db = root.child("database");
    db.expectKeys({"host", "port", "name", "user", "password", "pool_size", "batch_max", "writers",
                   "write_queue_max"});
    c.database.host = db.getString("host", c.database.host);
    c.database.port = static_cast<int>(db.getInt("port", c.database.port, 1, 65535));
    c.database.name = db.getString("name");
    c.database.user = db.getString("user");
    c.database.password = db.getString("password", "");
    c.database.poolSize = static_cast<int>(db.getInt("pool_size", c.database.poolSize, 2, 256));
    c.database.batchMax = static_cast<int>(db.getInt("batch_max", c.database.batchMax, 1, 10000));
    c.database.writers = static_cast<int>(db.getInt("writers", c.database.writers, 1, 64));
    c.database.writeQueueMax = static_cast<int>(db.getInt("write_queue_max", c.database.writeQueueMax, 1, 1000000));

    const ConfigNode mqtt = root.child("mqtt");
    mqtt.expectKeys({"url", "username", "password", "keep_alive_seconds", "ca_file", "cert_file", "key_file",
                     "websocket_url"});
    c.mqtt.url = mqtt.getString("url");
    if (c.mqtt.url.rfind("tcp://", 0) != 0 && c.mqtt.url.rfind("mqtt://", 0) != 0 && !c.mqtt.tls()) {
        mqtt["url"].fail("expected tcp://host:port, mqtt://host:port, ssl://host:port or mqtts://host:port, got '" +
                         c.mqtt.url + "'");
    }
    c.mqtt.username = mqtt.getString("username", "");
    c.mqtt.password = mqtt.getString("password", "");
    if (c.mqtt.username.empty() != c.mqtt.password.empty()) {
        mqtt[c.mqtt.username.empty() ? "password" : "username"].fail(
            "username and password go together: the broker takes no anonymous client and no empty password");
    }
    c.mqtt.keepAliveSeconds = static_cast<int>(mqtt.getInt("keep_alive_seconds", c.mqtt.keepAliveSeconds, 2, 3600));
    // Read when the bus connects, so a missing file is named now rather than as Paho's bare TLS error later.
    for (const auto& [key, target] : {std::pair{"ca_file", &c.mqtt.caFile}, std::pair{"cert_file", &c.mqtt.certFile},
                                      std::pair{"key_file", &c.mqtt.keyFile}}) {
        const std::string value = mqtt.getString(key, "");
        if (value.empty()) continue;
        if (!c.mqtt.tls()) mqtt[key].fail("is for TLS: the url must start with ssl:// or mqtts://");
        Poco::Path path(value);
        if (path.isRelative()) path = Poco::Path(Poco::Path(root.file()).makeAbsolute().parent()).append(path);
        *target = path.makeAbsolute().toString();
        if (!Poco::File(*target).exists()) mqtt[key].fail("no such file: " + *target);
    }
    if (!c.mqtt.keyFile.empty() && c.mqtt.certFile.empty()) {
        mqtt["key_file"].fail("needs cert_file: the key belongs to a client certificate");
    }
    c.mqtt.websocketUrl = mqtt.getString("websocket_url", "");
    if (!c.mqtt.websocketUrl.empty() && c.mqtt.websocketUrl.rfind("ws://", 0) != 0 &&
        c.mqtt.websocketUrl.rfind("wss://", 0) != 0) {
        mqtt["websocket_url"].fail("expected ws://host:port or wss://host:port (the broker's WebSocket listener as "
                                   "browsers reach it), got '" + c.mqtt.websocketUrl + "'");
    }

    const ConfigNode plugins = root.child("plugins");
    plugins.expectKeys({"directory"});
    Poco::Path dir(plugins.getString("directory"));
    if (dir.isRelative()) dir = Poco::Path(Poco::Path(root.file()).makeAbsolute().parent()).append(dir);
    c.pluginDirectory = dir.makeAbsolute().toString();

    const ConfigNode console = root["console"];
    console.expectKeys({"directory"});
    const std::string consoleDir = console.getString("directory", "");
    if (!consoleDir.empty()) {
        Poco::Path path(consoleDir);
        if (path.isRelative()) path = Poco::Path(Poco::Path(root.file()).makeAbsolute().parent()).append(path);
        c.console.directory = path.makeAbsolute().toString();
    }

    // Files default to files/ beside the config file; the demo config and the test scripts put them under var/.
    const ConfigNode files = root["files"];
    files.expectKeys({"directory", "max_bytes", "quota_bytes", "allowed_types", "antivirus"});
    Poco::Path filesDir(files.getString("directory", "files"));
    if (filesDir.isRelative()) {
        filesDir = Poco::Path(Poco::Path(root.file()).makeAbsolute().parent()).append(filesDir);
    }
    c.files.directory = filesDir.makeAbsolute().toString();
    c.files.maxBytes = files.getInt("max_bytes", c.files.maxBytes, 1024, std::int64_t{1} << 31);
    c.files.quotaBytes = files.getInt("quota_bytes", 0, 0, INT64_MAX);
    if (c.files.quotaBytes != 0 && c.files.quotaBytes < c.files.maxBytes) {
        files["quota_bytes"].fail("is smaller than files.max_bytes: not even one file of the largest size would fit");
    }
    const ConfigNode allowed = files["allowed_types"];
    if (allowed.defined()) {
        allowed.expectKeys({"attachment", "template", "chat"});
        for (FileUse use : restrictedFileUses()) {
            const ConfigNode list = allowed[toString(use)];
            if (!list.defined()) continue;  // that use keeps the defaults
            std::vector<std::string> patterns;
            for (const ConfigNode& item : list.elements()) {
                const std::string pattern = item.asString();
                if (!isTypePattern(pattern)) {
                    item.fail("'" + pattern + "' is not a media type pattern: write it in lower case as type/subtype, "
                              "type/* or */*");
                }
                patterns.push_back(pattern);
            }
            c.files.allowedTypes.set(use, std::move(patterns));
        }
    }
    const ConfigNode antivirus = files["antivirus"];
    if (antivirus.defined()) {
        antivirus.expectKeys({"address", "timeout_seconds", "on_error"});
        AntivirusConfig scanner;
        scanner.address = antivirus.getString("address");
        const bool unix = scanner.address.rfind("unix:", 0) == 0 && scanner.address.size() > 5;
        if (unix && scanner.address[5] != '/') {
            // A relative socket path is the config file's folder's, as files.directory is.
            scanner.address = "unix:" + Poco::Path(Poco::Path(root.file()).makeAbsolute().parent())
                                            .append(scanner.address.substr(5))
                                            .makeAbsolute()
                                            .toString();
        }
        const auto colon = scanner.address.rfind(':');
        if (!unix && (colon == std::string::npos || colon == 0 || colon + 1 == scanner.address.size())) {
            antivirus["address"].fail("'" + scanner.address + "' is neither unix:/path/to/clamd.ctl nor host:port");
        }
        scanner.timeoutSeconds = static_cast<int>(antivirus.getInt("timeout_seconds", 30, 1, 600));
        const std::string onError = antivirus.getString("on_error", "refuse");
        if (onError != "refuse" && onError != "accept") {
            antivirus["on_error"].fail("must be refuse (the file is not kept while clamd fails) or accept (it is kept "
                                       "unscanned)");
        }
        scanner.refuseOnError = onError == "refuse";
        c.files.antivirus = scanner;
    }

    const ConfigNode interactions = root["interactions"];
    interactions.expectKeys({"rating_request_text", "rating_window_hours"});
    c.interactions.ratingRequestText = interactions.getString("rating_request_text", c.interactions.ratingRequestText);
    if (c.interactions.ratingRequestText.find_first_not_of(" \t\r\n") == std::string::npos) {
        interactions["rating_request_text"].fail("must not be empty: it is the message that asks for a rating");
    }
    c.interactions.ratingWindowHours =
        static_cast<int>(interactions.getInt("rating_window_hours", c.interactions.ratingWindowHours, 1, 720));

    c.auth = parseAuth(root["auth"]);
    const ConfigNode audit = root["audit"];
    audit.expectKeys({"retention_days"});
    c.audit.retentionDays = static_cast<int>(audit.getInt("retention_days", c.audit.retentionDays, 1, 36500));
    const ConfigNode stats = root["stats"];
    stats.expectKeys({"interval_seconds", "utc_offset", "max_export_rows"});
    c.stats.intervalSeconds = static_cast<int>(stats.getInt("interval_seconds", c.stats.intervalSeconds, 1, 3600));
    const std::string offset = stats.getString("utc_offset", "+00:00");
    const std::optional<int> minutes = parseUtcOffset(offset);
    if (!minutes) {
        stats["utc_offset"].fail("'" + offset + "' is not a UTC offset: write it like +03:00, from -12:00 to +14:00");
    }
    c.stats.utcOffsetMinutes = *minutes;
    // Excel's sheet ends at 1,048,576 rows, the header one of them.
    c.stats.maxExportRows = static_cast<int>(stats.getInt("max_export_rows", c.stats.maxExportRows, 1, 1048575));
    c.mailings = parseMailings(root["mailings"], root);
    c.campaigns = parseCampaigns(root["campaigns"]);

    c.channels = parseEntries(root["channels"], true);
    c.integrations = parseEntries(root["integrations"], false);
    c.routing = parseRouting(root["routing"]);
    refuseDemoValuesWhenExposed(root, c);
    return c;
}

DaemonConfig loadDaemonConfig(const std::string& file) { return parseDaemonConfig(ConfigNode::parseFile(file)); }

}  // namespace omnigate
