-- Integrations: events queued durably for integration sinks (a CRM's webhook subscription, the knowledge-base
-- suggester) in the same transaction as the change they describe, and a small key-value store per plugin.

CREATE TABLE integration_deliveries (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  -- <plugin>:<the plugin's sink name>
  sink VARCHAR(191) NOT NULL,
  event_id CHAR(36) NOT NULL,
  type VARCHAR(64) NOT NULL,
  topic VARCHAR(255) NOT NULL,
  payload MEDIUMTEXT NOT NULL,
  -- pending until completed (then deleted) or dead-lettered; a lease keeps others off while one tries it.
  status ENUM('pending', 'dead') NOT NULL DEFAULT 'pending',
  attempts INT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL,
  leased_until DATETIME(3) NULL,
  last_error VARCHAR(1024) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  KEY ix_deliveries_due (sink, status, next_attempt_at, id),
  -- Per topic in order: the head of each topic is the lowest pending id.
  KEY ix_deliveries_topic (sink, topic, status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE plugin_state (
  plugin VARCHAR(64) NOT NULL,
  state_key VARCHAR(191) NOT NULL,
  value MEDIUMTEXT NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (plugin, state_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
