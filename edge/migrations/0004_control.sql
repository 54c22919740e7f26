-- The control plane: console users and sessions, memberships with roles, invitations, key
-- metadata, settings versions, campaign records and revisions, and the audit log.
-- Every change of a workspace is one D1 batch whose first statement bumps
-- `workspaces.version` (compare-and-swap) and stamps `commit_id`; the other statements only
-- apply while that stamp is theirs, so a concurrent change makes the whole batch a no-op.

ALTER TABLE workspaces ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workspaces ADD COLUMN commit_id TEXT NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN policy TEXT NOT NULL DEFAULT '{"required_approvals":1,"author_may_approve":false,"reviewer_required":false}';
ALTER TABLE workspaces ADD COLUMN settings_version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE console_users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  -- Bumped when the user's roles change: their sessions are rotated at their next request.
  auth_epoch INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

-- Only the SHA-256 of a session id is stored.
CREATE TABLE console_sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES console_users(id),
  epoch INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX console_sessions_by_user ON console_sessions(user_id);

-- Nonces of spent setup links (each link creates one user, once).
CREATE TABLE spent_links (
  nonce TEXT PRIMARY KEY,
  spent_at INTEGER NOT NULL
);

CREATE TABLE memberships (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  user_id TEXT NOT NULL REFERENCES console_users(id),
  roles TEXT NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships(user_id);

CREATE TABLE console_invitations (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  record TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX console_invitations_by_ws ON console_invitations(workspace_id, created_at);

ALTER TABLE write_keys ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE write_keys ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE write_keys ADD COLUMN expires_at INTEGER;
ALTER TABLE write_keys ADD COLUMN revoked_at INTEGER;
CREATE INDEX write_keys_by_ws ON write_keys(workspace_id);

ALTER TABLE secret_keys ADD COLUMN id TEXT;
ALTER TABLE secret_keys ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE secret_keys ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE secret_keys ADD COLUMN last_used_at INTEGER;
ALTER TABLE secret_keys ADD COLUMN revoked_at INTEGER;
CREATE INDEX secret_keys_by_ws ON secret_keys(workspace_id);

ALTER TABLE workspace_secrets ADD COLUMN identity_rotated_at INTEGER;

CREATE TABLE settings_versions (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  version INTEGER NOT NULL,
  hash TEXT NOT NULL,
  document TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, version)
);

-- One control record (revisions' metadata, reviews, live pointer) per campaign.
CREATE TABLE campaign_records (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE campaign_revisions (
  workspace_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL,
  number INTEGER NOT NULL,
  hash TEXT NOT NULL,
  document TEXT NOT NULL,
  published INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (workspace_id, campaign_id, number)
);

-- Published revisions are immutable, whatever route or query tries.
CREATE TRIGGER campaign_revisions_immutable
BEFORE UPDATE ON campaign_revisions WHEN OLD.published = 1
BEGIN
  SELECT RAISE(ABORT, 'published revisions are immutable');
END;
CREATE TRIGGER campaign_revisions_undeletable
BEFORE DELETE ON campaign_revisions WHEN OLD.published = 1
BEGIN
  SELECT RAISE(ABORT, 'published revisions are immutable');
END;

-- Append-only.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  actor TEXT NOT NULL,
  entry TEXT NOT NULL
);
CREATE INDEX audit_log_by_ws ON audit_log(workspace_id, seq);
CREATE TRIGGER audit_log_append_only_u BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_append_only_d BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
