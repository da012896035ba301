#include "api/console_files.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>

#include "omnigate/sdk/api_error.h"

namespace omnigate {

namespace {

// Bigger files are no part of a console build (its largest chunk is a few hundred KB); skipping them keeps a
// mistaken directory from filling memory.
constexpr std::uint64_t kMaxFileBytes = 8 * 1024 * 1024;
constexpr int kMaxDepth = 4;

std::string contentTypeOf(const std::string& name) {
    static const std::map<std::string, std::string> types{
        {"html", "text/html; charset=utf-8"},  {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"}, {"css", "text/css; charset=utf-8"},
        {"json", "application/json"},          {"svg", "image/svg+xml"},
        {"png", "image/png"},                  {"ico", "image/x-icon"},
        {"woff2", "font/woff2"},               {"ogg", "audio/ogg"},
        {"mp3", "audio/mpeg"},                 {"wav", "audio/wav"},
        {"txt", "text/plain; charset=utf-8"},  {"map", "application/json"}};
    const auto it = types.find(Poco::Path(name).getExtension());
    return it == types.end() ? "application/octet-stream" : it->second;
}

}  // namespace

ConsoleFiles::ConsoleFiles(const std::string& directory, const std::string& brokerUrl) : directory_(directory) {
    // Inline scripts and styles are refused: Vite's build has none, and they are what an injection would use.
    // MQTT.js runs its keep-alive timers in a worker made from a blob: URL, so that a background tab's throttled
    // timers do not drop the connection; only workers may come from blob:.
    policy_ = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self'; "
              "img-src 'self' data: blob:; "
              "media-src 'self' blob:; font-src 'self'; connect-src 'self'" +
              (brokerUrl.empty() ? std::string() : " " + brokerUrl) +
              "; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    if (directory.empty()) return;
    if (Poco::File(directory).exists()) load(directory, "", 0);
    if (files_.count("index.html") == 0) {
        Poco::Logger::get("omnigate.http")
            .warning("console: no index.html in %s; /console/ answers 503 until it is built (scripts/console.sh)",
                     directory);
    }
}

void ConsoleFiles::load(const std::string& directory, const std::string& prefix, int depth) {
    for (Poco::DirectoryIterator it(directory), end; it != end; ++it) {
        const std::string name = it.name();
        if (name.empty() || name[0] == '.') continue;
        if (it->isDirectory()) {
            if (depth < kMaxDepth) load(it->path(), prefix + name + "/", depth + 1);
            continue;
        }
        if (!it->isFile() || it->getSize() > kMaxFileBytes) continue;
        Poco::FileInputStream in(it->path());
        File file{contentTypeOf(name), {}};
        Poco::StreamCopier::copyToString(in, file.body);
        files_[prefix + name] = std::move(file);
    }
}

void ConsoleFiles::registerRoutes(Router& router) {
    router.add("GET", "/console", Access::open(),
               [this](const HttpRequest&, const Actor&) { return serve("index.html"); });
    router.add("GET", "/console/{file}", Access::open(),
               [this](const HttpRequest& r, const Actor&) { return serve(r.param("file")); });
    router.add("GET", "/console/assets/{file}", Access::open(),
               [this](const HttpRequest& r, const Actor&) { return serve("assets/" + r.param("file")); });
}

HttpResponse ConsoleFiles::serve(const std::string& name) const {
    if (files_.count("index.html") == 0) {
        throw ApiError(503, "console_not_built",
                       "the web console is not built" +
                           (directory_.empty() ? std::string(" and console.directory is not set")
                                               : " in " + directory_) +
                           ": run scripts/console.sh, then restart omnigate");
    }
    const auto it = files_.find(name);
    if (it == files_.end()) throw ApiError::notFound("no such file in the console: " + name);
    HttpResponse response;
    response.contentType = it->second.contentType;
    response.body = it->second.body;
    // Vite names each asset after its content's hash: a name never changes meaning, so it is cached for good. The
    // index and the top-level files keep their names across builds: revalidated every time.
    response.headers.emplace_back("Cache-Control", name.rfind("assets/", 0) == 0
                                                        ? "public, max-age=31536000, immutable"
                                                        : "no-cache");
    response.headers.emplace_back("Content-Security-Policy", policy_);
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    return response;
}

}  // namespace omnigate
