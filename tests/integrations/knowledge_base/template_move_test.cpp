// Moving the templates this plugin kept (the YAML file's and those added over its old REST into its state) into
// the core: each once, the state's copy and its old counts forgotten only once the core has it, a template the core
// refuses left where it is, a damaged state row left alone.
#include <gtest/gtest.h>

#include "fake_host.h"
#include "template_move.h"

namespace omnigate::knowledge_base {
namespace {

TEST(TemplateMove, TheFilesAndTheStatesTemplatesMoveOnceAndTheStateForgetsThem) {
    test::FakeHost host;
    host.knownQueues = {"sales"};
    host.state["template/refund"] =
        R"({"id":"refund","title":"Возврат","text":"Деньги вернутся за 10 дней","queues":["sales"],"version":3})";
    host.state["uses/all/refund"] = "4";
    host.state["uses/operator/ivanov/refund"] = "4";
    host.state["uses/all/other"] = "1";
    const std::vector<ResponseTemplate> file{{"hello", "Привет", "Здравствуйте!", {}}};

    TemplateMove::Result r = TemplateMove(host).run(file);
    EXPECT_EQ(r.moved, 2u);
    ASSERT_EQ(host.shared.size(), 2u);
    EXPECT_EQ(host.shared[1].title, "Возврат");
    EXPECT_EQ(host.shared[1].text, "Деньги вернутся за 10 дней");
    EXPECT_EQ(host.shared[1].queues, (std::vector<std::string>{"sales"}));
    EXPECT_EQ(host.state, (std::map<std::string, std::string>{{"uses/all/other", "1"}}));

    // The next load finds them moved.
    r = TemplateMove(host).run(file);
    EXPECT_EQ(r.moved, 0u);
    EXPECT_EQ(r.present, 1u);
    EXPECT_EQ(host.shared.size(), 2u);
}

TEST(TemplateMove, ATemplateTheCoreRefusesStaysInTheState) {
    test::FakeHost host;
    const std::string json = R"({"id":"vip","title":"VIP","text":"For VIPs","queues":["vip"]})";
    host.state["template/vip"] = json;
    host.state["template/broken"] = "{not json";
    const TemplateMove::Result r = TemplateMove(host).run({});
    EXPECT_EQ(r.moved, 0u);
    EXPECT_EQ(r.kept, 1u);
    EXPECT_EQ(host.state["template/vip"], json);
    EXPECT_EQ(host.state["template/broken"], "{not json");
    EXPECT_TRUE(host.shared.empty());
    ASSERT_EQ(host.logged.size(), 2u);
}

}  // namespace
}  // namespace omnigate::knowledge_base
