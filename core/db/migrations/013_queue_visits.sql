-- The visits of interactions to queues (docs/metrics.md, "An interaction in a queue"): one row per visit, written
-- in the transaction that ends it (answered, abandoned, or left for another queue, a bot or a postponement). The
-- queue figures (offered, answered, abandoned, service level, speed of answer, longest wait) count these rows,
-- never the raw status history, so they cost the same on a busy day as on a quiet one.
CREATE TABLE queue_visits (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  interaction_id BIGINT NOT NULL,
  queue VARCHAR(64) NOT NULL,
  channel VARCHAR(32) NOT NULL,
  started_at DATETIME(3) NOT NULL,
  ended_at DATETIME(3) NOT NULL,
  ending ENUM('answered', 'abandoned', 'left') NOT NULL,
  wait_ms BIGINT NOT NULL,
  -- Who answered it; NULL for the other endings.
  operator VARCHAR(64) NULL,
  KEY ix_queue_visits_ended (ended_at, queue),
  KEY ix_queue_visits_interaction (interaction_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
