-- The internal chat between staff (product 2.5, docs/chat.md): the general chat, whose members are every active
-- user and so has no member rows, and group chats with their members. Members are users (operators sign in as
-- users too), so supervisors and administrators can take part. Messages are read by keyset on (chat_id, id).
CREATE TABLE chats (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind ENUM('general', 'group') NOT NULL,
  name VARCHAR(255) NOT NULL,
  -- The user who made the group: they may remove others, as supervisors may. NULL for the general chat.
  created_by BIGINT NULL,
  created_at DATETIME(3) NOT NULL,
  CONSTRAINT fk_chats_created_by FOREIGN KEY (created_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO chats (kind, name, created_at) VALUES ('general', 'General', UTC_TIMESTAMP(3));

CREATE TABLE chat_members (
  chat_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  added_at DATETIME(3) NOT NULL,
  PRIMARY KEY (chat_id, user_id),
  KEY ix_chat_members_user (user_id, chat_id),
  CONSTRAINT fk_chat_members_chat FOREIGN KEY (chat_id) REFERENCES chats (id) ON DELETE CASCADE,
  CONSTRAINT fk_chat_members_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE chat_messages (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  chat_id BIGINT NOT NULL,
  author_id BIGINT NOT NULL,
  text TEXT NOT NULL,
  -- JSON: [{file_id, name, mime_type, size}], as interaction messages keep theirs; NULL without attachments.
  attachments LONGTEXT NULL,
  created_at DATETIME(3) NOT NULL,
  KEY ix_chat_messages_chat (chat_id, id),
  CONSTRAINT fk_chat_messages_chat FOREIGN KEY (chat_id) REFERENCES chats (id) ON DELETE CASCADE,
  CONSTRAINT fk_chat_messages_author FOREIGN KEY (author_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who a message @mentions: counted apart in each chat's unread figures.
CREATE TABLE chat_mentions (
  message_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  chat_id BIGINT NOT NULL,
  PRIMARY KEY (message_id, user_id),
  KEY ix_chat_mentions_user (user_id, chat_id, message_id),
  CONSTRAINT fk_chat_mentions_message FOREIGN KEY (message_id) REFERENCES chat_messages (id) ON DELETE CASCADE,
  CONSTRAINT fk_chat_mentions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which chat messages carry which file: a file is read through the chat that carries it, by whoever may read the
-- chat. Apart from message_files, so a chat's file is never answered as a conversation's.
CREATE TABLE chat_message_files (
  file_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  message_id BIGINT NOT NULL,
  chat_id BIGINT NOT NULL,
  PRIMARY KEY (file_id, message_id),
  KEY ix_chat_message_files_chat (chat_id, file_id),
  CONSTRAINT fk_chat_message_files_file FOREIGN KEY (file_id) REFERENCES files (id),
  CONSTRAINT fk_chat_message_files_message FOREIGN KEY (message_id) REFERENCES chat_messages (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

-- Each reader's place in each chat: the last message they read. Apart from the members, because the general chat
-- has none; a user without a row has read nothing of the general chat.
CREATE TABLE chat_reads (
  chat_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  last_read_id BIGINT NOT NULL,
  read_at DATETIME(3) NOT NULL,
  PRIMARY KEY (chat_id, user_id),
  CONSTRAINT fk_chat_reads_chat FOREIGN KEY (chat_id) REFERENCES chats (id) ON DELETE CASCADE,
  CONSTRAINT fk_chat_reads_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
