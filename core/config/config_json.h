// YAML items as the JSON the REST API takes, so the routing section of the config is validated by exactly the
// parse functions the API uses. Every value keeps its position, so an error found later (by a parse function that
// only knows JSON field names) can still point at the file, line and column of the offending value.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <map>
#include <string>

#include "omnigate/sdk/config_node.h"

namespace omnigate {

// `node` as JSON: maps become objects, sequences arrays, null stays null; a plain scalar "true"/"false" becomes a
// boolean and one that reads as a number a number, unless its key is one that only ever holds text (ids, names,
// channels, accounts, words…), so `id: 007` stays the string "007". `positions` receives "file:line:column" for
// every value by its dotted JSON path relative to `node` ("" for node itself, "capacities.webchat",
// "sources[0].channel").
Poco::Dynamic::Var configToJson(const ConfigNode& node, std::map<std::string, std::string>& positions);

}  // namespace omnigate
