-- The integration API's tokens: a CRM or bot calls the REST API with one, limited to its scopes. Only the
-- SHA-256 of a token is kept, so a copy of this table lets nobody in; a revoked token stays for the audit.

CREATE TABLE api_tokens (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  -- Who the token is: the actor id of everything done with it (interaction_status_history.actor_id is 64 wide).
  name VARCHAR(64) NOT NULL,
  -- Lower-case hex SHA-256 of the token; compared byte for byte.
  token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- Space-separated, like OAuth: "interactions:read clients:write".
  scopes VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  last_used_at DATETIME(3) NULL,
  revoked_at DATETIME(3) NULL,
  UNIQUE KEY ux_api_tokens_hash (token_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
