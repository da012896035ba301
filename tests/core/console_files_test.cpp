// The console's files as the daemon serves them: only what the build holds, hashed assets cached for good, the
// index revalidated, a Content-Security-Policy on every answer, and words for the operator when nothing is built.
#include <gtest/gtest.h>

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/TemporaryFile.h>

#include "api/console_files.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {
namespace {

class ConsoleFilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        Poco::File(dir_.path() + "/assets").createDirectories();
        write("index.html", "<!doctype html><title>omnigate</title>");
        write("favicon.svg", "<svg/>");
        write("assets/index-Ab12.js", "console.log(1)");
        write("assets/index-Cd34.css", "body{}");
        write(".hidden", "not served");
    }
    void write(const std::string& name, const std::string& text) {
        Poco::FileOutputStream out(dir_.path() + "/" + name);
        out << text;
    }
    // The answer to GET path, through the routes the files register.
    HttpResponse get(ConsoleFiles& files, const std::string& path) {
        Router router;
        files.registerRoutes(router);
        Router::Match match = router.match("GET", path);
        EXPECT_TRUE(match.handler) << path;
        HttpRequest request;
        request.method = "GET";
        request.path = path;
        request.pathParams = match.params;
        return match.handler(request, Actor());
    }
    static std::string header(const HttpResponse& response, const std::string& name) {
        for (const auto& [key, value] : response.headers) {
            if (key == name) return value;
        }
        return "";
    }
    static int statusOf(const std::function<void()>& call) {
        try {
            call();
        } catch (const ApiError& e) {
            return e.status();
        }
        return 200;
    }

    Poco::TemporaryFile dir_;
};

TEST_F(ConsoleFilesTest, TheIndexIsRevalidatedAndHashedAssetsAreCachedForAYear) {
    ConsoleFiles files(dir_.path(), "ws://127.0.0.1:9001");
    const HttpResponse index = get(files, "/console");
    EXPECT_EQ(index.body, "<!doctype html><title>omnigate</title>");
    EXPECT_EQ(index.contentType, "text/html; charset=utf-8");
    EXPECT_EQ(header(index, "Cache-Control"), "no-cache");
    EXPECT_EQ(get(files, "/console/").body, index.body);

    const HttpResponse script = get(files, "/console/assets/index-Ab12.js");
    EXPECT_EQ(script.body, "console.log(1)");
    EXPECT_EQ(script.contentType, "text/javascript; charset=utf-8");
    EXPECT_EQ(header(script, "Cache-Control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(get(files, "/console/assets/index-Cd34.css").contentType, "text/css; charset=utf-8");
    EXPECT_EQ(get(files, "/console/favicon.svg").contentType, "image/svg+xml");
}

TEST_F(ConsoleFilesTest, EveryAnswerForbidsInlineScriptsAndAllowsOnlyTheDaemonAndTheBroker) {
    ConsoleFiles files(dir_.path(), "ws://127.0.0.1:9001");
    for (const std::string path : {"/console", "/console/favicon.svg", "/console/assets/index-Ab12.js"}) {
        const HttpResponse response = get(files, path);
        const std::string policy = header(response, "Content-Security-Policy");
        EXPECT_NE(policy.find("script-src 'self';"), std::string::npos) << path << ": " << policy;
        EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos) << path;
        EXPECT_EQ(policy.find("script-src 'self' blob:"), std::string::npos) << "only workers may come from blob:";
        EXPECT_NE(policy.find("connect-src 'self' ws://127.0.0.1:9001;"), std::string::npos) << policy;
        EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos) << policy;
        EXPECT_EQ(header(response, "X-Content-Type-Options"), "nosniff");
    }
}

TEST_F(ConsoleFilesTest, OnlyTheBuildsOwnFilesAreServed) {
    ConsoleFiles files(dir_.path(), "");
    EXPECT_EQ(files.size(), 4u);  // not the dot file
    EXPECT_EQ(statusOf([&] { get(files, "/console/.hidden"); }), 404);
    EXPECT_EQ(statusOf([&] { get(files, "/console/assets/missing.js"); }), 404);
    // The router splits paths at slashes, so ".." is only ever looked up as a name, and no such name is kept.
    EXPECT_EQ(statusOf([&] { get(files, "/console/assets/.."); }), 404);
    EXPECT_EQ(statusOf([&] { get(files, "/console/%2e%2e"); }), 404);
}

TEST_F(ConsoleFilesTest, WithoutABuildEveryPageSaysHowToBuildIt) {
    Poco::File(dir_.path() + "/index.html").remove();
    ConsoleFiles files(dir_.path(), "");
    try {
        get(files, "/console");
        FAIL() << "served a console that is not built";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 503);
        EXPECT_EQ(e.code(), "console_not_built");
        EXPECT_NE(std::string(e.what()).find("scripts/console.sh"), std::string::npos) << e.what();
    }
    ConsoleFiles unset("", "");
    EXPECT_EQ(statusOf([&] { get(unset, "/console/assets/index-Ab12.js"); }), 503);
}

}  // namespace
}  // namespace omnigate
