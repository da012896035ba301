-- The full interaction model: lifecycle fields and status history, client cards, flags and merges, topics,
-- ratings, and the administrator's lists (black list, spam words, auto-reply templates).

ALTER TABLE interactions
  ADD COLUMN kind ENUM('private', 'public') NOT NULL DEFAULT 'private' AFTER account,
  ADD COLUMN subject VARCHAR(255) NOT NULL DEFAULT '' AFTER thread_key,
  ADD COLUMN queue VARCHAR(64) NULL AFTER status,
  ADD COLUMN operator VARCHAR(64) NULL AFTER queue,
  ADD COLUMN priority INT NOT NULL DEFAULT 0 AFTER operator,
  ADD COLUMN resolution VARCHAR(255) NULL AFTER priority,
  ADD COLUMN postponed_until DATETIME(3) NULL AFTER resolution,
  ADD COLUMN previous_interaction_id BIGINT NULL AFTER postponed_until,
  ADD COLUMN first_response_at DATETIME(3) NULL AFTER updated_at,
  ADD COLUMN rating TINYINT NULL,
  ADD COLUMN rating_comment VARCHAR(1024) NULL,
  ADD COLUMN rating_requested_at DATETIME(3) NULL,
  -- Optimistic concurrency: every update bumps it; a writer holding an older version gets 409.
  ADD COLUMN version INT NOT NULL DEFAULT 1,
  ADD KEY ix_interactions_status (status, id),
  ADD KEY ix_interactions_created (created_at, id),
  ADD KEY ix_interactions_client (client_id, id);

UPDATE interactions SET status = 'new' WHERE status = 'registered';

CREATE TABLE interaction_status_history (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  interaction_id BIGINT NOT NULL,
  from_status VARCHAR(32) NULL,
  to_status VARCHAR(32) NOT NULL,
  actor_kind VARCHAR(16) NOT NULL,
  actor_id VARCHAR(64) NOT NULL DEFAULT '',
  reason VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  KEY ix_status_history_interaction (interaction_id, id),
  KEY ix_status_history_created (created_at),
  CONSTRAINT fk_status_history_interaction FOREIGN KEY (interaction_id) REFERENCES interactions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO interaction_status_history (interaction_id, from_status, to_status, actor_kind, created_at)
  SELECT id, NULL, status, 'system', created_at FROM interactions;

ALTER TABLE messages
  ADD COLUMN attachments LONGTEXT NULL AFTER body,
  -- Set on auto-replies we sent and on automatic mail the client's side sent: neither is ever auto-answered.
  ADD COLUMN auto_generated TINYINT(1) NOT NULL DEFAULT 0 AFTER attachments,
  ADD COLUMN spam TINYINT(1) NOT NULL DEFAULT 0 AFTER auto_generated;

ALTER TABLE clients
  ADD COLUMN card LONGTEXT NOT NULL DEFAULT '{}' AFTER name,
  ADD COLUMN flags VARCHAR(255) NOT NULL DEFAULT '' AFTER card,
  -- After a merge the absorbed client points at the one that absorbed it; lookups follow the pointer.
  ADD COLUMN alias_of BIGINT NULL AFTER flags,
  ADD COLUMN version INT NOT NULL DEFAULT 1,
  ADD KEY ix_clients_name (name);

CREATE TABLE topics (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id BIGINT NULL,
  name VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_topics_sibling (parent_id, name),
  CONSTRAINT fk_topics_parent FOREIGN KEY (parent_id) REFERENCES topics (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE interaction_topics (
  interaction_id BIGINT NOT NULL,
  topic_id BIGINT NOT NULL,
  PRIMARY KEY (interaction_id, topic_id),
  KEY ix_interaction_topics_topic (topic_id),
  CONSTRAINT fk_interaction_topics_interaction FOREIGN KEY (interaction_id) REFERENCES interactions (id),
  CONSTRAINT fk_interaction_topics_topic FOREIGN KEY (topic_id) REFERENCES topics (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE blacklist (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind VARCHAR(32) NOT NULL,
  value VARCHAR(255) NOT NULL,
  reason VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_blacklist_address (kind, value)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE spam_words (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  word VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  UNIQUE KEY uq_spam_words_word (word)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE auto_reply_templates (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  channel VARCHAR(32) NOT NULL,
  account VARCHAR(64) NOT NULL,
  queue VARCHAR(64) NULL,
  -- new_interaction: greets every new interaction; out_of_hours: answers outside the working hours below.
  trigger_kind ENUM('new_interaction', 'out_of_hours') NOT NULL,
  body TEXT NOT NULL,
  -- {"utc_offset":"+03:00","days":[1,2,3,4,5],"from":"09:00","to":"18:00","holidays":["2026-01-01"]}
  working_hours LONGTEXT NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  KEY ix_auto_reply_account (channel, account, active)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
