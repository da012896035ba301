-- Routing: queues, prioritisation rules, operator groups (the queues they serve), operators with capacities and
-- statuses, the administrator's break reasons, and the fields interactions need to wait in line and be offered.
-- Queues, groups, operators and break reasons are named by short ids (interactions.queue and .operator hold them).

CREATE TABLE queues (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  -- Everything else, validated by Queue::parse (core/model/queue.h): a new setting needs no migration.
  settings LONGTEXT NOT NULL,
  version INT NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE routing_rules (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  -- The first active rule in position order that matches decides.
  position INT NOT NULL,
  name VARCHAR(255) NOT NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  conditions LONGTEXT NOT NULL,
  actions LONGTEXT NOT NULL,
  version INT NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  KEY ix_routing_rules_position (position, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE operator_groups (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  version INT NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A group's skills: the queues its operators serve.
CREATE TABLE operator_group_queues (
  group_id VARCHAR(64) NOT NULL,
  queue_id VARCHAR(64) NOT NULL,
  PRIMARY KEY (group_id, queue_id),
  KEY ix_operator_group_queues_queue (queue_id),
  CONSTRAINT fk_group_queues_group FOREIGN KEY (group_id) REFERENCES operator_groups (id) ON DELETE CASCADE,
  CONSTRAINT fk_group_queues_queue FOREIGN KEY (queue_id) REFERENCES queues (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE operators (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  -- Interactions at once per channel: {"webchat":3,"email":5,"voice":1}; a channel not named takes none.
  capacities LONGTEXT NOT NULL,
  branch VARCHAR(255) NOT NULL DEFAULT '',
  workplace VARCHAR(255) NOT NULL DEFAULT '',
  -- ready, busy, wrap_up, break, not_responding, offline (core/model/operator.h).
  status VARCHAR(32) NOT NULL DEFAULT 'offline',
  status_reason VARCHAR(64) NOT NULL DEFAULT '',
  status_since DATETIME(3) NOT NULL,
  -- A fixed wrap-up ends by itself then; NULL while in a wrap-up the operator ends.
  wrap_up_until DATETIME(3) NULL,
  -- Round robin offers to the operator offered to longest ago; longest idle to the one idle longest.
  last_offer_at DATETIME(3) NULL,
  idle_since DATETIME(3) NULL,
  version INT NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  KEY ix_operators_status (status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE operator_group_members (
  group_id VARCHAR(64) NOT NULL,
  operator_id VARCHAR(64) NOT NULL,
  PRIMARY KEY (group_id, operator_id),
  KEY ix_operator_group_members_operator (operator_id),
  CONSTRAINT fk_group_members_group FOREIGN KEY (group_id) REFERENCES operator_groups (id) ON DELETE CASCADE,
  CONSTRAINT fk_group_members_operator FOREIGN KEY (operator_id) REFERENCES operators (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every status change of every operator, for the operator-status report; kept when the operator is deleted.
CREATE TABLE operator_status_history (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  operator_id VARCHAR(64) NOT NULL,
  from_status VARCHAR(32) NULL,
  to_status VARCHAR(32) NOT NULL,
  reason VARCHAR(255) NOT NULL DEFAULT '',
  actor_kind VARCHAR(16) NOT NULL,
  actor_id VARCHAR(64) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  KEY ix_operator_status_history_operator (operator_id, id),
  KEY ix_operator_status_history_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE break_reasons (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE interactions
  -- Priority added per minute of waiting, from the rule that queued it; the effective priority is capped at 100.
  ADD COLUMN priority_step DOUBLE NOT NULL DEFAULT 0 AFTER priority,
  ADD COLUMN routing_rule_id BIGINT NULL AFTER priority_step,
  -- Its place in line: set when first queued and kept when it returns to a queue or overflows to another.
  ADD COLUMN queued_at DATETIME(3) NULL,
  -- When it entered its current queue: the queue's maximum wait counts from here.
  ADD COLUMN queue_entered_at DATETIME(3) NULL,
  ADD COLUMN offer_expires_at DATETIME(3) NULL,
  -- The operator who declined or missed the last offer: not offered it again while someone else can take it.
  ADD COLUMN declined_by VARCHAR(64) NULL,
  -- When the operator accepted it: handling time runs from here to closed_at.
  ADD COLUMN accepted_at DATETIME(3) NULL,
  -- When the router last found no queue for this new interaction; cleared when queues or rules change, so it is
  -- looked at again then and not on every pass.
  ADD COLUMN routing_checked_at DATETIME(3) NULL,
  ADD KEY ix_interactions_queue (status, queue, queued_at),
  ADD KEY ix_interactions_unrouted (status, routing_checked_at, id),
  ADD KEY ix_interactions_operator (operator, status),
  ADD KEY ix_interactions_closed (closed_at);
