-- Accounts whose invitation or approval work is due (a webhook to retry, a reminder, an
-- expiry), and when: the Cron Trigger wakes their objects, as a sweep behind their alarms.
CREATE TABLE collab_due (
  workspace_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, account_id)
);
CREATE INDEX collab_due_by_time ON collab_due(due_at);
