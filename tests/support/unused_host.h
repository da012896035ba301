// Hosts whose every service throws "not used by this test", one per role a plugin can be handed: a plugin's unit
// test derives its fake from the one of its kind (UnusedChannelHost, UnusedIntegrationHost, UnusedBotHost) and
// overrides only what the plugin under test should call, so a new host method never breaks unrelated fakes and an
// unexpected call fails loudly.
#pragma once

#include <stdexcept>

#include "omnigate/sdk/bot_host.h"
#include "omnigate/sdk/channel_host.h"
#include "omnigate/sdk/integration_host.h"

namespace omnigate::test {

// What every plugin has; the role stubs below add their own on top of it.
class UnusedPluginHost : public virtual PluginHost {
public:
    void log(LogLevel, const std::string&) override {}
    const std::vector<AccountConfig>& accounts() const override { unused("accounts"); }
    void addRoute(const std::string&, const std::string&, HttpHandler) override { unused("addRoute"); }
    void addGuardedRoute(const std::string&, const std::string&, RouteAccess, HttpHandler) override {
        unused("addGuardedRoute");
    }
    bool isAdmin(const HttpRequest&) const override { unused("isAdmin"); }
    TimerId addTimer(std::chrono::milliseconds, std::function<void()>) override { unused("addTimer"); }
    void cancelTimer(TimerId) override { unused("cancelTimer"); }
    Attachment storeFile(const std::string&, const std::string&, const std::string&) override { unused("storeFile"); }
    std::optional<File> readFile(const std::string&) override { unused("readFile"); }
    std::optional<std::string> loadState(const std::string&) override { unused("loadState"); }
    void saveState(const std::string&, const std::string&) override { unused("saveState"); }
    void eraseState(const std::string&) override { unused("eraseState"); }
    std::vector<std::pair<std::string, std::string>> listState(const std::string&) override { unused("listState"); }
    void setReadiness(const std::string&, bool, const std::string&) override { unused("setReadiness"); }
    void setGauge(const std::string&, const std::string&, double) override { unused("setGauge"); }
    void publish(const std::string&, const std::string&, const std::string&) override { unused("publish"); }
    std::optional<std::string> interaction(std::int64_t) override { unused("interaction"); }
    std::optional<std::string> client(std::int64_t) override { unused("client"); }
    void updateClientCard(std::int64_t, const std::map<std::string, std::string>&) override {
        unused("updateClientCard");
    }
    std::vector<StoredMessage> messages(std::int64_t, std::size_t) override { unused("messages"); }

protected:
    [[noreturn]] static void unused(const char* what) {
        throw std::logic_error(std::string("the host's ") + what + " is not used by this test");
    }
};

class UnusedChannelHost : public ChannelHost, public UnusedPluginHost {
public:
    SubmitResult submitInbound(const InboundMessage&) override { unused("submitInbound"); }
    std::vector<StoredMessage> history(const std::string&, const Address&, std::size_t) override { unused("history"); }
    void updateDeliveryStatus(const StatusUpdate&) override { unused("updateDeliveryStatus"); }
    bool amendInbound(const InboundAmendment&) override { unused("amendInbound"); }
    std::optional<std::int64_t> clientIdByAddress(const Address&) override { unused("clientIdByAddress"); }
    std::string operatorPhone(const std::string&) override { unused("operatorPhone"); }
    void closeInteraction(std::int64_t, const std::string&, const std::string&) override { unused("closeInteraction"); }
    StoredMessage addSystemMessage(std::int64_t, const std::string&, const std::vector<Attachment>&) override {
        unused("addSystemMessage");
    }
    void rateInteraction(const std::string&, const Address&, std::int64_t, int, const std::string&) override {
        unused("rateInteraction");
    }
    void addWebSocket(const std::string&, std::shared_ptr<WebSocketHandler>) override { unused("addWebSocket"); }
    std::chrono::seconds throttle(RateLimit, const std::string&) override { unused("throttle"); }
};

class UnusedIntegrationHost : public virtual IntegrationHost, public UnusedPluginHost {
public:
    void subscribeEvents(const std::string&, const std::vector<std::string>&) override { unused("subscribeEvents"); }
    std::vector<EventDelivery> leaseDeliveries(const std::string&, std::size_t, std::chrono::seconds) override {
        unused("leaseDeliveries");
    }
    void completeDelivery(std::int64_t) override { unused("completeDelivery"); }
    void retryDelivery(std::int64_t, std::chrono::system_clock::time_point, const std::string&) override {
        unused("retryDelivery");
    }
    void deadLetterDelivery(std::int64_t, const std::string&) override { unused("deadLetterDelivery"); }
    std::vector<EventDelivery> deadLetters(const std::string&, std::size_t) override { unused("deadLetters"); }
    std::size_t redeliver(const std::string&, std::int64_t) override { unused("redeliver"); }
    std::size_t backlog(const std::string&) override { unused("backlog"); }
    std::size_t purgeDeliveries(const std::string&) override { unused("purgeDeliveries"); }
    std::vector<SharedTemplate> sharedTemplates() override { unused("sharedTemplates"); }
    std::map<std::string, std::int64_t> templateUses(const std::string&, const std::string&) override {
        unused("templateUses");
    }
    bool importTemplate(const std::string&, const SharedTemplate&) override { unused("importTemplate"); }
};

class UnusedBotHost : public BotHost, public UnusedIntegrationHost {
public:
    bool holdForBot(const std::string&, std::int64_t) override { unused("holdForBot"); }
    StoredMessage replyAsBot(const std::string&, std::int64_t, const std::string&) override { unused("replyAsBot"); }
    void handOffToPeople(const std::string&, std::int64_t, const HandOff&) override { unused("handOffToPeople"); }
    void closeAsBot(const std::string&, std::int64_t, const std::string&) override { unused("closeAsBot"); }
};

}  // namespace omnigate::test
