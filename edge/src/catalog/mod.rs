//! The workspace catalog (D1): keys, allowed origins, campaign documents and settings.

mod d1;
pub mod gate;
mod memory;

pub use d1::D1Catalog;
pub use memory::MemoryCatalog;

use std::rc::Rc;

use crate::error::AppError;

/// A workspace's link-token key, derived from the install's control key: lowercase hex of
/// HMAC-SHA256(control key, `token-key/` + workspace id). Nothing to store or leak per
/// workspace; rotating the control key invalidates every outstanding link.
pub fn token_key(root: &str, workspace_id: &str) -> String {
    crate::collab::crypto::user_hash(root, &format!("token-key/{workspace_id}"))
}

/// What a write key grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteKey {
    /// The workspace it belongs to.
    pub workspace_id: String,
    /// Whether it may ask for per-candidate verdicts.
    pub debug: bool,
    /// The workspace's monthly event quota, when it differs from the install's default.
    pub monthly_events: Option<u64>,
    /// New accounts this key may open per day, when it differs from the default.
    pub new_accounts_per_day: Option<u64>,
    /// A stricter request rate per (key, client) and 10 s, counted exactly.
    pub requests_per_10s: Option<u64>,
    /// The workspace's catalog version when the key was read (0: not known).
    pub catalog_version: i64,
}

/// Which public route a request is for (each has its request-rate limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `POST /v1/events`.
    Events,
    /// `POST /v1/decide`.
    Decide,
    /// The invitation and approval routes.
    Collab,
}

/// Everything `decide` needs from the catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceCatalog {
    /// Campaign documents (JSON, validated when saved).
    pub campaigns: Vec<String>,
    /// Settings document (JSON).
    pub settings: String,
    /// Webhook endpoint and signing secret, if set (for the webhooks accounts send).
    pub webhook: Option<(String, String)>,
    /// `workspace:version`, when the catalog was read with its version: account objects keep
    /// the parsed catalog by it, so a decision sends it instead of the documents.
    pub key: Option<String>,
}

/// A workspace's collaboration secrets (never sent to a browser).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CollabSecrets {
    /// Signs link tokens.
    pub token_key: String,
    /// Verifies `user_hash`.
    pub identity_secret: String,
    /// Whether every invite and approval call must carry a valid `user_hash`.
    pub enforce_identity: bool,
    /// Webhook endpoint and signing secret.
    pub webhook: Option<(String, String)>,
}

/// Read access to the catalog. Implemented over D1 and in memory (for native tests).
#[allow(async_fn_in_trait)]
pub trait CatalogStore {
    /// The live (unrevoked) write key, if any.
    async fn write_key(&self, key: &str) -> Result<Option<WriteKey>, AppError>;
    /// The workspace whose secret key hashes to `key_hash`.
    async fn secret_key(&self, key_hash: &str) -> Result<Option<String>, AppError>;
    /// Whether `origin` is allowed for `workspace_id`, or for any workspace when `None`.
    async fn origin_allowed(
        &self,
        workspace_id: Option<&str>,
        origin: &str,
    ) -> Result<bool, AppError>;
    /// The workspace's campaigns and settings.
    async fn catalog(&self, workspace_id: &str) -> Result<WorkspaceCatalog, AppError>;
    /// The catalog of the key's workspace as of the key's read: stores that know versions
    /// keep it in memory per version (no read while it stands).
    async fn catalog_for(&self, key: &WriteKey) -> Result<Rc<WorkspaceCatalog>, AppError> {
        self.catalog(&key.workspace_id).await.map(Rc::new)
    }
    /// The workspace's collaboration secrets; two keys from `new_key` are stored first if
    /// the workspace has none yet.
    async fn collab_secrets(
        &self,
        workspace_id: &str,
        new_key: fn() -> Result<String, AppError>,
    ) -> Result<CollabSecrets, AppError>;
    /// Records when an account's collaboration work is next due (`None`: nothing due).
    async fn set_collab_due(
        &self,
        workspace_id: &str,
        account_id: &str,
        due_at: Option<i64>,
    ) -> Result<(), AppError>;
    /// Accounts whose collaboration work is due at `now` (at most `limit`).
    async fn collab_due(&self, now: i64, limit: u32) -> Result<Vec<(String, String)>, AppError>;
    /// Turns the enforcement of signed identities on or off.
    async fn set_enforce_identity(&self, workspace_id: &str, enforce: bool)
    -> Result<(), AppError>;
    /// Request-rate limits of a write key and of the calling client: 429 `rate_limited`.
    async fn admit(&self, key: &WriteKey, write_key: &str, route: Route) -> Result<(), AppError>;
    /// New accounts among `accounts` count against the key's daily limit (429
    /// `account_limit`); admitted ones are registered in the workspace's account list.
    async fn admit_accounts(
        &self,
        key: &WriteKey,
        write_key: &str,
        accounts: &[&str],
        now: i64,
    ) -> Result<(), AppError>;
    /// Counts `n` events against the workspace's monthly quota, or refuses them all (429
    /// `quota_exceeded`, nothing counted).
    async fn take_events(&self, key: &WriteKey, n: u64, now: i64) -> Result<(), AppError>;
    /// Appends an audit entry for a change made with a secret key (`key_hash`): the entry
    /// names the key by its id, never the secret.
    async fn audit_by_key(
        &self,
        workspace_id: &str,
        key_hash: &str,
        entry: protocol::v1::control::AuditEntry,
    ) -> Result<(), AppError>;
    /// Sets the workspace's webhook endpoint and signing secret.
    async fn set_webhook(
        &self,
        workspace_id: &str,
        url: &str,
        secret: &str,
    ) -> Result<(), AppError>;
}
