-- Secrets of the invitation and approval features, per workspace. None reaches a browser:
-- `token_key` signs accept and one-click links, `identity_secret` is shared with the vendor's
-- backend to sign user ids (`user_hash`), `webhook_secret` signs webhooks.
CREATE TABLE workspace_secrets (
  workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id),
  token_key TEXT NOT NULL,
  identity_secret TEXT NOT NULL,
  enforce_identity INTEGER NOT NULL DEFAULT 0,
  webhook_url TEXT,
  webhook_secret TEXT
);
