// The SQL of the spam words [список спам-слов]: words and phrases that mark an inbound message as spam. They are
// kept lower-cased with single spaces, the form the pipeline's case-insensitive match compares with. Writes run in
// the caller's WriteBatcher job and add their event.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db_session.h"

namespace omnigate {

struct SpamWord {
    std::int64_t id = 0;
    std::string word;  // may be a phrase
    std::string createdAt;
};

class SpamWordStore {
public:
    explicit SpamWordStore(DbSession& session) : session_(session) {}

    // Trimmed, runs of white space made one space, lower-cased (any script); 400 naming 'word' when empty or
    // longer than 255 characters.
    static std::string normalize(const std::string& word);

    // Every word, alphabetically.
    std::vector<SpamWord> all();
    std::optional<SpamWord> find(std::int64_t id, bool forUpdate = false);

    // Expects a normalised word; 409 naming the listed word it equals (the column's collation may also equate
    // spellings that differ in accents).
    SpamWord add(const std::string& word);
    // 404 when there is no such word.
    void remove(std::int64_t id);

private:
    DbSession& session_;
};

Poco::JSON::Object::Ptr toJson(const SpamWord& word);

}  // namespace omnigate
