-- File ids become 128 random bits (32 hex digits) instead of a counter: knowing one file's id no longer tells the
-- next one. Which messages carry which file is kept row by row, so deciding who may read or attach a file is one
-- indexed look-up rather than a search through every message's attachments.
-- Existing files get new random ids, and every message naming one is rewritten to name the new id, so what the
-- messages show keeps working. Ids handed out before (events already published, webhooks already sent) name
-- nothing any more.

ALTER TABLE files ADD COLUMN new_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER id;

-- RANDOM_BYTES draws from the server's cryptographic generator.
UPDATE files SET new_id = LOWER(HEX(RANDOM_BYTES(16)));

CREATE TABLE message_files (
  file_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  message_id BIGINT NOT NULL,
  interaction_id BIGINT NOT NULL,
  -- The message's author: a file only the system's messages carry (a call's recording) needs the admin token.
  author VARCHAR(16) NOT NULL,
  PRIMARY KEY (file_id, message_id),
  KEY ix_message_files_interaction (interaction_id, file_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO message_files (file_id, message_id, interaction_id, author)
SELECT f.new_id, m.id, m.interaction_id, m.author
FROM messages m,
     JSON_TABLE(m.attachments, '$[*]' COLUMNS (file_id VARCHAR(64) CHARACTER SET utf8mb4 PATH '$.file_id')) a,
     files f
WHERE m.attachments IS NOT NULL AND f.id = CAST(a.file_id AS UNSIGNED);

UPDATE messages m SET m.attachments = (
  SELECT JSON_ARRAYAGG(JSON_OBJECT('file_id', COALESCE(f.new_id, a.file_id), 'name', a.name,
                                   'mime_type', a.mime_type, 'size', a.size) ORDER BY a.position)
  FROM JSON_TABLE(m.attachments, '$[*]' COLUMNS (
         position FOR ORDINALITY,
         file_id VARCHAR(64) CHARACTER SET utf8mb4 PATH '$.file_id',
         name VARCHAR(1024) CHARACTER SET utf8mb4 PATH '$.name',
         mime_type VARCHAR(1024) CHARACTER SET utf8mb4 PATH '$.mime_type',
         size BIGINT PATH '$.size')) a
  LEFT JOIN files f ON f.id = CAST(a.file_id AS UNSIGNED))
WHERE m.attachments IS NOT NULL;

ALTER TABLE files DROP COLUMN id;

ALTER TABLE files CHANGE new_id id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL FIRST, ADD PRIMARY KEY (id);
