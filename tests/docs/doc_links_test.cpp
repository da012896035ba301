// Every relative link in README.md and docs/ leads somewhere: the file exists and, when the link names a #fragment,
// that page has a heading with the anchor GitHub gives it. Pages move (the README's reference became docs/ pages
// this way), and a dead link is the first thing a newcomer trips over. Links to other sites are not followed: this
// test reads the source tree only.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace omnigate::test {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The text with fenced code blocks blanked out, newlines kept so that line numbers hold: a `#` comment in a shell
// block is no heading, and nothing in a block is a link.
std::string withoutFences(const std::string& text) {
    std::istringstream in(text);
    std::string out, line, fence;
    while (std::getline(in, line)) {
        const std::size_t indent = line.find_first_not_of(' ');
        const bool marker = indent != std::string::npos && indent <= 3 &&
                            (line.compare(indent, 3, "```") == 0 || line.compare(indent, 3, "~~~") == 0);
        if (marker) {
            const std::string run = line.substr(indent, line.find_first_not_of(line[indent], indent) - indent);
            if (fence.empty()) {
                fence = run;
            } else if (run[0] == fence[0] && run.size() >= fence.size()) {
                fence.clear();
            }
            out += '\n';
            continue;
        }
        out += fence.empty() ? line + '\n' : "\n";
    }
    return out;
}

// Also blanks inline code, which may run over a line break: `[x](y)` written as code is no link.
std::string withoutCode(const std::string& text) {
    std::string prose = withoutFences(text);
    std::size_t at = 0;
    while ((at = prose.find('`', at)) != std::string::npos) {
        const std::size_t ticks = std::min(prose.find_first_not_of('`', at), prose.size()) - at;
        const std::string run(ticks, '`');
        std::size_t close = prose.find(run, at + ticks);
        while (close != std::string::npos && close + ticks < prose.size() && prose[close + ticks] == '`') {
            close = prose.find(run, prose.find_first_not_of('`', close));
        }
        if (close == std::string::npos) {  // an unmatched run is literal text
            at += ticks;
            continue;
        }
        for (std::size_t i = at; i < close + ticks; ++i) {
            if (prose[i] != '\n') prose[i] = ' ';
        }
        at = close + ticks;
    }
    return prose;
}

// GitHub keeps letters, marks, numbers and '_' of any script and drops the rest. Without a Unicode table, this
// drops what is punctuation or a symbol among the non-ASCII characters such pages use: Latin-1's, the General
// Punctuation and currency blocks, arrows, technical symbols, box drawing, shapes and dingbats, CJK punctuation.
bool isSymbol(char32_t c) {
    if (c >= 0xA0 && c <= 0xBF) {
        const bool letterOrNumber = c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA ||
                                    (c >= 0xBC && c <= 0xBE);
        return !letterOrNumber;
    }
    return c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x206F) || (c >= 0x20A0 && c <= 0x20CF) ||
           (c >= 0x2190 && c <= 0x23FF) || (c >= 0x2500 && c <= 0x27BF) || (c >= 0x2B00 && c <= 0x2BFF) ||
           (c >= 0x3000 && c <= 0x303F);
}

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    }
    out += static_cast<char>(0x80 | (c & 0x3F));
}

// GitHub's anchor of a heading: lower case, spaces to '-', punctuation dropped except '-' and '_'. Letters of other
// scripts stay (Cyrillic capitals lower-cased); inline code counts as its text.
std::string anchorOf(const std::string& heading) {
    std::string anchor;
    for (std::size_t i = 0; i < heading.size();) {
        const auto byte = static_cast<unsigned char>(heading[i]);
        if (byte < 0x80) {
            if (std::isalnum(byte)) anchor += static_cast<char>(std::tolower(byte));
            else if (byte == ' ') anchor += '-';
            else if (byte == '-' || byte == '_') anchor += static_cast<char>(byte);
            ++i;
            continue;
        }
        const std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2;
        char32_t c = byte & (byte >= 0xF0 ? 0x07 : byte >= 0xE0 ? 0x0F : 0x1F);
        for (std::size_t k = 1; k < length && i + k < heading.size(); ++k) {
            c = (c << 6) | (static_cast<unsigned char>(heading[i + k]) & 0x3F);
        }
        if (c >= 0x410 && c <= 0x42F) c += 0x20;
        if (c == 0x401) c = 0x451;
        if (!isSymbol(c)) appendUtf8(anchor, c);
        i += length;
    }
    return anchor;
}

// The anchors of a page's headings (ATX headings, `#` to `######`); a repeated one gets -1, -2…, as on GitHub.
std::set<std::string> anchorsOf(const std::string& text) {
    static const std::regex heading(R"(^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$)");
    std::set<std::string> anchors;
    std::map<std::string, int> seen;
    std::istringstream in(withoutFences(text));
    std::string line;
    std::smatch match;
    while (std::getline(in, line)) {
        if (!std::regex_match(line, match, heading)) continue;
        const std::string anchor = anchorOf(match[1].str());
        const int repeats = seen[anchor]++;
        anchors.insert(repeats == 0 ? anchor : anchor + "-" + std::to_string(repeats));
    }
    return anchors;
}

struct Link {
    int line;
    std::string target;
};

// Inline links and images, [text](target "title"), and reference definitions, [name]: target.
std::vector<Link> linksOf(const std::string& text) {
    static const std::regex inlineLink(R"(\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\))");
    static const std::regex definition(R"((?:^|\n) {0,3}\[[^\]]+\]:[ \t]*<?([^\s>]+))");
    const std::string prose = withoutCode(text);
    std::vector<Link> links;
    for (const std::regex* pattern : {&inlineLink, &definition}) {
        for (auto it = std::sregex_iterator(prose.begin(), prose.end(), *pattern); it != std::sregex_iterator(); ++it) {
            const auto position = prose.begin() + it->position(1);
            links.push_back({1 + static_cast<int>(std::count(prose.begin(), position, '\n')), (*it)[1].str()});
        }
    }
    return links;
}

std::string percentDecoded(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// README.md and every .md file under docs/, relative to the root.
std::vector<fs::path> pagesUnder(const fs::path& root) {
    std::vector<fs::path> pages{"README.md"};
    for (const auto& entry : fs::recursive_directory_iterator(root / "docs")) {
        if (entry.is_regular_file() && entry.path().extension() == ".md") {
            pages.push_back(fs::relative(entry.path(), root));
        }
    }
    std::sort(pages.begin(), pages.end());
    return pages;
}

struct Findings {
    std::size_t checked = 0;          // relative links checked
    std::vector<std::string> broken;  // "page:line: 'target': what is wrong"
};

Findings checkLinks(const fs::path& root) {
    Findings findings;
    std::map<fs::path, std::set<std::string>> anchors;
    const auto anchorsIn = [&](const fs::path& page) -> const std::set<std::string>& {
        auto it = anchors.find(page);
        if (it == anchors.end()) it = anchors.emplace(page, anchorsOf(read(page))).first;
        return it->second;
    };
    static const std::regex scheme(R"(^[A-Za-z][A-Za-z0-9+.-]*:)");
    for (const fs::path& page : pagesUnder(root)) {
        for (const Link& link : linksOf(read(root / page))) {
            if (std::regex_search(link.target, scheme)) continue;  // http(s), mailto: not ours to check
            ++findings.checked;
            const std::size_t hash = link.target.find('#');
            const std::string file = percentDecoded(link.target.substr(0, hash));
            const std::string fragment = hash == std::string::npos ? "" : percentDecoded(link.target.substr(hash + 1));
            const fs::path target = file.empty()         ? root / page
                                    : file.front() == '/' ? root / file.substr(1)
                                                          : root / page.parent_path() / file;
            const std::string where = page.string() + ":" + std::to_string(link.line) + ": '" + link.target + "': ";
            const std::string named = fs::relative(target, root).lexically_normal().string();
            if (!fs::exists(target)) {
                findings.broken.push_back(where + "no such file " + named);
            } else if (!fragment.empty() && target.extension() != ".md") {
                findings.broken.push_back(where + "a #fragment into " + named + ", which has no Markdown headings");
            } else if (!fragment.empty() && anchorsIn(target).count(fragment) == 0) {
                findings.broken.push_back(where + "no heading with the anchor '" + fragment + "' in " + named);
            }
        }
    }
    return findings;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& line : lines) out += line + "\n";
    return out;
}

TEST(DocLinks, EveryRelativeLinkInTheReadmeAndDocsResolves) {
    const Findings findings = checkLinks(OMNIGATE_SOURCE_DIR);
    EXPECT_TRUE(findings.broken.empty()) << findings.broken.size() << " broken links:\n" << joined(findings.broken);
    // The README alone links to every docs page: far fewer links checked means the scan itself broke.
    EXPECT_GE(findings.checked, 50u);
}

TEST(DocLinks, AnchorsAreGitHubs) {
    EXPECT_EQ(anchorOf("Voice (SIP)"), "voice-sip");
    EXPECT_EQ(anchorOf("Routes, tokens and what leaks"), "routes-tokens-and-what-leaks");
    EXPECT_EQ(anchorOf("The daemon's keys"), "the-daemons-keys");
    EXPECT_EQ(anchorOf("The lifecycle (`core/model/interaction_status.h`)"),
              "the-lifecycle-coremodelinteraction_statush");
    EXPECT_EQ(anchorOf("Figures (commit 1402b35, 2026-11-26)"), "figures-commit-1402b35-2026-11-26");
    EXPECT_EQ(anchorOf("Interaction [Обращение]"), "interaction-обращение");
    EXPECT_EQ(anchorOf("Before → after — today"), "before--after--today");
    EXPECT_EQ(anchorsOf("# A\n## A\n### A\n"), (std::set<std::string>{"a", "a-1", "a-2"}));
}

TEST(DocLinks, CodeIsNeitherHeadingNorLink) {
    const std::string page = "# Title\n\n```sh\n# not a heading [x](nowhere.md)\n```\n\n"
                             "Text `[x](nowhere.md)` and ``a ` [y](gone.md)`` then [z](here.md \"title\").\n"
                             "[ref]: there.md#part\n"
                             "An unmatched `` is text: [w](open.md), `[q](code.md)` is code ```";
    EXPECT_EQ(anchorsOf(page), (std::set<std::string>{"title"}));
    const std::vector<Link> links = linksOf(page);
    ASSERT_EQ(links.size(), 3u);
    EXPECT_EQ(links[0].target, "here.md");
    EXPECT_EQ(links[0].line, 7);
    EXPECT_EQ(links[1].target, "open.md");
    EXPECT_EQ(links[1].line, 9);
    EXPECT_EQ(links[2].target, "there.md#part");
    EXPECT_EQ(links[2].line, 8);
}

// A tree of its own, in the system's temporary folder, removed afterwards.
class DocLinksTree : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("omnigate-doc-links-" + std::to_string(::getpid()));
        fs::remove_all(root_);
        fs::create_directories(root_ / "docs" / "channels");
    }
    void TearDown() override { fs::remove_all(root_); }
    void write(const fs::path& page, const std::string& text) { std::ofstream(root_ / page) << text; }

    fs::path root_;
};

TEST_F(DocLinksTree, ABrokenLinkIsReportedWithItsPageAndLine) {
    write("README.md", "# Hello\n\nSee [good](docs/a.md#part-one), [self](#hello), [site](https://example.com/x),\n"
                       "[gone](docs/missing.md) and [wrong part](docs/a.md#part-three).\n");
    write("docs/a.md", "# A\n\n## Part one\n\n[Back](../README.md#hello), [on](../docs/channels/b.md).\n");
    write("docs/channels/b.md", "# B\n\n[A's part](../a.md#part-two) and [a folder](../../docs/).\n");
    const Findings findings = checkLinks(root_);
    EXPECT_EQ(findings.checked, 8u);
    EXPECT_EQ(findings.broken,
              (std::vector<std::string>{
                  "README.md:4: 'docs/missing.md': no such file docs/missing.md",
                  "README.md:4: 'docs/a.md#part-three': no heading with the anchor 'part-three' in docs/a.md",
                  "docs/channels/b.md:3: '../a.md#part-two': no heading with the anchor 'part-two' in docs/a.md",
              }))
        << joined(findings.broken);
}

}  // namespace
}  // namespace omnigate::test
