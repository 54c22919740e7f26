//! `CatalogStore` over Cloudflare D1.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde::Deserialize;
use worker::D1Database;
use worker::wasm_bindgen::JsValue;

use super::{CatalogStore, CollabSecrets, WorkspaceCatalog, WriteKey};
use crate::error::AppError;

/// Workspaces whose catalogs this isolate keeps; past it, it starts again.
const KEPT_CATALOGS: usize = 64;

thread_local! {
    /// The catalog last read per workspace, with its version: a decision reads it again only
    /// when the key's read shows a newer version (migrations/0006_catalog_version.sql).
    static CATALOGS: RefCell<HashMap<String, Rc<WorkspaceCatalog>>> = RefCell::new(HashMap::new());
}

/// The catalog in D1 (binding `DB`).
#[derive(Debug)]
pub struct D1Catalog {
    db: D1Database,
    /// The install's control key: each workspace's link-token key is derived from it.
    token_root: Option<String>,
    /// The request's limits (none in native tests).
    gate: Option<super::gate::Gate>,
}

impl D1Catalog {
    /// Wraps the D1 binding.
    pub fn new(db: D1Database) -> Self {
        Self {
            db,
            token_root: None,
            gate: None,
        }
    }

    /// Checks the public routes' limits with `gate`.
    pub fn with_gate(mut self, gate: super::gate::Gate) -> Self {
        self.gate = Some(gate);
        self
    }

    /// Derives link-token keys from the install's control key (see [`super::token_key`]).
    pub fn with_token_root(mut self, root: Option<String>) -> Self {
        self.token_root = root;
        self
    }
}

#[derive(Deserialize)]
struct KeyRow {
    workspace_id: String,
    debug: i64,
    monthly_events: Option<f64>,
    new_accounts_per_day: Option<f64>,
    requests_per_10s: Option<f64>,
    catalog_version: Option<f64>,
}

#[derive(Deserialize)]
struct WorkspaceRow {
    workspace_id: String,
}

#[derive(Deserialize)]
struct DefinitionRow {
    definition: String,
}

#[derive(Deserialize)]
struct SecretsRow {
    token_key: String,
    identity_secret: String,
    enforce_identity: i64,
    webhook_url: Option<String>,
    webhook_secret: Option<String>,
}

#[derive(Deserialize)]
struct SettingsRow {
    settings: String,
    catalog_version: Option<f64>,
}

#[derive(Deserialize)]
struct WebhookRow {
    webhook_url: Option<String>,
    webhook_secret: Option<String>,
}

impl CatalogStore for D1Catalog {
    async fn admit(
        &self,
        key: &WriteKey,
        write_key: &str,
        route: super::Route,
    ) -> Result<(), AppError> {
        match &self.gate {
            Some(g) => g.admit(key, write_key, route).await,
            None => Ok(()),
        }
    }

    async fn admit_accounts(
        &self,
        key: &WriteKey,
        write_key: &str,
        accounts: &[&str],
        now: i64,
    ) -> Result<(), AppError> {
        match &self.gate {
            Some(g) => {
                g.admit_accounts(&self.db, key, write_key, accounts, now)
                    .await
            }
            None => Ok(()),
        }
    }

    async fn take_events(&self, key: &WriteKey, n: u64, now: i64) -> Result<(), AppError> {
        match &self.gate {
            Some(g) => g.take_events(key, n, now).await,
            None => Ok(()),
        }
    }

    async fn audit_by_key(
        &self,
        workspace_id: &str,
        key_hash: &str,
        mut entry: protocol::v1::control::AuditEntry,
    ) -> Result<(), AppError> {
        #[derive(Deserialize)]
        struct IdRow {
            id: Option<String>,
        }
        let row: Option<IdRow> = self
            .db
            .prepare("SELECT id FROM secret_keys WHERE key_hash = ?1")
            .bind(&[JsValue::from_str(key_hash)])?
            .first(None)
            .await?;
        let id = row
            .and_then(|r| r.id)
            .unwrap_or_else(|| "secret key".to_owned());
        entry.actor = protocol::v1::control::Actor::Key {
            secret_key: id.clone(),
        };
        self.db
            .prepare(
                "INSERT INTO audit_log (workspace_id, at, action, target, actor, entry)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .bind(&[
                JsValue::from_str(workspace_id),
                JsValue::from_f64(entry.at as f64),
                JsValue::from_str(&entry.action),
                JsValue::from_str(&entry.target),
                JsValue::from_str(&id),
                JsValue::from_str(&protocol::v1::control::to_text(&entry)),
            ])?
            .run()
            .await?;
        Ok(())
    }

    async fn write_key(&self, key: &str) -> Result<Option<WriteKey>, AppError> {
        let row: Option<KeyRow> = self
            .db
            .prepare(
                "SELECT k.workspace_id, k.debug, w.monthly_events, w.new_accounts_per_day, w.requests_per_10s,
                   w.catalog_version
                 FROM write_keys k JOIN workspaces w ON w.id = k.workspace_id WHERE k.key = ?1 AND k.revoked = 0
                 AND (k.expires_at IS NULL
                      OR k.expires_at > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))",
            )
            .bind(&[JsValue::from_str(key)])?
            .first(None)
            .await?;
        Ok(row.map(|r| WriteKey {
            workspace_id: r.workspace_id,
            debug: r.debug != 0,
            monthly_events: r.monthly_events.map(|n| n as u64),
            new_accounts_per_day: r.new_accounts_per_day.map(|n| n as u64),
            requests_per_10s: r.requests_per_10s.map(|n| n as u64),
            catalog_version: r.catalog_version.map_or(0, |n| n as i64),
        }))
    }

    async fn secret_key(&self, key_hash: &str) -> Result<Option<String>, AppError> {
        let hash = JsValue::from_str(key_hash);
        let row: Option<WorkspaceRow> = self
            .db
            .prepare(
                "SELECT workspace_id FROM secret_keys WHERE key_hash = ?1 AND revoked_at IS NULL",
            )
            .bind(std::slice::from_ref(&hash))?
            .first(None)
            .await?;
        if row.is_some() {
            // Last use, to the minute (one write per key per minute at most).
            self.db
                .prepare(
                    "UPDATE secret_keys SET last_used_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000
                     WHERE key_hash = ?1 AND (last_used_at IS NULL
                       OR last_used_at < CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 60000)",
                )
                .bind(&[hash])?
                .run()
                .await?;
        }
        Ok(row.map(|r| r.workspace_id))
    }

    async fn origin_allowed(
        &self,
        workspace_id: Option<&str>,
        origin: &str,
    ) -> Result<bool, AppError> {
        let stmt = match workspace_id {
            Some(ws) => self
                .db
                .prepare("SELECT workspace_id FROM allowed_origins WHERE workspace_id = ?1 AND origin = ?2")
                .bind(&[JsValue::from_str(ws), JsValue::from_str(origin)])?,
            None => self
                .db
                .prepare("SELECT workspace_id FROM allowed_origins WHERE origin = ?1 LIMIT 1")
                .bind(&[JsValue::from_str(origin)])?,
        };
        let row: Option<WorkspaceRow> = stmt.first(None).await?;
        Ok(row.is_some())
    }

    async fn catalog(&self, workspace_id: &str) -> Result<WorkspaceCatalog, AppError> {
        let ws = [JsValue::from_str(workspace_id)];
        let results = self
            .db
            .batch(vec![
                self.db
                    .prepare("SELECT definition FROM campaigns WHERE workspace_id = ?1 ORDER BY id")
                    .bind(&ws)?,
                self.db
                    .prepare("SELECT settings, catalog_version FROM workspaces WHERE id = ?1")
                    .bind(&ws)?,
                self.db
                    .prepare(
                        "SELECT webhook_url, webhook_secret FROM workspace_secrets
                         WHERE workspace_id = ?1",
                    )
                    .bind(&ws)?,
            ])
            .await?;
        let mut it = results.into_iter();
        let campaigns: Vec<DefinitionRow> = it
            .next()
            .map(|r| r.results())
            .transpose()?
            .unwrap_or_default();
        let settings: Vec<SettingsRow> = it
            .next()
            .map(|r| r.results())
            .transpose()?
            .unwrap_or_default();
        let webhooks: Vec<WebhookRow> = it
            .next()
            .map(|r| r.results())
            .transpose()?
            .unwrap_or_default();
        let settings = settings.into_iter().next();
        Ok(WorkspaceCatalog {
            campaigns: campaigns.into_iter().map(|r| r.definition).collect(),
            key: settings
                .as_ref()
                .and_then(|r| r.catalog_version)
                .map(|v| format!("{workspace_id}:{}", v as i64)),
            settings: settings.map_or_else(|| "{}".to_owned(), |r| r.settings),
            webhook: webhooks
                .into_iter()
                .next()
                .and_then(|r| r.webhook_url.zip(r.webhook_secret)),
        })
    }

    async fn catalog_for(&self, key: &WriteKey) -> Result<Rc<WorkspaceCatalog>, AppError> {
        let wanted = format!("{}:{}", key.workspace_id, key.catalog_version);
        let kept = CATALOGS.with(|c| c.borrow().get(&key.workspace_id).cloned());
        if let Some(kept) =
            kept.filter(|c| key.catalog_version > 0 && c.key.as_deref() == Some(&wanted))
        {
            return Ok(kept);
        }
        // Read in the same batch as its version: a change after the key's read is seen here
        // and kept under its own, newer version.
        let read = Rc::new(self.catalog(&key.workspace_id).await?);
        CATALOGS.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() >= KEPT_CATALOGS {
                c.clear();
            }
            c.insert(key.workspace_id.clone(), Rc::clone(&read));
        });
        Ok(read)
    }

    async fn collab_secrets(
        &self,
        workspace_id: &str,
        new_key: fn() -> Result<String, AppError>,
    ) -> Result<CollabSecrets, AppError> {
        let ws = JsValue::from_str(workspace_id);
        let read = || async {
            let row: Option<SecretsRow> = self
                .db
                .prepare(
                    "SELECT token_key, identity_secret, enforce_identity, webhook_url, webhook_secret
                     FROM workspace_secrets WHERE workspace_id = ?1",
                )
                .bind(std::slice::from_ref(&ws))?
                .first(None)
                .await?;
            Ok::<_, AppError>(row)
        };
        // Read first: a write only for a workspace's first collaboration call.
        let row = match read().await? {
            Some(row) => row,
            None => {
                self.db
                    .prepare(
                        "INSERT OR IGNORE INTO workspace_secrets (workspace_id, token_key, identity_secret)
                         VALUES (?1, ?2, ?3)",
                    )
                    .bind(&[ws.clone(), JsValue::from_str(&new_key()?), JsValue::from_str(&new_key()?)])?
                    .run()
                    .await?;
                read()
                    .await?
                    .ok_or_else(|| AppError::Internal("workspace secrets missing".into()))?
            }
        };
        Ok(CollabSecrets {
            token_key: match &self.token_root {
                Some(root) => super::token_key(root, workspace_id),
                None => row.token_key,
            },
            identity_secret: row.identity_secret,
            enforce_identity: row.enforce_identity != 0,
            webhook: row.webhook_url.zip(row.webhook_secret),
        })
    }

    async fn set_collab_due(
        &self,
        workspace_id: &str,
        account_id: &str,
        due_at: Option<i64>,
    ) -> Result<(), AppError> {
        let (ws, account) = (
            JsValue::from_str(workspace_id),
            JsValue::from_str(account_id),
        );
        let stmt = match due_at {
            Some(at) => self
                .db
                .prepare(
                    "INSERT INTO collab_due (workspace_id, account_id, due_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (workspace_id, account_id) DO UPDATE SET due_at = excluded.due_at",
                )
                .bind(&[ws, account, JsValue::from_f64(at as f64)])?,
            None => self
                .db
                .prepare("DELETE FROM collab_due WHERE workspace_id = ?1 AND account_id = ?2")
                .bind(&[ws, account])?,
        };
        stmt.run().await?;
        Ok(())
    }

    async fn collab_due(&self, now: i64, limit: u32) -> Result<Vec<(String, String)>, AppError> {
        #[derive(Deserialize)]
        struct Due {
            workspace_id: String,
            account_id: String,
        }
        let rows: Vec<Due> = self
            .db
            .prepare(
                "SELECT workspace_id, account_id FROM collab_due WHERE due_at <= ?1
                 ORDER BY due_at LIMIT ?2",
            )
            .bind(&[
                JsValue::from_f64(now as f64),
                JsValue::from_f64(f64::from(limit)),
            ])?
            .all()
            .await?
            .results()?;
        Ok(rows
            .into_iter()
            .map(|d| (d.workspace_id, d.account_id))
            .collect())
    }

    async fn set_enforce_identity(
        &self,
        workspace_id: &str,
        enforce: bool,
    ) -> Result<(), AppError> {
        self.db
            .prepare("UPDATE workspace_secrets SET enforce_identity = ?2 WHERE workspace_id = ?1")
            .bind(&[
                JsValue::from_str(workspace_id),
                JsValue::from_f64(if enforce { 1.0 } else { 0.0 }),
            ])?
            .run()
            .await?;
        Ok(())
    }

    async fn set_webhook(
        &self,
        workspace_id: &str,
        url: &str,
        secret: &str,
    ) -> Result<(), AppError> {
        self.db
            .prepare(
                "UPDATE workspace_secrets SET webhook_url = ?2, webhook_secret = ?3
                 WHERE workspace_id = ?1",
            )
            .bind(&[
                JsValue::from_str(workspace_id),
                JsValue::from_str(url),
                JsValue::from_str(secret),
            ])?
            .run()
            .await?;
        Ok(())
    }
}
