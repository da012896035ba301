-- The file store: attachments and media (a WhatsApp photo, a mail's PDF, an operator's upload). The bytes live on
-- disk under files.directory, named by their SHA-256 (the same content is kept once); this table names them.

CREATE TABLE files (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  size BIGINT NOT NULL,
  content_type VARCHAR(255) NOT NULL,
  file_name VARCHAR(255) NOT NULL,
  -- Who stored it: a plugin's name, or "api" for an upload through REST.
  created_by VARCHAR(64) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  KEY ix_files_sha256 (sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
