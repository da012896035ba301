// Which replies opt a client out: a stop word alone, in any case and with what people type around it, in Russian
// as in English; never a sentence that merely contains one.
#include <gtest/gtest.h>

#include "pipeline/consent_stage.h"

namespace omnigate {
namespace {

const std::vector<std::string> kWords{"stop", "стоп", "отписаться"};

TEST(ConsentStage, AStopWordAloneIsOne) {
    for (const std::string text : {"STOP", "stop", " Stop! ", "СТОП", "стоп.", "«Стоп»", "Отписаться", "\"STOP\"\n"}) {
        EXPECT_TRUE(ConsentStage::isStop(text, kWords)) << text;
    }
    const std::vector<std::string> notStop{"",        "  ",     "!!",     "stop it", "не стоп", "Please stop sending",
                                           "stopp",   "стопка", std::string(100, ' ') + "stop"};
    for (const std::string& text : notStop) {
        EXPECT_FALSE(ConsentStage::isStop(text, kWords)) << text;
    }
}

}  // namespace
}  // namespace omnigate
