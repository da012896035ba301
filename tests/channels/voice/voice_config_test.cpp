// The voice settings: valid YAML becomes a typed config with safe defaults (only this host may call), and every
// mistake is a ConfigError naming the key, because an administrator fixes a trunk's setup from that sentence.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "omnigate/sdk/config_node.h"
#include "voice_config.h"
#include "wav_file.h"

namespace omnigate::voice {
namespace {

ConfigNode settingsOf(const std::string& yaml) { return ConfigNode::parseString(yaml, "test.yaml")["settings"]; }

ConfigError errorOf(const std::string& yaml) {
    try {
        parseVoiceConfig(settingsOf(yaml));
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << yaml;
    return ConfigError("", 0, 0, "", "");
}

TEST(VoiceConfig, AppliesDefaults) {
    const VoiceConfig c = parseVoiceConfig(settingsOf("settings:\n  listen: 127.0.0.1:15060\n"));
    EXPECT_EQ(c.listenUrl(), "sip:127.0.0.1:15060");
    EXPECT_EQ(c.rtpAddress, "127.0.0.1");
    EXPECT_EQ(c.rtpPortMin, 16000);
    EXPECT_EQ(c.rtpPortMax, 16999);
    ASSERT_EQ(c.allow.size(), 1u);
    EXPECT_TRUE(c.allow[0].contains(*parseIpv4("127.0.0.1")));
    EXPECT_FALSE(c.allow[0].contains(*parseIpv4("10.0.0.1")));
    EXPECT_FALSE(c.auth);
    EXPECT_EQ(c.maxConcurrentCalls, 30);
    EXPECT_EQ(c.retryAfterSeconds, 30);
    EXPECT_FALSE(c.announcement.empty()) << "a built-in announcement when no file is configured";
    EXPECT_FALSE(c.hold.empty());
    EXPECT_TRUE(c.trunk.empty());
    EXPECT_EQ(c.callerId, "omnigate");
}

TEST(VoiceConfig, ReadsEveryKey) {
    const std::string wav = "/tmp/voice-config-test-" + std::to_string(::getpid()) + ".wav";
    {
        std::ofstream out(wav, std::ios::binary);
        out << wavBytes(std::vector<std::int16_t>(800, 100), 1, 8000);
    }
    const VoiceConfig c = parseVoiceConfig(settingsOf(
        "settings:\n"
        "  listen: 127.0.0.1:5080\n"
        "  rtp_address: 127.0.0.2\n"
        "  rtp_ports: {min: 20000, max: 20199}\n"
        "  allow: [10.0.0.0/8, 192.0.2.7]\n"
        "  auth: {realm: pbx, username: trunk, password: long-enough}\n"
        "  max_concurrent_calls: 50\n"
        "  retry_after_seconds: 5\n"
        "  max_invites_per_second: 100\n"
        "  announcement: " + wav + "\n"
        "  hold_audio: " + wav + "\n"
        "  operators: {ivanov: 'sip:ivanov@10.0.0.5:5060', petrova: 'sip:200@pbx.example.com'}\n"
        "  trunk: 'sip:{number}@10.0.0.1:5060'\n"
        "  caller_id: '+4930123'\n"
        "  rtp_timeout_seconds: 20\n"
        "  max_call_seconds: 600\n"
        "  operator_answer_seconds: 15\n"));
    std::remove(wav.c_str());
    EXPECT_EQ(c.listenPort, 5080);
    EXPECT_EQ(c.rtpAddress, "127.0.0.2");
    EXPECT_EQ(c.rtpPortMin, 20000);
    ASSERT_EQ(c.allow.size(), 2u);
    EXPECT_TRUE(c.allow[0].contains(*parseIpv4("10.200.1.1")));
    EXPECT_TRUE(c.allow[1].contains(*parseIpv4("192.0.2.7")));
    EXPECT_FALSE(c.allow[1].contains(*parseIpv4("192.0.2.8")));
    ASSERT_TRUE(c.auth);
    EXPECT_EQ(c.auth->realm, "pbx");
    EXPECT_EQ(c.maxConcurrentCalls, 50);
    EXPECT_EQ(c.maxInvitesPerSecond, 100);
    EXPECT_EQ(c.announcement.size(), 800u);
    EXPECT_EQ(c.operators.at("petrova"), "sip:200@pbx.example.com");
    EXPECT_EQ(c.trunk, "sip:{number}@10.0.0.1:5060");
    EXPECT_EQ(c.callerId, "+4930123");
    EXPECT_EQ(c.maxCallSeconds, 600);
    EXPECT_EQ(c.operatorAnswerSeconds, 15);
}

TEST(VoiceConfig, MistakesNameTheirKey) {
    EXPECT_EQ(errorOf("settings:\n  rtp_address: 127.0.0.1\n").keyPath(), "settings.listen");
    EXPECT_EQ(errorOf("settings:\n  listen: localhost:5060\n").keyPath(), "settings.listen");
    EXPECT_EQ(errorOf("settings:\n  listen: 127.0.0.1:99999\n").keyPath(), "settings.listen");
    EXPECT_EQ(errorOf("settings:\n  listen: 127.0.0.1:5060\n  allow: [300.1.1.1]\n").keyPath(), "settings.allow[0]");
    EXPECT_EQ(errorOf("settings:\n  listen: 127.0.0.1:5060\n  allow: [10.0.0.0/33]\n").keyPath(), "settings.allow[0]");
    EXPECT_EQ(errorOf("settings:\n  listen: 127.0.0.1:5060\n  max_concurrent_calls: 0\n").keyPath(),
              "settings.max_concurrent_calls");
    EXPECT_EQ(errorOf("settings:\n  listen: 127.0.0.1:5060\n  auth: {username: a, password: short}\n").keyPath(),
              "settings.auth.password");
    EXPECT_EQ(errorOf("settings:\n  listen: 127.0.0.1:5060\n  operators: {ivanov: 'tel:123'}\n").keyPath(),
              "settings.operators.ivanov");
    EXPECT_EQ(errorOf("settings:\n  listen: 127.0.0.1:5060\n  trunk: 'sip:gw@10.0.0.1'\n").keyPath(), "settings.trunk");
    EXPECT_EQ(errorOf("settings:\n  listen: 127.0.0.1:5060\n  announcement: /nonexistent.wav\n").keyPath(),
              "settings.announcement");
    EXPECT_EQ(errorOf("settings:\n  listen: 127.0.0.1:5060\n  rtp_ports: {min: 16000, max: 16003}\n").keyPath(),
              "settings.rtp_ports");
    EXPECT_EQ(errorOf("settings:\n  listen: 127.0.0.1:5060\n  caller_id: 'a b'\n").keyPath(), "settings.caller_id");
    const ConfigError unknown = errorOf("settings:\n  listen: 127.0.0.1:5060\n  codecs: [g729]\n");
    EXPECT_NE(std::string(unknown.what()).find("codecs"), std::string::npos) << unknown.what();
}

TEST(VoiceConfig, PeersBeyondThisHostMustAuthenticateUnlessTheConfigSaysOtherwise) {
    const std::string listen = "settings:\n  listen: 127.0.0.1:5060\n";
    // Loopback entries alone need no credentials.
    EXPECT_EQ(parseVoiceConfig(settingsOf(listen + "  allow: [127.0.0.1, 127.0.0.0/8]\n")).allow.size(), 2u);

    // The first entry beyond loopback is named, with what to do about it.
    const ConfigError open = errorOf(listen + "  allow: [127.0.0.1, 10.0.0.0/8]\n");
    EXPECT_EQ(open.keyPath(), "settings.allow[1]");
    EXPECT_NE(std::string(open.what()).find("allow_unauthenticated"), std::string::npos) << open.what();
    EXPECT_EQ(errorOf(listen + "  allow: [0.0.0.0/0]\n").keyPath(), "settings.allow[0]");
    EXPECT_EQ(errorOf(listen + "  allow: [126.0.0.0/7]\n").keyPath(), "settings.allow[0]") << "wider than loopback";

    // With credentials, or said explicitly, the network may call.
    EXPECT_TRUE(parseVoiceConfig(settingsOf(listen + "  allow: [10.0.0.0/8]\n"
                                                     "  auth: {username: trunk, password: long-enough}\n")).auth);
    EXPECT_EQ(parseVoiceConfig(settingsOf(listen + "  allow: [10.0.0.0/8]\n  allow_unauthenticated: true\n"))
                  .allow.size(),
              1u);
    EXPECT_EQ(errorOf(listen + "  allow: [10.0.0.0/8]\n  allow_unauthenticated: false\n").keyPath(),
              "settings.allow[0]");
    EXPECT_EQ(errorOf(listen + "  allow: [10.0.0.0/8]\n  allow_unauthenticated: yes please\n").keyPath(),
              "settings.allow_unauthenticated");
    EXPECT_EQ(errorOf(listen + "  allow_unauthenticated: true\n  auth: {username: trunk, password: long-enough}\n")
                  .keyPath(),
              "settings.allow_unauthenticated");
}

TEST(VoiceConfig, AnAnnouncementMustBeATelephoneWav) {
    const std::string wav = "/tmp/voice-config-test-stereo-" + std::to_string(::getpid()) + ".wav";
    {
        std::ofstream out(wav, std::ios::binary);
        out << wavBytes({1, 2, 3, 4}, 2, 44100);
    }
    const ConfigError e = errorOf("settings:\n  listen: 127.0.0.1:5060\n  hold_audio: " + wav + "\n");
    std::remove(wav.c_str());
    EXPECT_EQ(e.keyPath(), "settings.hold_audio");
    EXPECT_NE(std::string(e.what()).find("8 kHz mono 16-bit"), std::string::npos) << e.what();
}

TEST(VoiceConfig, NetworksParseStrictly) {
    EXPECT_TRUE(parseNetwork("0.0.0.0/0")->contains(*parseIpv4("203.0.113.9")));
    EXPECT_FALSE(parseIpv4("1.2.3"));
    EXPECT_FALSE(parseIpv4("1.2.3.4.5"));
    EXPECT_FALSE(parseIpv4("01234.1.1.1"));
    EXPECT_FALSE(parseNetwork("1.2.3.4/"));
    EXPECT_FALSE(parseNetwork("1.2.3.4/x"));
}

}  // namespace
}  // namespace omnigate::voice

namespace omnigate::voice {
namespace {

TEST(VoiceConfig, TheDemoConfigsVoiceAccountIsValid) {
    const ConfigNode root = ConfigNode::parseFile(std::string(OMNIGATE_SOURCE_DIR) + "/config/omnigate.yaml");
    int found = 0;
    for (const ConfigNode& channel : root["channels"].elements()) {
        if (channel["type"].asString() != "voice") continue;
        ++found;
        const VoiceConfig c = parseVoiceConfig(channel["settings"]);
        EXPECT_EQ(c.listenHost, "127.0.0.1");
        EXPECT_EQ(c.operators.count("ivanov"), 1u);
        EXPECT_NE(c.trunk.find("{number}"), std::string::npos);
    }
    EXPECT_EQ(found, 1);
}

}  // namespace
}  // namespace omnigate::voice
