-- A workspace's catalog version: raised by any change to what the edge decides with (its
-- campaigns, its settings, its webhook). The worker reads it with the write key and keeps the
-- catalog it read for that version in memory; account objects keep the parsed catalog by
-- version too, so a decision carries neither 200 documents nor their parse. Triggers, so no
-- writer can forget.
ALTER TABLE workspaces ADD COLUMN catalog_version INTEGER NOT NULL DEFAULT 1;

CREATE TRIGGER campaigns_insert_version AFTER INSERT ON campaigns BEGIN
  UPDATE workspaces SET catalog_version = catalog_version + 1 WHERE id = NEW.workspace_id;
END;

CREATE TRIGGER campaigns_update_version AFTER UPDATE ON campaigns BEGIN
  UPDATE workspaces SET catalog_version = catalog_version + 1
  WHERE id IN (OLD.workspace_id, NEW.workspace_id);
END;

CREATE TRIGGER campaigns_delete_version AFTER DELETE ON campaigns BEGIN
  UPDATE workspaces SET catalog_version = catalog_version + 1 WHERE id = OLD.workspace_id;
END;

CREATE TRIGGER settings_version AFTER UPDATE OF settings ON workspaces BEGIN
  UPDATE workspaces SET catalog_version = catalog_version + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER secrets_insert_version AFTER INSERT ON workspace_secrets BEGIN
  UPDATE workspaces SET catalog_version = catalog_version + 1 WHERE id = NEW.workspace_id;
END;

CREATE TRIGGER secrets_update_version AFTER UPDATE OF webhook_url, webhook_secret ON workspace_secrets BEGIN
  UPDATE workspaces SET catalog_version = catalog_version + 1 WHERE id = NEW.workspace_id;
END;

CREATE TRIGGER secrets_delete_version AFTER DELETE ON workspace_secrets BEGIN
  UPDATE workspaces SET catalog_version = catalog_version + 1 WHERE id = OLD.workspace_id;
END;
