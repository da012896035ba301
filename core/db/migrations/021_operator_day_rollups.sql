-- The operator aggregates per local day beside their quarter hours (docs/reports.md, "Rows per day"): a month of
-- 500 operators is 1.4 million quarter-hour rows and 50,000 day rows, so the operator reports read the whole days
-- of a period from these and only its ragged edges (and today) from the quarter hours. A day is rolled up from its
-- quarter hours when a report first needs it, once it ended two hours ago, and kept; an operator's status that
-- ends later and reaches back into a rolled-up day adds its time to the day row too (store/stats_facts.cpp).
-- A day is keyed by the UTC time it starts: its rows sum the quarter hours of that UTC span whatever offset cut
-- it, so a changed `stats.utc_offset` only leaves unused rows behind. Copies of the aggregates, which keep the
-- rows of deleted operators, so no foreign key; the same binary collation as the quarter-hour tables they sum.
-- Emptied and filled again by --rebuild-stats.
CREATE TABLE stats_operator_days (
  day_start DATETIME NOT NULL,
  operator VARCHAR(64) NOT NULL,
  handled BIGINT NOT NULL DEFAULT 0,
  handle_ms BIGINT NOT NULL DEFAULT 0,
  first_responses BIGINT NOT NULL DEFAULT 0,
  first_response_ms BIGINT NOT NULL DEFAULT 0,
  ratings BIGINT NOT NULL DEFAULT 0,
  rating_sum BIGINT NOT NULL DEFAULT 0,
  ratings_top_two BIGINT NOT NULL DEFAULT 0,
  not_responding BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day_start, operator)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE stats_operator_status_days (
  day_start DATETIME NOT NULL,
  operator VARCHAR(64) NOT NULL,
  status VARCHAR(32) NOT NULL,
  reason VARCHAR(64) NOT NULL,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day_start, operator, status, reason)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The days rolled up: a day's rows are read only once its mark is here, written in the transaction that wrote them.
CREATE TABLE stats_operator_rolled_days (
  day_start DATETIME NOT NULL PRIMARY KEY,
  rolled_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
