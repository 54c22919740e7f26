-- Catalog: workspaces, their keys and allowed origins, and campaign definitions.
CREATE TABLE workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);

-- Write keys are public (they ship in the browser); `debug` allows per-candidate verdicts.
CREATE TABLE write_keys (
  key TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  debug INTEGER NOT NULL DEFAULT 0,
  revoked INTEGER NOT NULL DEFAULT 0
);

-- Secret keys never reach the browser; only their SHA-256 is stored.
CREATE TABLE secret_keys (
  key_hash TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  label TEXT NOT NULL DEFAULT ''
);

CREATE TABLE allowed_origins (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  origin TEXT NOT NULL,
  PRIMARY KEY (workspace_id, origin)
);
CREATE INDEX allowed_origins_by_origin ON allowed_origins(origin);

-- Campaign definitions are JSON documents validated by `protocol` before they are saved.
CREATE TABLE campaigns (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  id TEXT NOT NULL,
  definition TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
