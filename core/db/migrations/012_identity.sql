-- People: users who sign in with their roles, the branches and workplaces they work at, their sign-in sessions,
-- and the audit log of who changed what. Passwords are kept only as argon2id strings (libsodium), refresh tokens
-- only as their SHA-256, so a copy of these tables lets nobody in.

CREATE TABLE branches (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A desk: an operator signing in there is rung on its SIP phone.
CREATE TABLE workplaces (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  branch_id VARCHAR(64) NULL,
  sip_uri VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  KEY ix_workplaces_branch (branch_id),
  CONSTRAINT fk_workplaces_branch FOREIGN KEY (branch_id) REFERENCES branches (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE users (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  -- Unique without regard to case: "Ivanova" and "ivanova" are one person signing in.
  login VARCHAR(64) NOT NULL,
  display_name VARCHAR(255) NOT NULL,
  email VARCHAR(255) NOT NULL DEFAULT '',
  -- Space-separated, like API token scopes: "operator supervisor".
  roles VARCHAR(255) NOT NULL,
  -- The routing operator a user with the operator role works as; one user per operator.
  operator_id VARCHAR(64) NULL,
  branch_id VARCHAR(64) NULL,
  -- local: a password kept here; ldap: the directory checks the password and sets the roles at each sign-in.
  source VARCHAR(16) NOT NULL DEFAULT 'local',
  -- libsodium's crypto_pwhash_str (argon2id, its parameters inside); NULL for directory users.
  password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  version INT NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  last_sign_in_at DATETIME(3) NULL,
  UNIQUE KEY ux_users_login (login),
  UNIQUE KEY ux_users_operator (operator_id),
  CONSTRAINT fk_users_operator FOREIGN KEY (operator_id) REFERENCES operators (id),
  CONSTRAINT fk_users_branch FOREIGN KEY (branch_id) REFERENCES branches (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per refresh token ever issued. A sign-in starts a family; each refresh uses its token up (used_at) and
-- adds the next one to the family. A used token presented again means it was copied: the whole family is revoked.
CREATE TABLE refresh_tokens (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  family CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  user_id BIGINT NOT NULL,
  workplace_id VARCHAR(64) NULL,
  token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  used_at DATETIME(3) NULL,
  revoked_at DATETIME(3) NULL,
  UNIQUE KEY ux_refresh_tokens_hash (token_hash),
  KEY ix_refresh_tokens_family (family),
  KEY ix_refresh_tokens_user (user_id),
  CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Who did what, when, from where: sign-ins (failed ones too), sign-outs and every change to users, catalogs,
-- routing, integrations and tokens. Kept for audit.retention_days.
CREATE TABLE audit_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(3) NOT NULL,
  -- The actor as everywhere else (user, operator, admin, integration) and the user's login when one signed in.
  actor_kind VARCHAR(16) NOT NULL,
  actor_id VARCHAR(64) NOT NULL DEFAULT '',
  actor_user VARCHAR(64) NOT NULL DEFAULT '',
  address VARCHAR(64) NOT NULL DEFAULT '',
  -- "auth.sign_in", "auth.sign_in_failed", "user.updated", "PATCH /api/v1/queues/{id}"…
  action VARCHAR(128) NOT NULL,
  target VARCHAR(255) NOT NULL DEFAULT '',
  -- JSON, or NULL where there is no state before (a creation) or after (a removal).
  before_state LONGTEXT NULL,
  after_state LONGTEXT NULL,
  KEY ix_audit_at (at),
  KEY ix_audit_actor (actor_kind, actor_id, at),
  KEY ix_audit_action (action, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
