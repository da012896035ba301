-- Notices from supervisors and administrators to operators (product 2.2.7, docs/notifications.md): to everyone, a
-- group or one operator, each recipient's copy with its read mark. The recipients are fixed when it is sent: an
-- operator who joins a group later does not get the group's old notices.
CREATE TABLE notifications (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  audience ENUM('all', 'group', 'operator') NOT NULL,
  audience_id VARCHAR(64) NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  importance ENUM('normal', 'important', 'urgent') NOT NULL,
  author VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  -- NULL: until read. Withdrawing a notice sets it to the moment it was withdrawn.
  expires_at DATETIME(3) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE notification_recipients (
  notification_id BIGINT NOT NULL,
  operator_id VARCHAR(64) NOT NULL,
  read_at DATETIME(3) NULL,
  PRIMARY KEY (notification_id, operator_id),
  KEY ix_notification_recipients_operator (operator_id, notification_id),
  CONSTRAINT fk_notification_recipients_notification FOREIGN KEY (notification_id) REFERENCES notifications (id)
    ON DELETE CASCADE,
  CONSTRAINT fk_notification_recipients_operator FOREIGN KEY (operator_id) REFERENCES operators (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
