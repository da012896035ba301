-- How long operators were in each status, per 15 minutes (docs/metrics.md, "Operators"): a status's time is added
-- when it ends, cut at the quarter hours it spans. Offline time is not kept (no figure counts it). reason is the
-- break reason for status break, '' otherwise.
CREATE TABLE stats_operator_status_intervals (
  interval_start DATETIME NOT NULL,
  operator VARCHAR(64) NOT NULL,
  status VARCHAR(32) NOT NULL,
  reason VARCHAR(64) NOT NULL,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (interval_start, operator, status, reason)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- KPI targets (docs/statistics.md): thresholds of the operator figures, for a group's operators and for one
-- operator (theirs win, figure by figure).
ALTER TABLE operator_groups ADD COLUMN kpi_targets TEXT NULL;
ALTER TABLE operators ADD COLUMN kpi_targets TEXT NULL;

-- When the client rated: a rating counts in the quarter hour it was given, in the aggregates and when they are
-- rebuilt from the interactions.
ALTER TABLE interactions ADD COLUMN rated_at DATETIME(3) NULL;
