-- The first schema: clients and how they are reached, interactions, messages, and the outbox of events that
-- is written in the same transaction as the data and emptied by the relay once the broker has them.

CREATE TABLE clients (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE client_addresses (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  client_id BIGINT NOT NULL,
  kind VARCHAR(32) NOT NULL,
  value VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_client_addresses_address (kind, value),
  KEY ix_client_addresses_client (client_id),
  CONSTRAINT fk_client_addresses_client FOREIGN KEY (client_id) REFERENCES clients (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE interactions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  channel VARCHAR(32) NOT NULL,
  account VARCHAR(64) NOT NULL,
  client_id BIGINT NOT NULL,
  address_kind VARCHAR(32) NOT NULL,
  address_value VARCHAR(255) NOT NULL,
  thread_key VARCHAR(255) NOT NULL DEFAULT '',
  status VARCHAR(32) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  closed_at DATETIME(3) NULL,
  KEY ix_interactions_open (client_id, channel, account, thread_key, closed_at),
  CONSTRAINT fk_interactions_client FOREIGN KEY (client_id) REFERENCES clients (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE messages (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  interaction_id BIGINT NOT NULL,
  client_id BIGINT NOT NULL,
  channel VARCHAR(32) NOT NULL,
  account VARCHAR(64) NOT NULL,
  direction ENUM('in', 'out') NOT NULL,
  author VARCHAR(16) NOT NULL,
  external_id VARCHAR(255) NULL,
  body MEDIUMTEXT NOT NULL,
  status VARCHAR(16) NOT NULL,
  error_code VARCHAR(64) NULL,
  error_text VARCHAR(1024) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  -- A provider's retry carries the same id: this key is what makes it a no-op.
  UNIQUE KEY uq_messages_external (channel, account, direction, external_id),
  KEY ix_messages_interaction (interaction_id, id),
  CONSTRAINT fk_messages_interaction FOREIGN KEY (interaction_id) REFERENCES interactions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE outbox (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id CHAR(36) NOT NULL,
  topic VARCHAR(255) NOT NULL,
  payload MEDIUMTEXT NOT NULL,
  created_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
