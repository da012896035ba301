// Writing to the audit log from a REST handler: who (the Actor the route admitted), from where (the client's IP
// address), what, and the state before and after. Called inside the writer job that makes the change, so the
// change and its record commit together.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "db/db_session.h"
#include "model/actor.h"
#include "omnigate/sdk/http.h"

namespace omnigate::audit {

void record(DbSession& session, const Actor& actor, const HttpRequest& request, const std::string& action,
            const std::string& target, Poco::JSON::Object::Ptr before, Poco::JSON::Object::Ptr after);

}  // namespace omnigate::audit
