-- File management: what each file was stored for (the types an administrator allows differ per use), what the
-- antivirus found in it, and files deleted while something still named them. Plus the store's running total, so
-- that an upload checks the quota by reading one row instead of summing every file.

ALTER TABLE files
  -- attachment (an upload sent with replies), template, chat, or channel (a plugin's: a client's file, a recording)
  ADD COLUMN file_use VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'attachment' AFTER created_by,
  -- unscanned, clean, or infected (quarantined: kept aside, never served)
  ADD COLUMN scan VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'unscanned' AFTER file_use,
  -- What clamd found in an infected file ("Eicar-Test-Signature").
  ADD COLUMN threat VARCHAR(255) NULL AFTER scan,
  -- A file deleted while messages or chats carried it stays as a name (their history shows what was there); its
  -- bytes are gone and a download says so (410). An unused file's row is deleted outright.
  ADD COLUMN deleted_at DATETIME(3) NULL,
  ADD COLUMN deleted_by VARCHAR(64) NULL,
  ADD KEY ix_files_listing (deleted_at, created_at, id);

UPDATE files f SET f.file_use = 'channel' WHERE f.created_by <> 'api' AND f.created_by NOT LIKE '%:%';
UPDATE files f SET f.file_use = 'template'
  WHERE EXISTS (SELECT 1 FROM response_template_files t WHERE t.file_id = f.id);
UPDATE files f SET f.file_use = 'chat' WHERE EXISTS (SELECT 1 FROM chat_message_files c WHERE c.file_id = f.id);

-- One row: the bytes and the number of the files not deleted (each upload counts, even when its content is already
-- kept once for another), what files.quota_bytes is checked against.
CREATE TABLE file_store_usage (
  id TINYINT NOT NULL PRIMARY KEY,
  bytes BIGINT NOT NULL,
  files BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

INSERT INTO file_store_usage (id, bytes, files) SELECT 1, COALESCE(SUM(size), 0), COUNT(*) FROM files;
