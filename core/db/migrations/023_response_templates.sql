-- Response templates in the core (docs/templates.md): catalogs as a tree, shared templates the business
-- administrator manages and personal ones an operator keeps for themselves, with their files, the queues and
-- channels they apply to, and every use (the most used per operator and queue, the template_usage report).
-- Templates the knowledge-base plugin kept in its state move here at its start (legacy_id keeps its id).
CREATE TABLE template_catalogs (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id BIGINT NULL,
  name VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  KEY ix_template_catalogs_parent (parent_id, name),
  CONSTRAINT fk_template_catalogs_parent FOREIGN KEY (parent_id) REFERENCES template_catalogs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE response_templates (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  catalog_id BIGINT NULL,
  -- NULL: a shared template; else the operator whose personal template it is, and only theirs.
  owner_operator_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
  title VARCHAR(255) NOT NULL,
  body TEXT NOT NULL,
  -- What an operator types to pick it ("/hello"); unique among the shared ones and among each operator's own.
  shortcut VARCHAR(64) NOT NULL DEFAULT '',
  legacy_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
  version INT NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  KEY ix_response_templates_owner (owner_operator_id, shortcut),
  KEY ix_response_templates_catalog (catalog_id),
  UNIQUE KEY ux_response_templates_legacy (legacy_id),
  CONSTRAINT fk_response_templates_catalog FOREIGN KEY (catalog_id) REFERENCES template_catalogs (id),
  CONSTRAINT fk_response_templates_owner FOREIGN KEY (owner_operator_id) REFERENCES operators (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE response_template_files (
  template_id BIGINT NOT NULL,
  position INT NOT NULL,
  file_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (template_id, position),
  KEY ix_response_template_files_file (file_id),
  CONSTRAINT fk_response_template_files_template FOREIGN KEY (template_id) REFERENCES response_templates (id)
    ON DELETE CASCADE,
  CONSTRAINT fk_response_template_files_file FOREIGN KEY (file_id) REFERENCES files (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- No rows: the template applies to every queue (and likewise for channels).
CREATE TABLE response_template_queues (
  template_id BIGINT NOT NULL,
  queue_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  PRIMARY KEY (template_id, queue_id),
  KEY ix_response_template_queues_queue (queue_id),
  CONSTRAINT fk_response_template_queues_template FOREIGN KEY (template_id) REFERENCES response_templates (id)
    ON DELETE CASCADE,
  CONSTRAINT fk_response_template_queues_queue FOREIGN KEY (queue_id) REFERENCES queues (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE response_template_channels (
  template_id BIGINT NOT NULL,
  channel VARCHAR(32) NOT NULL,
  PRIMARY KEY (template_id, channel),
  CONSTRAINT fk_response_template_channels_template FOREIGN KEY (template_id) REFERENCES response_templates (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per use. The operator and queue are kept as ids, not keys: the statistics of a period outlive an
-- operator or a queue removed later. A template's uses go with it.
CREATE TABLE response_template_uses (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  template_id BIGINT NOT NULL,
  operator_id VARCHAR(64) NOT NULL DEFAULT '',
  queue_id VARCHAR(64) NOT NULL DEFAULT '',
  interaction_id BIGINT NULL,
  used_at DATETIME(3) NOT NULL,
  KEY ix_response_template_uses_operator (operator_id, template_id),
  KEY ix_response_template_uses_queue (queue_id, template_id),
  KEY ix_response_template_uses_time (used_at),
  CONSTRAINT fk_response_template_uses_template FOREIGN KEY (template_id) REFERENCES response_templates (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
