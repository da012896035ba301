// The interactions table's columns as the stores read them: InteractionStore and InboundReader select the same
// columns and turn a row into an Interaction the same way, whichever query found it.
#pragma once

#include <cppconn/resultset.h>

#include <string>

#include "model/interaction.h"

namespace omnigate {

// "SELECT <every column readInteraction reads> FROM interactions ", to be followed by a WHERE clause.
extern const char* const kInteractionColumns;

Interaction readInteraction(sql::ResultSet& rs);

// A DATETIME read through DATE_FORMAT(…, '%f') as ISO 8601 in milliseconds; empty stays empty.
std::string isoOrEmpty(const std::string& dbTime);

}  // namespace omnigate
