// bench/templates: the response-template search (docs/templates.md) at 10,000 templates, in process: building the
// word index of every template, then one query after another in any case and inflection, each timed alone. Not
// the HTTP round trip nor the read from MariaDB: what the matching itself costs. The templates are made from a
// fixed Russian and English vocabulary with a fixed seed, so two runs search the same texts.
//   build/bench/omnigate_templates_bench [--templates 10000] [--queries 2000]
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

std::size_t option(int argc, char** argv, const char* name, std::size_t fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0) return static_cast<std::size_t>(std::strtoul(argv[i + 1], nullptr, 10));
    }
    return fallback;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t count = option(argc, argv, "--templates", 10000);
    const std::size_t queries = option(argc, argv, "--queries", 2000);
    std::mt19937 rng(20261207);
    std::printf("bench/templates: %zu templates, %zu queries\n", count, queries);

    std::vector<omnigate::ResponseTemplate> templates = makeTemplates(count, rng);
    const auto indexStart = Clock::now();
    const omnigate::TemplateSearch search(std::move(templates));
    const double indexMs = std::chrono::duration<double, std::milli>(Clock::now() - indexStart).count();

    // Uses for a tenth of the templates, as an operator's and their queue's counts would be.
    std::map<std::int64_t, std::int64_t> uses;
    for (std::size_t i = 0; i < count / 10; ++i) uses[static_cast<std::int64_t>(rng() % count + 1)] += rng() % 50;

    std::vector<double> ms;
    std::size_t hits = 0;
    for (std::size_t q = 0; q < queries; ++q) {
        std::string query = word(rng);
        for (std::size_t extra = rng() % 3; extra > 0; --extra) query += " " + word(rng);
        // Every fourth query shouts, as a caps-lock operator would.
        if (q % 4 == 0) std::transform(query.begin(), query.end(), query.begin(), [](unsigned char c) { return std::toupper(c); });
        const auto start = Clock::now();
        hits += search.find(query, uses, 8).size();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("index of %zu templates: %.1f ms (once per change of the templates)\n", count, indexMs);
    std::printf("query: p50 %.3f ms, p99 %.3f ms, max %.3f ms (%.1f hits per query, at most 8)\n", percentile(ms, 0.5),
                percentile(ms, 0.99), ms.back(), static_cast<double>(hits) / static_cast<double>(queries));
    return 0;
}
