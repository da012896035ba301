#include "store/catalog_removal.h"

#include "db/outbox.h"

namespace omnigate {

namespace {

sql::PreparedStatement& deleteStatement(DbSession& session, const CatalogTable& catalog) {
    return session.prepare(std::string("DELETE FROM ") + catalog.table + " WHERE id = ?");
}

void finish(DbSession& session, const CatalogTable& catalog, const std::string& eventType,
            const Poco::JSON::Object::Ptr& announced, const std::function<void()>& followUp) {
    if (followUp) followUp();
    appendEvent(session, catalog.topic, eventType, announced);
}

}  // namespace

void removeCatalogEntry(DbSession& session, const CatalogTable& catalog, std::int64_t id, const std::string& eventType,
                        const Poco::JSON::Object::Ptr& announced, const std::function<void()>& followUp) {
    sql::PreparedStatement& remove = deleteStatement(session, catalog);
    remove.setInt64(1, id);
    remove.executeUpdate();
    finish(session, catalog, eventType, announced, followUp);
}

void removeCatalogEntry(DbSession& session, const CatalogTable& catalog, const std::string& id,
                        const std::string& eventType, const Poco::JSON::Object::Ptr& announced,
                        const std::function<void()>& followUp) {
    sql::PreparedStatement& remove = deleteStatement(session, catalog);
    remove.setString(1, id);
    remove.executeUpdate();
    finish(session, catalog, eventType, announced, followUp);
}

Poco::JSON::Object::Ptr deletedId(std::int64_t id) {
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
    data->set("id", id);
    return data;
}

Poco::JSON::Object::Ptr deletedId(const std::string& id) {
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
    data->set("id", id);
    return data;
}

}  // namespace omnigate
