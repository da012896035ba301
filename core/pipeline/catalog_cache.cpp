#include "pipeline/catalog_cache.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/UTF8String.h>
#include <cppconn/exception.h>

#include "model/address_normalization.h"
#include "model/internal_error.h"
#include "omnigate/sdk/api_error.h"

namespace omnigate {

CatalogCache::CatalogCache(ConnectionPool& pool, std::chrono::milliseconds maxAge) : pool_(pool), maxAge_(maxAge) {}

void CatalogCache::invalidate() {
    std::lock_guard<std::mutex> lock(mutex_);
    stale_ = true;
}

std::shared_ptr<const Catalog> CatalogCache::current() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (snapshot_ && !stale_ && std::chrono::steady_clock::now() - loadedAt_ < maxAge_) return snapshot_;
    try {
        snapshot_ = load();
        loadedAt_ = std::chrono::steady_clock::now();
        stale_ = false;
    } catch (const std::exception& e) {
        if (!snapshot_) throw InternalError::unavailable("cannot read the black list and templates", withCause(e));
        Poco::Logger::get("omnigate.pipeline").warning("keeping the previous catalogs: %s", withCause(e));
    }
    return snapshot_;
}

std::shared_ptr<const Catalog> CatalogCache::load() {
    auto catalog = std::make_shared<Catalog>();
    PooledSession session = pool_.acquire();
    try {
        {
            std::unique_ptr<sql::ResultSet> rs(session->prepare("SELECT kind, value FROM blacklist").executeQuery());
            while (rs->next()) {
                const Address a = normalizeAddress({rs->getString(1), rs->getString(2)});
                catalog->blacklist.insert({a.kind, a.value});
            }
        }
        {
            std::unique_ptr<sql::ResultSet> rs(session->prepare("SELECT word FROM spam_words").executeQuery());
            while (rs->next()) catalog->spamWords.push_back(Poco::UTF8::toLower(std::string(rs->getString(1))));
        }
        std::unique_ptr<sql::ResultSet> rs(
            session
                ->prepare("SELECT id, channel, account, COALESCE(queue, ''), trigger_kind, body, "
                          "COALESCE(working_hours, '') FROM auto_reply_templates WHERE active = 1 ORDER BY id")
                .executeQuery());
        while (rs->next()) {
            AutoReplyTemplate t{rs->getInt64(1), rs->getString(2), rs->getString(3), rs->getString(4),
                                rs->getString(5), rs->getString(6), std::nullopt};
            const std::string hours = rs->getString(7);
            if (!hours.empty()) {
                t.workingHours = WorkingHours::parse(Poco::JSON::Parser().parse(hours).extract<Poco::JSON::Object::Ptr>());
            }
            catalog->autoReplies.push_back(std::move(t));
        }
    } catch (const sql::SQLException& e) {
        if (isConnectionError(e)) session->markBroken();
        throw;
    }
    return catalog;
}

}  // namespace omnigate
