// /metrics is scraped by Prometheus, which drops the whole scrape on one malformed line. These tests read render()'s
// output with a small parser of the text exposition format and check what dashboards rely on.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "metrics/metrics.h"

namespace omnigate {
namespace {

struct Sample {
    std::string name;
    std::string labels;  // as written between the braces, "" when none
    double value = 0;
};

struct Exposition {
    std::map<std::string, std::string> help;  // family -> help text
    std::map<std::string, std::string> type;  // family -> counter, gauge, histogram
    std::vector<Sample> samples;

    double value(const std::string& name, const std::string& labels = "") const {
        for (const Sample& s : samples) {
            if (s.name == name && s.labels == labels) return s.value;
        }
        ADD_FAILURE() << "no sample " << name << "{" << labels << "}";
        return NAN;
    }
    bool has(const std::string& name, const std::string& labels = "") const {
        for (const Sample& s : samples) {
            if (s.name == name && s.labels == labels) return true;
        }
        return false;
    }
};

// The family a sample belongs to: a histogram's _bucket, _sum and _count lines belong to the histogram.
std::string familyOf(const std::string& sample, const std::map<std::string, std::string>& types) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string s(suffix);
        if (sample.size() > s.size() && sample.compare(sample.size() - s.size(), s.size(), s) == 0) {
            const std::string base = sample.substr(0, sample.size() - s.size());
            const auto it = types.find(base);
            if (it != types.end() && it->second == "histogram") return base;
        }
    }
    return sample;
}

// Parses the text format strictly, recording a test failure for every line Prometheus would refuse.
Exposition parse(const std::string& text) {
    static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+))");
    static const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
    static const std::regex sample(
        R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*")*)\})? (\S+))");
    Exposition out;
    std::set<std::string> finished;  // families whose samples are over: one family's lines must be contiguous
    std::string current;
    std::istringstream in(text);
    std::string line;
    EXPECT_TRUE(text.empty() || text.back() == '\n') << "the exposition must end with a newline";
    while (std::getline(in, line)) {
        std::smatch m;
        std::string family;
        if (std::regex_match(line, m, help)) {
            family = m[1];
            EXPECT_EQ(out.help.count(family), 0u) << "second HELP for " << family;
            out.help[family] = m[2];
        } else if (std::regex_match(line, m, type)) {
            family = m[1];
            EXPECT_EQ(out.type.count(family), 0u) << "second TYPE for " << family;
            out.type[family] = m[2];
        } else if (std::regex_match(line, m, sample)) {
            Sample s;
            s.name = m[1];
            s.labels = m[3];
            std::size_t used = 0;
            const std::string value = m[5];
            try {
                s.value = std::stod(value, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            EXPECT_EQ(used, value.size()) << "not a number: " << line;
            family = familyOf(s.name, out.type);
            EXPECT_EQ(out.type.count(family), 1u) << "a sample before its TYPE line: " << line;
            out.samples.push_back(s);
        } else {
            ADD_FAILURE() << "not a line of the Prometheus text format: '" << line << "'";
            continue;
        }
        if (family != current) {
            EXPECT_EQ(finished.count(family), 0u) << "the lines of " << family << " are not together";
            if (!current.empty()) finished.insert(current);
            current = family;
        }
    }
    return out;
}

constexpr const char* kDuration = "omnigate_http_request_duration_seconds";

TEST(Metrics, AnEmptyRegistryIsValid) {
    const Exposition e = parse(Metrics().render());
    EXPECT_EQ(e.type.at("omnigate_messages_total"), "counter");
    EXPECT_EQ(e.type.at("omnigate_http_errors_total"), "counter");
    EXPECT_EQ(e.type.at(kDuration), "histogram");
    for (const auto& [family, type] : e.type) EXPECT_EQ(e.help.count(family), 1u) << family << " has no HELP";
    EXPECT_EQ(e.value(std::string(kDuration) + "_count"), 0);
    EXPECT_EQ(e.value(std::string(kDuration) + "_bucket", "le=\"+Inf\""), 0);
}

TEST(Metrics, CountsMessagesByDirectionAndChannel) {
    Metrics metrics;
    metrics.countMessage("in", "webchat");
    metrics.countMessage("in", "webchat");
    metrics.countMessage("out", "webchat");
    metrics.countMessage("in", "email");
    const Exposition e = parse(metrics.render());
    EXPECT_EQ(e.value("omnigate_messages_total", R"(direction="in",channel="webchat")"), 2);
    EXPECT_EQ(e.value("omnigate_messages_total", R"(direction="out",channel="webchat")"), 1);
    EXPECT_EQ(e.value("omnigate_messages_total", R"(direction="in",channel="email")"), 1);
    EXPECT_FALSE(e.has("omnigate_messages_total", R"(direction="out",channel="email")"));
}

TEST(Metrics, CountsHttpErrorsByStatus) {
    Metrics metrics;
    metrics.countHttpError(404);
    metrics.countHttpError(503);
    metrics.countHttpError(503);
    const Exposition e = parse(metrics.render());
    EXPECT_EQ(e.value("omnigate_http_errors_total", R"(status="404")"), 1);
    EXPECT_EQ(e.value("omnigate_http_errors_total", R"(status="503")"), 2);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
    Metrics metrics;
    for (double seconds : {0.0003, 0.001, 0.003, 0.3, 2.0}) metrics.observeRequest(seconds);
    const Exposition e = parse(metrics.render());
    const std::string bucket = std::string(kDuration) + "_bucket";

    // Every bucket counts the observations at or below its bound ("le" is inclusive: 0.001 is in le="0.001").
    EXPECT_EQ(e.value(bucket, R"(le="0.0005")"), 1);
    EXPECT_EQ(e.value(bucket, R"(le="0.001")"), 2);
    EXPECT_EQ(e.value(bucket, R"(le="0.005")"), 3);
    EXPECT_EQ(e.value(bucket, R"(le="0.25")"), 3);
    EXPECT_EQ(e.value(bucket, R"(le="0.5")"), 4);
    EXPECT_EQ(e.value(bucket, R"(le="1")"), 4);
    EXPECT_EQ(e.value(bucket, R"(le="+Inf")"), 5);
    EXPECT_EQ(e.value(std::string(kDuration) + "_count"), 5);
    EXPECT_NEAR(e.value(std::string(kDuration) + "_sum"), 2.3043, 1e-9);

    // Bounds increase, counts never decrease, and the last bucket is +Inf holding the count.
    double lastBound = -1;
    double lastCount = 0;
    std::size_t buckets = 0;
    for (const Sample& s : e.samples) {
        if (s.name != bucket) continue;
        ++buckets;
        const std::string le = s.labels.substr(4, s.labels.size() - 5);  // le="..."
        const double bound = le == "+Inf" ? INFINITY : std::stod(le);
        EXPECT_GT(bound, lastBound) << s.labels;
        EXPECT_GE(s.value, lastCount) << s.labels;
        lastBound = bound;
        lastCount = s.value;
    }
    EXPECT_GT(buckets, 2u);
    EXPECT_EQ(lastBound, INFINITY);
    EXPECT_EQ(lastCount, e.value(std::string(kDuration) + "_count"));
}

TEST(Metrics, GaugesAreReadAtRenderTime) {
    Metrics metrics;
    double backlog = 3;
    metrics.addGauge("omnigate_outbox_backlog", "Events stored but not yet acknowledged by the broker.",
                     [&backlog] { return backlog; });
    Exposition e = parse(metrics.render());
    EXPECT_EQ(e.type.at("omnigate_outbox_backlog"), "gauge");
    EXPECT_EQ(e.help.at("omnigate_outbox_backlog"), "Events stored but not yet acknowledged by the broker.");
    EXPECT_EQ(e.value("omnigate_outbox_backlog"), 3);

    backlog = 7;
    e = parse(metrics.render());
    EXPECT_EQ(e.value("omnigate_outbox_backlog"), 7);
}

TEST(Metrics, SeveralGaugesEachWithTheirOwnFamily) {
    Metrics metrics;
    metrics.addGauge("omnigate_write_queue", "Writes waiting.", [] { return 1.0; });
    metrics.addGauge("omnigate_websocket_connections", "Open WebSocket connections.", [] { return 12.0; });
    const Exposition e = parse(metrics.render());
    EXPECT_EQ(e.value("omnigate_write_queue"), 1);
    EXPECT_EQ(e.value("omnigate_websocket_connections"), 12);
    EXPECT_EQ(e.type.at("omnigate_websocket_connections"), "gauge");
}

}  // namespace
}  // namespace omnigate
