-- Limits of the public routes: per-workspace overrides of the monthly event quota and of the
-- new accounts a write key may open per day (NULL: the install's defaults), and the list of
-- each workspace's accounts (registered when their first request is admitted).
ALTER TABLE workspaces ADD COLUMN monthly_events INTEGER;
ALTER TABLE workspaces ADD COLUMN new_accounts_per_day INTEGER;
-- A stricter request rate per (write key, client) than the binding's, counted exactly.
ALTER TABLE workspaces ADD COLUMN requests_per_10s INTEGER;

CREATE TABLE accounts (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  account_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, account_id)
);
