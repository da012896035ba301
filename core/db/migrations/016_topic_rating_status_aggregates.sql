-- The aggregates of the interaction reports (docs/reports.md): topics of closed interactions, the ratings by value,
-- and the time interactions spent in each status. Per 15 minutes, like the others; a fact counts in the quarter
-- hour it committed (a status's time where the status ended).
CREATE TABLE stats_topic_intervals (
  interval_start DATETIME NOT NULL,
  topic_id BIGINT NOT NULL,
  queue VARCHAR(64) NOT NULL,
  channel VARCHAR(32) NOT NULL,
  closed INT NOT NULL DEFAULT 0,
  handled INT NOT NULL DEFAULT 0,
  handle_ms BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (interval_start, topic_id, queue, channel)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE stats_rating_intervals (
  interval_start DATETIME NOT NULL,
  queue VARCHAR(64) NOT NULL,
  channel VARCHAR(32) NOT NULL,
  operator VARCHAR(64) NOT NULL,
  rating TINYINT NOT NULL,
  ratings INT NOT NULL DEFAULT 0,
  PRIMARY KEY (interval_start, queue, channel, operator, rating)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE stats_status_intervals (
  interval_start DATETIME NOT NULL,
  queue VARCHAR(64) NOT NULL,
  channel VARCHAR(32) NOT NULL,
  status VARCHAR(32) NOT NULL,
  ended INT NOT NULL DEFAULT 0,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (interval_start, queue, channel, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
