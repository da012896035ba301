// Response templates used to live here: in the YAML file and, added over this plugin's REST, in its durable state.
// They now live in the core (docs/templates.md). At every load this moves whatever is still here into the core,
// once per template (the core remembers the old id), and forgets the state's copy only after the core has it; a
// template the core refuses (a queue it does not know) stays in the state, logged, for the next load.
#pragma once

#include <cstddef>
#include <vector>

#include "knowledge_base_config.h"
#include "omnigate/sdk/integration_host.h"

namespace omnigate::knowledge_base {

class TemplateMove {
public:
    explicit TemplateMove(IntegrationHost& host) : host_(host) {}

    struct Result {
        std::size_t moved = 0;    // new in the core now
        std::size_t present = 0;  // moved on an earlier load
        std::size_t kept = 0;     // refused by the core, still here
    };
    // The file's templates, then the state's (keys template/<id>, and their old use counts uses/…/<id>).
    Result run(const std::vector<ResponseTemplate>& configured);

private:
    void move(const ResponseTemplate& templ, Result& result, bool fromState);

    IntegrationHost& host_;
};

}  // namespace omnigate::knowledge_base
