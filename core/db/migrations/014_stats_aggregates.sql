-- The figures of the online statistics and the reports (docs/metrics.md), kept per 15 minutes as facts commit so
-- neither reads a day of raw history. A row's interval is the quarter hour (UTC) in which its facts committed;
-- every offset in use (+03:00, +05:30, +05:45) cuts days and hours on quarter hours. Rebuildable from the facts.

-- A visit's service-level standing, fixed with the queue's settings when the visit ends: the online figure and
-- every later report count the same visits the same way.
ALTER TABLE queue_visits
  ADD COLUMN short_abandon TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN service_level_met TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN service_level_counted TINYINT NOT NULL DEFAULT 0;

CREATE TABLE stats_queue_intervals (
  interval_start DATETIME NOT NULL,
  queue VARCHAR(64) NOT NULL,
  channel VARCHAR(32) NOT NULL,
  offered INT NOT NULL DEFAULT 0,
  answered INT NOT NULL DEFAULT 0,
  abandoned INT NOT NULL DEFAULT 0,
  short_abandoned INT NOT NULL DEFAULT 0,
  transferred_out INT NOT NULL DEFAULT 0,
  service_level_met INT NOT NULL DEFAULT 0,
  service_level_counted INT NOT NULL DEFAULT 0,
  answer_wait_ms BIGINT NOT NULL DEFAULT 0,
  longest_wait_ms BIGINT NOT NULL DEFAULT 0,
  handled INT NOT NULL DEFAULT 0,
  handle_ms BIGINT NOT NULL DEFAULT 0,
  ratings INT NOT NULL DEFAULT 0,
  rating_sum INT NOT NULL DEFAULT 0,
  ratings_top_two INT NOT NULL DEFAULT 0,
  PRIMARY KEY (interval_start, queue, channel)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- channel '' holds what belongs to the operator, not to a channel (offers let lapse).
CREATE TABLE stats_operator_intervals (
  interval_start DATETIME NOT NULL,
  operator VARCHAR(64) NOT NULL,
  channel VARCHAR(32) NOT NULL,
  handled INT NOT NULL DEFAULT 0,
  handle_ms BIGINT NOT NULL DEFAULT 0,
  first_responses INT NOT NULL DEFAULT 0,
  first_response_ms BIGINT NOT NULL DEFAULT 0,
  ratings INT NOT NULL DEFAULT 0,
  rating_sum INT NOT NULL DEFAULT 0,
  ratings_top_two INT NOT NULL DEFAULT 0,
  not_responding INT NOT NULL DEFAULT 0,
  PRIMARY KEY (interval_start, operator, channel)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
