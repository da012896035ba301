-- A provider's message id is case-sensitive: WhatsApp's wamid is base64 and VK, Meta and mail servers hand out ids
-- that may differ only in case. Under the table's utf8mb4_unicode_ci two such ids were one key, so the second
-- message counted as a duplicate of the first and was acknowledged but never stored. Binary collation keeps them apart.

ALTER TABLE messages
  MODIFY external_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;
