//! An in-memory `CatalogStore` for native tests of the use cases.

use std::collections::HashMap;

use super::{CatalogStore, CollabSecrets, WorkspaceCatalog, WriteKey};
use crate::error::AppError;

/// The catalog held in maps.
#[derive(Debug, Default)]
pub struct MemoryCatalog {
    /// Write key → grant.
    pub write_keys: HashMap<String, WriteKey>,
    /// Secret-key hash → workspace.
    pub secret_keys: HashMap<String, String>,
    /// (workspace, origin) pairs.
    pub origins: Vec<(String, String)>,
    /// Workspace → catalog.
    pub catalogs: HashMap<String, WorkspaceCatalog>,
    /// Workspace → collaboration secrets.
    pub secrets: std::cell::RefCell<HashMap<String, CollabSecrets>>,
    /// (workspace, account) → when collaboration work is due.
    pub due: std::cell::RefCell<HashMap<(String, String), i64>>,
    /// Audit entries of secret-key changes: (workspace, entry).
    pub audit: std::cell::RefCell<Vec<(String, protocol::v1::control::AuditEntry)>>,
}

impl CatalogStore for MemoryCatalog {
    async fn admit(&self, _: &WriteKey, _: &str, _: super::Route) -> Result<(), AppError> {
        Ok(())
    }

    async fn admit_accounts(
        &self,
        _: &WriteKey,
        _: &str,
        _: &[&str],
        _: i64,
    ) -> Result<(), AppError> {
        Ok(())
    }

    async fn take_events(&self, _: &WriteKey, _: u64, _: i64) -> Result<(), AppError> {
        Ok(())
    }

    async fn audit_by_key(
        &self,
        workspace_id: &str,
        key_hash: &str,
        mut entry: protocol::v1::control::AuditEntry,
    ) -> Result<(), AppError> {
        entry.actor = protocol::v1::control::Actor::Key {
            secret_key: key_hash.chars().take(12).collect(),
        };
        self.audit
            .borrow_mut()
            .push((workspace_id.to_owned(), entry));
        Ok(())
    }

    async fn write_key(&self, key: &str) -> Result<Option<WriteKey>, AppError> {
        Ok(self.write_keys.get(key).cloned())
    }

    async fn secret_key(&self, key_hash: &str) -> Result<Option<String>, AppError> {
        Ok(self.secret_keys.get(key_hash).cloned())
    }

    async fn origin_allowed(
        &self,
        workspace_id: Option<&str>,
        origin: &str,
    ) -> Result<bool, AppError> {
        Ok(self
            .origins
            .iter()
            .any(|(ws, o)| o == origin && workspace_id.is_none_or(|w| w == ws)))
    }

    async fn catalog(&self, workspace_id: &str) -> Result<WorkspaceCatalog, AppError> {
        let mut catalog = self.catalogs.get(workspace_id).cloned().unwrap_or_default();
        catalog.webhook = self
            .secrets
            .borrow()
            .get(workspace_id)
            .and_then(|s| s.webhook.clone());
        Ok(catalog)
    }

    async fn collab_secrets(
        &self,
        workspace_id: &str,
        new_key: fn() -> Result<String, AppError>,
    ) -> Result<CollabSecrets, AppError> {
        let mut secrets = self.secrets.borrow_mut();
        if let Some(s) = secrets.get(workspace_id) {
            return Ok(s.clone());
        }
        let fresh = CollabSecrets {
            token_key: new_key()?,
            identity_secret: new_key()?,
            ..CollabSecrets::default()
        };
        secrets.insert(workspace_id.to_owned(), fresh.clone());
        Ok(fresh)
    }

    async fn set_collab_due(
        &self,
        workspace_id: &str,
        account_id: &str,
        due_at: Option<i64>,
    ) -> Result<(), AppError> {
        let key = (workspace_id.to_owned(), account_id.to_owned());
        let mut due = self.due.borrow_mut();
        match due_at {
            Some(at) => due.insert(key, at),
            None => due.remove(&key),
        };
        Ok(())
    }

    async fn collab_due(&self, now: i64, limit: u32) -> Result<Vec<(String, String)>, AppError> {
        let mut due: Vec<(i64, (String, String))> = self
            .due
            .borrow()
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(k, at)| (*at, k.clone()))
            .collect();
        due.sort();
        Ok(due
            .into_iter()
            .take(limit as usize)
            .map(|(_, k)| k)
            .collect())
    }

    async fn set_enforce_identity(
        &self,
        workspace_id: &str,
        enforce: bool,
    ) -> Result<(), AppError> {
        if let Some(s) = self.secrets.borrow_mut().get_mut(workspace_id) {
            s.enforce_identity = enforce;
        }
        Ok(())
    }

    async fn set_webhook(
        &self,
        workspace_id: &str,
        url: &str,
        secret: &str,
    ) -> Result<(), AppError> {
        if let Some(s) = self.secrets.borrow_mut().get_mut(workspace_id) {
            s.webhook = Some((url.to_owned(), secret.to_owned()));
        }
        Ok(())
    }
}
