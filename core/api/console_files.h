// The web console (console/, built by scripts/console.sh) served at /console/: its index page, and the hashed
// assets Vite writes, which never change under a name and so are cached for a year. The files are read once at
// start into memory (a few hundred KB); only those names are ever answered, so no path from a request reaches the
// file system. Every answer carries a Content-Security-Policy that allows scripts, styles and connections only
// from the daemon itself and the broker's WebSocket listener: an injected script has nowhere to run or send.
#pragma once

#include <map>
#include <string>

#include "http/router.h"

namespace omnigate {

class ConsoleFiles {
public:
    // `directory` empty or without index.html: the routes answer 503 saying how to build the console.
    // `brokerUrl` (mqtt.websocket_url) is the one other place the console's scripts may connect to.
    ConsoleFiles(const std::string& directory, const std::string& brokerUrl);

    void registerRoutes(Router& router);

    std::size_t size() const { return files_.size(); }

private:
    struct File {
        std::string contentType;
        std::string body;
    };
    HttpResponse serve(const std::string& name) const;
    void load(const std::string& directory, const std::string& prefix, int depth);

    std::string directory_;
    std::string policy_;
    std::map<std::string, File> files_;  // by path below the directory: "index.html", "assets/index-3f2a.js"
};

}  // namespace omnigate
