// The value types a channel plugin exchanges with the host: what arrived from a client, what the host stored,
// what an operator sends out, and what the provider later says about it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace omnigate {

enum class Direction { Inbound, Outbound };
enum class AuthorKind { Client, Operator, Bot, System };
enum class DeliveryStatus { Pending, Sent, Delivered, Read, Failed };

const char* toString(Direction);
const char* toString(AuthorKind);
const char* toString(DeliveryStatus);

// How a client is reached: kind is "webchat" (a visitor id), "phone", "email", "vk", "whatsapp"…
struct Address {
    std::string kind;
    std::string value;
};

struct Attachment {
    std::string fileId;
    std::string name;
    std::string mimeType;
    std::uint64_t size = 0;
};

struct InboundMessage {
    std::string account;            // the channel account's id from the config
    std::string externalId;         // the provider's id: a retry with the same id is stored once
    Address from;                   // identifies the client
    std::string clientName;         // optional, fills a new client's name
    std::vector<Address> contacts;  // optional further addresses the client gave (email, phone)
    std::string threadKey;          // optional: the plugin's own threading (email thread, VK wall post)
    std::string text;
    std::vector<Attachment> attachments;
};

struct StoredMessage {
    std::int64_t id = 0;
    std::int64_t interactionId = 0;
    std::int64_t clientId = 0;
    std::string channel;
    std::string account;
    Direction direction = Direction::Inbound;
    AuthorKind author = AuthorKind::Client;
    std::string externalId;
    std::string text;
    DeliveryStatus status = DeliveryStatus::Pending;
    std::string createdAt;  // ISO 8601, UTC, milliseconds
};

struct SubmitResult {
    StoredMessage message;
    bool duplicate = false;  // the provider sent this external id before; nothing new was stored
};

struct OutboundMessage {
    std::int64_t messageId = 0;
    std::int64_t interactionId = 0;
    std::string account;
    Address to;
    std::string text;
    std::string createdAt;
};

struct SendResult {
    DeliveryStatus status = DeliveryStatus::Sent;
    std::string externalId;  // the provider's id for later status updates
    std::string errorCode;   // when Failed
    std::string errorText;
};

// A provider's later word on an outbound message (delivered, read, failed).
struct StatusUpdate {
    std::string account;
    std::string externalId;
    DeliveryStatus status = DeliveryStatus::Delivered;
    std::string errorCode;
    std::string errorText;
};

}  // namespace omnigate
