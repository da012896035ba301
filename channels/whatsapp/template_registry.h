// The WhatsApp templates registry [шаблоны WhatsApp] and its admin REST: GET/POST /api/v1/whatsapp/templates and
// GET/PUT/DELETE /api/v1/whatsapp/templates/{name}/{language}. Entries live in the host's durable plugin state
// (one key per name and language), so every daemon of an installation sees the same registry and operators'
// template messages are checked against it before anything is sent.
#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "omnigate/sdk/channel_host.h"
#include "whatsapp_template.h"

namespace omnigate::whatsapp {

enum class ReviewOutcome { Applied, NotRegistered, NotTheSigners };

class TemplateRegistry {
public:
    explicit TemplateRegistry(ChannelHost& host) : host_(host) {}

    void registerRoutes();
    std::optional<WhatsappTemplate> find(const std::string& name, const std::string& language);
    // Meta reviewed a template (a message_template_status_update webhook) in a webhook the app secrets of the
    // accounts `signers` signed: the registered one of that name and language takes the new status when one of
    // them may use it. NotRegistered: none is (Meta's word alone has no body to keep).
    ReviewOutcome applyReview(const std::string& name, const std::string& language, const std::string& status,
                              const std::set<std::string>& signers);

private:
    HttpResponse list(const HttpRequest& request);
    HttpResponse create(const HttpRequest& request);
    HttpResponse get(const HttpRequest& request);
    HttpResponse replace(const HttpRequest& request);
    HttpResponse remove(const HttpRequest& request);
    HttpHandler route(HttpResponse (TemplateRegistry::*handler)(const HttpRequest&));
    WhatsappTemplate existing(const HttpRequest& request);  // by the path's name and language, else 404
    void save(const WhatsappTemplate& t);

    ChannelHost& host_;
    // Serialises read-modify-write of one daemon (POST's existence check, PUT's version check). The registry is
    // edited by administrators, rarely: a lock is simpler than a compare-and-set the state API does not offer.
    std::mutex writeMutex_;
};

}  // namespace omnigate::whatsapp
