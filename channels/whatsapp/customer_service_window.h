// WhatsApp's customer service window: a business may send free text and media only within 24 hours of the
// client's latest message; after that only an approved template reaches them (and Meta refuses anything else
// with error 131047). Computed here from the stored conversation so the operator hears it before anything is
// stored or sent, not as a failed message afterwards.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "omnigate/sdk/messages.h"

namespace omnigate::whatsapp {

struct WindowState {
    bool open = false;
    std::optional<std::chrono::system_clock::time_point> lastInbound;  // the client's latest message, if any
};

constexpr std::chrono::hours customerServiceWindowLength{24};

// `history` oldest first, as ChannelHost::history returns it.
WindowState customerServiceWindow(const std::vector<StoredMessage>& history, std::chrono::system_clock::time_point now,
                                  std::chrono::seconds length = customerServiceWindowLength);

// "2026-01-02T03:04:05.678Z" (the store's createdAt) as a time point; nothing when it does not parse.
std::optional<std::chrono::system_clock::time_point> parseIsoTime(const std::string& text);

}  // namespace omnigate::whatsapp
