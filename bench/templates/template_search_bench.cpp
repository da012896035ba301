// bench/templates: the response-template search (docs/templates.md) at 10,000 templates. In process: building the
// word index of every template, then one query after another in any case and inflection, each timed alone: what
// the matching itself costs. With --port (bench/templates/run.sh starts a daemon): the same templates stored over
// REST, then the same queries through GET /api/v1/templates, each timed from request to the last byte of the answer.
// The templates are made from a fixed Russian and English vocabulary with a fixed seed: two runs search the same.
//   build/bench/omnigate_templates_bench [--templates 10000] [--queries 2000] [--port P --admin-token T]
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <thread>

#include "model/template_search.h"

namespace {

using Clock = std::chrono::steady_clock;

// Stems with endings: the texts use one form, the queries often another ("доставка" in a text, "доставки" asked).
const std::vector<std::string> kStems{"доставк", "заказ",  "оплат",   "возврат", "курьер", "карт",   "склад",
                                      "достав", "товар",  "гаранти", "скидк",   "адрес",  "телефон", "договор",
                                      "счёт",   "налич",  "посылк",  "магазин", "order",  "refund", "deliver",
                                      "payment", "invoice", "parcel",  "warrant", "discount"};
const std::vector<std::string> kEndings{"а", "и", "у", "ой", "ами", "ах", "", "s", "ed", "ing"};
const std::vector<std::string> kFillers{"пожалуйста", "сегодня", "завтра", "в", "на", "по", "для", "your", "the",
                                        "within", "days", "часов", "рабочих", "дней", "номер", "42", "2026"};

std::string word(std::mt19937& rng) {
    const std::string& stem = kStems[rng() % kStems.size()];
    return stem + kEndings[rng() % kEndings.size()];
}

std::vector<omnigate::ResponseTemplate> makeTemplates(std::size_t count, std::mt19937& rng) {
    std::vector<omnigate::ResponseTemplate> templates;
    templates.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        omnigate::ResponseTemplate t;
        t.id = static_cast<std::int64_t>(i + 1);
        t.title = word(rng) + " " + word(rng) + " " + std::to_string(i);
        t.shortcut = "/t" + std::to_string(i);
        // About 40 words: a template of two or three sentences, the usual size.
        for (int w = 0; w < 40; ++w) t.text += (rng() % 3 == 0 ? word(rng) : kFillers[rng() % kFillers.size()]) + " ";
        templates.push_back(std::move(t));
    }
    return templates;
}

double percentile(std::vector<double> sorted, double p) {
    if (sorted.empty()) return 0;
    const std::size_t at = std::min(sorted.size() - 1, static_cast<std::size_t>(p * static_cast<double>(sorted.size())));
    return sorted[at];
}

std::string text(int argc, char** argv, const char* name) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
    }
    return "";
}

std::size_t option(int argc, char** argv, const char* name, std::size_t fallback) {
    const std::string value = text(argc, argv, name);
    return value.empty() ? fallback : static_cast<std::size_t>(std::strtoul(value.c_str(), nullptr, 10));
}

// One keep-alive connection with the admin token; the answer's status, the body read to its end.
class Client {
public:
    Client(int port, std::string token) : session_("127.0.0.1", static_cast<Poco::UInt16>(port)), token_(std::move(token)) {
        session_.setKeepAlive(true);
    }
    int call(const std::string& method, const std::string& path, const std::string& body = "") {
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("Authorization", "Bearer " + token_);
        if (!body.empty()) {
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        session_.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::string answer;
        Poco::StreamCopier::copyToString(session_.receiveResponse(response), answer);
        return response.getStatus();
    }

private:
    Poco::Net::HTTPClientSession session_;
    std::string token_;
};

std::string jsonString(const std::string& value) {
    std::string out = "\"";
    for (char c : value) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return out + "\"";
}

// Stores the templates over REST from four connections at once (each answered after its commit).
void store(int port, const std::string& token, const std::vector<omnigate::ResponseTemplate>& templates) {
    std::vector<std::thread> writers;
    for (std::size_t w = 0; w < 4; ++w) {
        writers.emplace_back([&, w] {
            Client client(port, token);
            for (std::size_t i = w; i < templates.size(); i += 4) {
                const auto& t = templates[i];
                const int status = client.call("POST", "/api/v1/templates",
                                               "{\"title\":" + jsonString(t.title) + ",\"text\":" + jsonString(t.text) +
                                                   ",\"shortcut\":" + jsonString(t.shortcut) + "}");
                if (status != 201) {
                    std::fprintf(stderr, "bench/templates: storing template %zu was answered %d\n", i, status);
                    std::exit(1);
                }
            }
        });
    }
    for (std::thread& t : writers) t.join();
}

std::vector<std::string> makeQueries(std::size_t count, std::mt19937& rng) {
    std::vector<std::string> queries;
    for (std::size_t q = 0; q < count; ++q) {
        std::string query = word(rng);
        for (std::size_t extra = rng() % 3; extra > 0; --extra) query += " " + word(rng);
        // Every fourth query shouts, as a caps-lock operator would.
        if (q % 4 == 0) {
            std::transform(query.begin(), query.end(), query.begin(), [](unsigned char c) { return std::toupper(c); });
        }
        queries.push_back(std::move(query));
    }
    return queries;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t count = option(argc, argv, "--templates", 10000);
    const std::size_t queries = option(argc, argv, "--queries", 2000);
    const int port = static_cast<int>(option(argc, argv, "--port", 0));
    std::mt19937 rng(20261207);
    std::printf("bench/templates: %zu templates, %zu queries\n", count, queries);

    std::vector<omnigate::ResponseTemplate> templates = makeTemplates(count, rng);
    const std::vector<omnigate::ResponseTemplate> written = templates;
    const auto indexStart = Clock::now();
    const omnigate::TemplateSearch search(std::move(templates));
    const double indexMs = std::chrono::duration<double, std::milli>(Clock::now() - indexStart).count();

    // Uses for a tenth of the templates, as an operator's and their queue's counts would be.
    std::map<std::int64_t, std::int64_t> uses;
    for (std::size_t i = 0; i < count / 10; ++i) uses[static_cast<std::int64_t>(rng() % count + 1)] += rng() % 50;

    const std::vector<std::string> asked = makeQueries(queries, rng);
    std::vector<double> ms;
    std::size_t hits = 0;
    for (const std::string& query : asked) {
        const auto start = Clock::now();
        hits += search.find(query, uses, 8).size();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("in process: index of %zu templates %.1f ms (once per change of the templates)\n", count, indexMs);
    std::printf("in process: query p50 %.3f ms, p99 %.3f ms, max %.3f ms (%.1f hits per query, at most 8)\n",
                percentile(ms, 0.5), percentile(ms, 0.99), ms.back(),
                static_cast<double>(hits) / static_cast<double>(queries));
    if (port == 0) return 0;

    const std::string token = text(argc, argv, "--admin-token");
    std::printf("over REST: storing %zu templates\n", count);
    const auto storeStart = Clock::now();
    store(port, token, written);
    std::printf("over REST: stored in %.1f s\n", std::chrono::duration<double>(Clock::now() - storeStart).count());
    Client client(port, token);
    std::vector<double> rest;
    double first = 0;
    for (std::size_t i = 0; i < asked.size(); ++i) {
        std::string path;
        Poco::URI::encode(asked[i], "&=+?#%", path);
        const auto start = Clock::now();
        const int status = client.call("GET", "/api/v1/templates?limit=8&q=" + path);
        const double took = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        if (status != 200) {
            std::fprintf(stderr, "bench/templates: a search was answered %d\n", status);
            return 1;
        }
        // The first search after the last change builds the daemon's index: reported apart.
        if (i == 0) {
            first = took;
        } else {
            rest.push_back(took);
        }
    }
    std::sort(rest.begin(), rest.end());
    std::printf("over REST: first search (builds the index) %.1f ms\n", first);
    std::printf("over REST: search p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", percentile(rest, 0.5),
                percentile(rest, 0.99), rest.back());
    return 0;
}
