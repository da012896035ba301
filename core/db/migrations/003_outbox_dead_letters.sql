-- Events the broker refused again and again (too large for it, say) move here instead of holding up every event
-- behind them; they are kept, with the reason, for an administrator to inspect and replay.

CREATE TABLE outbox_dead_letters (
  id BIGINT NOT NULL PRIMARY KEY,
  event_id CHAR(36) NOT NULL,
  topic VARCHAR(255) NOT NULL,
  payload MEDIUMTEXT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  failed_at DATETIME(3) NOT NULL,
  error VARCHAR(1024) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
