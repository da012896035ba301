-- Report mailings (docs/mailings.md): their definitions, every run with what it sent and what the SMTP server
-- answered, and where each threshold mailing stands. A run is recorded as 'sending' before the mail goes out, so a
-- daemon that dies meanwhile leaves a trace instead of a silent double send.
CREATE TABLE mailings (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind ENUM('periodic', 'threshold') NOT NULL,
  name VARCHAR(800) NOT NULL,
  enabled BOOLEAN NOT NULL,
  -- The validated definition (recipients, schedule and reports, or queue, metric and level) as the API takes it.
  definition LONGTEXT NOT NULL,
  -- Periodic and enabled: when it runs next (UTC). A run moves it past the moment it ran, so a daemon that was
  -- down sends a missed run once, not once per missed slot.
  next_run_at DATETIME(3) NULL,
  version INT NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  KEY ix_mailings_due (next_run_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE mailing_runs (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  mailing_id BIGINT NOT NULL,
  -- schedule, manual (POST …/run), alert (a threshold reached) or recovery (back to normal).
  run_trigger VARCHAR(16) NOT NULL,
  status ENUM('sending', 'sent', 'failed') NOT NULL,
  started_at DATETIME(3) NOT NULL,
  finished_at DATETIME(3) NULL,
  attempts INT NOT NULL DEFAULT 0,
  -- The SMTP server's last reply (its code and text), or why there was none.
  reply_code INT NULL,
  reply TEXT NULL,
  -- What was sent: the attachments with their reports, periods and row counts, or the alert's figure and level.
  contents LONGTEXT NULL,
  KEY ix_mailing_runs_mailing (mailing_id, id),
  CONSTRAINT fk_mailing_runs_mailing FOREIGN KEY (mailing_id) REFERENCES mailings (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE mailing_threshold_state (
  mailing_id BIGINT NOT NULL PRIMARY KEY,
  level VARCHAR(16) NOT NULL,
  alerting BOOLEAN NOT NULL,
  last_alert_at DATETIME(3) NULL,
  CONSTRAINT fk_mailing_threshold_state_mailing FOREIGN KEY (mailing_id) REFERENCES mailings (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
