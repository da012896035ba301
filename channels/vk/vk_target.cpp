#include "vk_target.h"

#include <charconv>
#include <vector>

namespace omnigate::vk {

namespace {

struct KindName {
    VkTarget::Kind kind;
    const char* idPrefix;
    const char* threadPrefix;
    int numbers;  // how many numbers follow the prefix
};

constexpr KindName kinds[] = {
    {VkTarget::Kind::Message, "msg", "", 1},
    {VkTarget::Kind::WallPost, "wall_post", "wall", 2},
    {VkTarget::Kind::WallComment, "wall_comment", "wall", 3},
    {VkTarget::Kind::BoardComment, "board_comment", "board", 3},
    {VkTarget::Kind::PhotoComment, "photo_comment", "photo", 3},
    {VkTarget::Kind::VideoComment, "video_comment", "video", 3},
    {VkTarget::Kind::MarketComment, "market_comment", "market", 3},
};

const KindName& nameOf(VkTarget::Kind kind) {
    for (const KindName& k : kinds) {
        if (k.kind == kind) return k;
    }
    return kinds[0];
}

bool parseNumber(const std::string& text, std::int64_t& out) {
    if (text.empty()) return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t at = text.find(separator, start);
        parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) return parts;
        start = at + 1;
    }
}

}  // namespace

std::string externalIdOf(const VkTarget& target) {
    const KindName& name = nameOf(target.kind);
    std::string id = std::string(name.idPrefix) + ":";
    if (target.kind == VkTarget::Kind::Message) {
        if (!target.conversationMessageId) return id + std::to_string(target.objectId);
        return id + std::to_string(target.ownerId) + "_c" + std::to_string(target.objectId);
    }
    id += std::to_string(target.ownerId) + "_" + std::to_string(target.objectId);
    if (name.numbers == 3) id += "_" + std::to_string(target.commentId);
    return id;
}

std::optional<VkTarget> parseExternalId(const std::string& externalId) {
    const std::size_t colon = externalId.find(':');
    if (colon == std::string::npos) return std::nullopt;
    const std::string prefix = externalId.substr(0, colon);
    const std::string rest = externalId.substr(colon + 1);
    for (const KindName& k : kinds) {
        if (prefix != k.idPrefix) continue;
        VkTarget target;
        target.kind = k.kind;
        const std::vector<std::string> parts = split(rest, '_');
        if (k.kind == VkTarget::Kind::Message) {
            if (parts.size() == 1 && parseNumber(parts[0], target.objectId)) return target;
            if (parts.size() == 2 && parts[1].size() > 1 && parts[1][0] == 'c' &&
                parseNumber(parts[0], target.ownerId) && parseNumber(parts[1].substr(1), target.objectId)) {
                target.conversationMessageId = true;
                return target;
            }
            return std::nullopt;
        }
        if (static_cast<int>(parts.size()) != k.numbers) return std::nullopt;
        if (!parseNumber(parts[0], target.ownerId) || !parseNumber(parts[1], target.objectId)) return std::nullopt;
        if (k.numbers == 3 && !parseNumber(parts[2], target.commentId)) return std::nullopt;
        return target;
    }
    return std::nullopt;
}

std::string threadKeyOf(const VkTarget& target) {
    if (target.kind == VkTarget::Kind::Message) return {};
    return std::string(nameOf(target.kind).threadPrefix) + ":" + std::to_string(target.ownerId) + "_" +
           std::to_string(target.objectId);
}

}  // namespace omnigate::vk
