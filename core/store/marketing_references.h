// What marketing offers and campaigns both name and must exist when they are stored: a shared response template
// (a personal one is its operator's alone, so to anyone else it does not exist) and topics. Read under a shared lock,
// so a template or topic deleted meanwhile waits for the offer or campaign to commit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/db_session.h"

namespace omnigate {

// ApiError 400 naming `field` ("template_id") when there is no shared response template `templateId`.
void requireSharedTemplate(DbSession& session, std::int64_t templateId, const std::string& field);
// ApiError 400 naming `field`[i] ("conditions.past_topics[2]") for the first topic that does not exist.
void requireTopics(DbSession& session, const std::vector<std::int64_t>& topics, const std::string& field);

}  // namespace omnigate
