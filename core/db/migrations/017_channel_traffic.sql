-- The traffic of each channel account per quarter hour (docs/reports.md, interaction channels): interactions
-- opened and messages in each direction. Counted by the outbox relay from the events it deletes once published, in
-- the same transaction (core/db/channel_traffic.h): off the write path, and each row once.
CREATE TABLE stats_channel_intervals (
  interval_start DATETIME NOT NULL,
  channel VARCHAR(32) NOT NULL,
  account VARCHAR(64) NOT NULL,
  created INT NOT NULL DEFAULT 0,
  inbound_messages INT NOT NULL DEFAULT 0,
  outbound_messages INT NOT NULL DEFAULT 0,
  PRIMARY KEY (interval_start, channel, account)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
