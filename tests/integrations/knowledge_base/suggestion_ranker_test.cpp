// Ranking templates against a client's message: words in any script (Russian clients write Russian, in any case,
// with ё or е, inflected), queues, usage lifting a fitting template but never an unrelated one, and the merge
// with the knowledge base's answers.
#include <gtest/gtest.h>

#include "omnigate/sdk/word_match.h"
#include "suggestion_ranker.h"
#include "utf8_text.h"

namespace omnigate::knowledge_base {
namespace {

using word_match::sameWord;
using word_match::toUtf8;
using word_match::wordsOf;

ResponseTemplate templ(const std::string& id, const std::string& title, const std::string& text,
                       std::vector<std::string> queues = {}) {
    ResponseTemplate t;
    t.id = id;
    t.title = title;
    t.text = text;
    t.queues = std::move(queues);
    return t;
}

std::vector<std::string> ids(const std::vector<Suggestion>& list) {
    std::vector<std::string> out;
    for (const Suggestion& s : list) out.push_back(s.id.empty() ? s.title : s.id);
    return out;
}

std::vector<std::string> utf8Words(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& w : wordsOf(text)) out.push_back(toUtf8(w));
    return out;
}

TEST(Words, LowerCasesCyrillicAndLatinAndReadsYoAsYe) {
    EXPECT_EQ(utf8Words("ГДЕ мой Заказ? Where is my ORDER №42 — ещё ЁЛКА"),
              (std::vector<std::string>{"где", "мой", "заказ", "where", "order", "42", "еще", "елка"}));
}

TEST(Words, SkipsShortWordsAndRepeatsButKeepsNumbers) {
    EXPECT_EQ(utf8Words("я в ок, ok 7 заказ Заказ ЗАКАЗ"), (std::vector<std::string>{"7", "заказ"}));
}

TEST(Words, BrokenUtf8SeparatesWordsInsteadOfFailing) {
    EXPECT_EQ(utf8Words(std::string("доставка\xff\xfeоплата")), (std::vector<std::string>{"доставка", "оплата"}));
    EXPECT_TRUE(utf8Words("").empty());
}

TEST(Words, InflectedFormsAreTheSameWord) {
    const auto same = [](const std::string& a, const std::string& b) {
        return sameWord(wordsOf(a).at(0), wordsOf(b).at(0));
    };
    EXPECT_TRUE(same("заказ", "заказа"));
    EXPECT_TRUE(same("доставка", "доставки"));
    EXPECT_TRUE(same("Доставкой", "доставка"));
    EXPECT_TRUE(same("orders", "order"));
    EXPECT_FALSE(same("card", "cart"));
    EXPECT_FALSE(same("доставить", "достать"));
    EXPECT_FALSE(same("поставка", "доставка"));
}

TEST(Utf8, TruncationKeepsWholeCharacters) {
    const std::string text = "доставка";  // 2 bytes per letter
    EXPECT_EQ(truncateUtf8(text, 5), "до");
    EXPECT_TRUE(isValidUtf8(truncateUtf8(text, 5)));
    EXPECT_EQ(truncateUtf8(text, 100), text);
    EXPECT_FALSE(isValidUtf8("\xc3("));
    EXPECT_EQ(utf8Length("ёлка"), 4u);
}

TEST(RankTemplates, CyrillicMessageFindsTheRussianTemplate) {
    const std::vector<ResponseTemplate> templates{
        templ("delivery", "Сроки доставки", "Доставка по Москве занимает 1-2 дня."),
        templ("refund", "Возврат денег", "Деньги вернутся на карту в течение 10 дней."),
        templ("hello", "Greeting", "Hello! How can I help you?")};
    const auto ranked = rankTemplates("ДОБРЫЙ ДЕНЬ, сколько идёт ДОСТАВКИ по Москве?", templates, "", {}, {}, 3);
    ASSERT_FALSE(ranked.empty());
    EXPECT_EQ(ranked[0].id, "delivery");
    EXPECT_EQ(ranked[0].source, "template");
    EXPECT_EQ(ranked[0].title, "Сроки доставки");
    EXPECT_GT(ranked[0].score, 0);
    EXPECT_LE(ranked[0].score, 1);
    for (const Suggestion& s : ranked) EXPECT_NE(s.id, "hello") << "an unrelated template was offered";
}

TEST(RankTemplates, NothingFitsNothingIsOffered) {
    const std::vector<ResponseTemplate> templates{templ("refund", "Refund", "Your money comes back in 10 days")};
    EXPECT_TRUE(rankTemplates("Привет", templates, "", {}, {}, 3).empty());
    EXPECT_TRUE(rankTemplates("", templates, "", {}, {}, 3).empty());
}

TEST(RankTemplates, QueueTemplatesAreOfferedOnlyInTheirQueues) {
    const std::vector<ResponseTemplate> templates{templ("vip-refund", "Refund", "VIP refund", {"vip"}),
                                                  templ("refund", "Refund", "Standard refund")};
    EXPECT_EQ(ids(rankTemplates("refund please", templates, "vip", {}, {}, 3)),
              (std::vector<std::string>{"refund", "vip-refund"}));
    EXPECT_EQ(ids(rankTemplates("refund please", templates, "sales", {}, {}, 3)), (std::vector<std::string>{"refund"}));
    EXPECT_EQ(ids(rankTemplates("refund please", templates, "", {}, {}, 3)), (std::vector<std::string>{"refund"}));
}

TEST(RankTemplates, UsageLiftsAFittingTemplateButNeverAnUnrelatedOne) {
    const std::vector<ResponseTemplate> templates{templ("a-refund", "Refund", "Refund in ten days"),
                                                  templ("b-refund", "Refund", "Refund to your card"),
                                                  templ("c-hello", "Hello", "Hello there")};
    // Equal overlap: by id without usage.
    EXPECT_EQ(ids(rankTemplates("refund", templates, "q", {}, {}, 3)), (std::vector<std::string>{"a-refund", "b-refund"}));
    // The operator's use of b lifts it; the queue's uses count as well.
    EXPECT_EQ(ids(rankTemplates("refund", templates, "q", {{"b-refund", 3}}, {}, 3)),
              (std::vector<std::string>{"b-refund", "a-refund"}));
    EXPECT_EQ(ids(rankTemplates("refund", templates, "q", {{"b-refund", 1}}, {{"a-refund", 5}}, 3)),
              (std::vector<std::string>{"a-refund", "b-refund"}));
    // Hugely popular but unrelated: still not offered.
    EXPECT_EQ(ids(rankTemplates("refund", templates, "q", {{"c-hello", 1000}}, {}, 3)),
              (std::vector<std::string>{"a-refund", "b-refund"}));
}

TEST(RankTemplates, UsageDoesNotBeatAMuchBetterFit) {
    const std::vector<ResponseTemplate> templates{templ("exact", "Refund delay", "refund delay card"),
                                                  templ("loose", "Card", "card things")};
    const auto ranked = rankTemplates("refund delay card", templates, "", {{"loose", 1000}}, {}, 3);
    EXPECT_EQ(ids(ranked), (std::vector<std::string>{"exact", "loose"}));
}

TEST(RankTemplates, KeepsTheLimit) {
    std::vector<ResponseTemplate> templates;
    for (int i = 0; i < 10; ++i) templates.push_back(templ("t" + std::to_string(i), "Refund", "refund"));
    EXPECT_EQ(rankTemplates("refund", templates, "", {}, {}, 3).size(), 3u);
}

TEST(MergeSuggestions, OrdersBothSourcesByScoreKnowledgeBaseFirstAtATie) {
    Suggestion kbHigh{"knowledge_base", "", "KB high", "x", "", 0.9};
    Suggestion kbTie{"knowledge_base", "", "KB tie", "x", "", 0.5};
    Suggestion tTie{"template", "t-tie", "T tie", "x", "", 0.5};
    Suggestion tLow{"template", "t-low", "T low", "x", "", 0.1};
    const auto merged = mergeSuggestions({kbTie, kbHigh}, {tLow, tTie}, 3);
    EXPECT_EQ(ids(merged), (std::vector<std::string>{"KB high", "KB tie", "t-tie"}));
}

}  // namespace
}  // namespace omnigate::knowledge_base
