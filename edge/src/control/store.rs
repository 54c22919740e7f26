//! The control plane's storage in D1: records and reads. Every change of a workspace is one
//! batch (see `commit`) (a D1 transaction) whose first statement compare-and-swaps the workspace's
//! `version` and stamps a fresh `commit_id`; every other statement is guarded by that stamp,
//! so when the workspace changed since it was read, the whole batch writes nothing and the
//! caller answers 409 `conflict`.

use protocol::v1::control::{
    AuditEntry, CampaignRecord, InvitationDto, Policy, Role, SecretKeyDto, WriteKeyDto, from_text,
};
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use crate::error::AppError;

/// A console user.
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    /// `usr_…`.
    pub id: String,
    /// Lower-case email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// PHC string.
    pub password_hash: String,
    /// Bumped on role changes.
    pub auth_epoch: i64,
    /// Created (ms).
    pub created_at: i64,
}

/// A stored session.
#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    /// SHA-256 of the id.
    pub id_hash: String,
    /// Its user.
    pub user_id: String,
    /// The user's epoch when it started.
    pub epoch: i64,
    /// Last request (ms).
    pub last_seen_at: i64,
    /// Absolute expiry (ms).
    pub expires_at: i64,
}

/// A workspace row.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// `ws_…`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Created (ms).
    pub created_at: i64,
    /// Compare-and-swap version.
    pub version: i64,
    /// Review policy.
    pub policy: Policy,
    /// Settings document.
    pub settings: String,
    /// Settings version.
    pub settings_version: u32,
}

/// A member with their user's email and name.
#[derive(Debug, Clone)]
pub struct Member {
    /// User id.
    pub user_id: String,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// Roles.
    pub roles: Vec<Role>,
}

/// The identity and webhook settings of a workspace.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Secrets {
    /// Enforce signed identities (0/1).
    pub enforce_identity: i64,
    /// Webhook endpoint.
    pub webhook_url: Option<String>,
}

/// The control plane in D1.
#[derive(Debug)]
pub struct ControlStore {
    pub(super) db: D1Database,
}

pub(super) fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}
pub(super) fn n(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}
pub(super) fn opt(v: Option<i64>) -> JsValue {
    v.map_or(JsValue::NULL, n)
}

#[derive(Deserialize)]
struct WsRow {
    id: String,
    name: String,
    created_at: i64,
    version: i64,
    policy: String,
    settings: String,
    settings_version: i64,
}

#[derive(Deserialize)]
struct MemberRow {
    user_id: String,
    email: String,
    name: String,
    roles: String,
}

#[derive(Deserialize)]
struct RefRow {
    id: String,
    name: String,
    roles: String,
}

#[derive(Deserialize)]
pub(super) struct TextRow {
    pub(super) t: String,
}

#[derive(Deserialize)]
struct KeyRow {
    key: String,
    label: String,
    debug: i64,
    created_at: i64,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
}

#[derive(Deserialize)]
struct SecretRow {
    id: Option<String>,
    label: String,
    prefix: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

#[derive(Deserialize)]
struct AuditRow {
    seq: i64,
    entry: String,
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, AppError> {
    from_text(text).map_err(|p| AppError::Internal(format!("stored record: {p}")))
}

impl ControlStore {
    /// Wraps the D1 binding.
    pub fn new(db: D1Database) -> Self {
        Self { db }
    }

    pub(super) fn stmt(
        &self,
        sql: &str,
        binds: &[JsValue],
    ) -> Result<D1PreparedStatement, AppError> {
        Ok(self.db.prepare(sql).bind(binds)?)
    }

    pub(super) async fn first<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        binds: &[JsValue],
    ) -> Result<Option<T>, AppError> {
        Ok(self.stmt(sql, binds)?.first(None).await?)
    }

    async fn all<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        binds: &[JsValue],
    ) -> Result<Vec<T>, AppError> {
        Ok(self.stmt(sql, binds)?.all().await?.results()?)
    }

    pub(super) async fn exec(&self, sql: &str, binds: &[JsValue]) -> Result<usize, AppError> {
        let r = self.stmt(sql, binds)?.run().await?;
        Ok(r.meta()?.and_then(|m| m.changes).unwrap_or(0))
    }

    // ---- workspaces ----

    /// A workspace.
    pub async fn workspace(&self, ws: &str) -> Result<Option<Workspace>, AppError> {
        let row: Option<WsRow> = self
            .first(
                "SELECT id, name, created_at, version, policy, settings, settings_version FROM workspaces WHERE id = ?1",
                &[s(ws)],
            )
            .await?;
        row.map(|r| {
            Ok(Workspace {
                id: r.id,
                name: r.name,
                created_at: r.created_at,
                version: r.version,
                policy: parse(&r.policy)?,
                settings: r.settings,
                settings_version: u32::try_from(r.settings_version).unwrap_or(0),
            })
        })
        .transpose()
    }

    /// A workspace's members.
    pub async fn members(&self, ws: &str) -> Result<Vec<Member>, AppError> {
        let rows: Vec<MemberRow> = self
            .all(
                "SELECT m.user_id, u.email, u.name, m.roles FROM memberships m
                 JOIN console_users u ON u.id = m.user_id WHERE m.workspace_id = ?1 ORDER BY u.email",
                &[s(ws)],
            )
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Member {
                    user_id: r.user_id,
                    email: r.email,
                    name: r.name,
                    roles: parse(&r.roles)?,
                })
            })
            .collect()
    }

    /// The workspaces a user belongs to, with their roles.
    pub async fn workspaces_of(
        &self,
        user: &str,
    ) -> Result<Vec<(String, String, Vec<Role>)>, AppError> {
        let rows: Vec<RefRow> = self
            .all(
                "SELECT w.id, w.name, m.roles FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
                 WHERE m.user_id = ?1 ORDER BY w.name",
                &[s(user)],
            )
            .await?;
        rows.into_iter()
            .map(|r| Ok((r.id, r.name, parse(&r.roles)?)))
            .collect()
    }

    /// A workspace's invitations, newest first.
    pub async fn invitations(&self, ws: &str) -> Result<Vec<InvitationDto>, AppError> {
        let rows: Vec<TextRow> = self
            .all(
                "SELECT record AS t FROM console_invitations WHERE workspace_id = ?1 ORDER BY created_at DESC LIMIT 500",
                &[s(ws)],
            )
            .await?;
        rows.iter().map(|r| parse(&r.t)).collect()
    }

    /// One invitation and its workspace.
    pub async fn invitation(&self, id: &str) -> Result<Option<(String, InvitationDto)>, AppError> {
        #[derive(Deserialize)]
        struct Row {
            workspace_id: String,
            record: String,
        }
        let row: Option<Row> = self
            .first(
                "SELECT workspace_id, record FROM console_invitations WHERE id = ?1",
                &[s(id)],
            )
            .await?;
        row.map(|r| Ok((r.workspace_id, parse(&r.record)?)))
            .transpose()
    }

    /// A workspace's write keys.
    pub async fn write_keys(&self, ws: &str) -> Result<Vec<WriteKeyDto>, AppError> {
        let rows: Vec<KeyRow> = self
            .all(
                "SELECT key, label, debug, created_at, expires_at, revoked_at FROM write_keys
                 WHERE workspace_id = ?1 ORDER BY created_at, key",
                &[s(ws)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| WriteKeyDto {
                key: r.key,
                label: r.label,
                debug: r.debug != 0,
                created_at: r.created_at,
                expires_at: r.expires_at,
                revoked_at: r.revoked_at,
            })
            .collect())
    }

    /// A workspace's secret keys (metadata and hashes).
    pub async fn secret_keys(&self, ws: &str) -> Result<Vec<SecretKeyDto>, AppError> {
        let rows: Vec<SecretRow> = self
            .all(
                "SELECT id, label, prefix, created_at, last_used_at, revoked_at FROM secret_keys
                 WHERE workspace_id = ?1 ORDER BY created_at",
                &[s(ws)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| SecretKeyDto {
                id: r.id.unwrap_or_default(),
                label: r.label,
                prefix: r.prefix,
                created_at: r.created_at,
                last_used_at: r.last_used_at,
                revoked_at: r.revoked_at,
            })
            .collect())
    }

    /// The hash of a workspace's secret key by id.
    pub async fn secret_key_hash(&self, ws: &str, id: &str) -> Result<Option<String>, AppError> {
        let row: Option<TextRow> = self
            .first(
                "SELECT key_hash AS t FROM secret_keys WHERE workspace_id = ?1 AND id = ?2",
                &[s(ws), s(id)],
            )
            .await?;
        Ok(row.map(|r| r.t))
    }

    /// A workspace's allowed origins.
    pub async fn origins(&self, ws: &str) -> Result<Vec<String>, AppError> {
        let rows: Vec<TextRow> = self
            .all(
                "SELECT origin AS t FROM allowed_origins WHERE workspace_id = ?1 ORDER BY origin",
                &[s(ws)],
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.t).collect())
    }

    /// Identity enforcement and the webhook endpoint.
    pub async fn secrets(&self, ws: &str) -> Result<Secrets, AppError> {
        Ok(self
            .first(
                "SELECT enforce_identity, webhook_url FROM workspace_secrets WHERE workspace_id = ?1",
                &[s(ws)],
            )
            .await?
            .unwrap_or_default())
    }

    /// Settings versions, newest first.
    pub async fn settings_versions(
        &self,
        ws: &str,
    ) -> Result<Vec<(u32, String, i64, String)>, AppError> {
        #[derive(Deserialize)]
        struct Row {
            version: i64,
            hash: String,
            updated_at: i64,
            updated_by: String,
        }
        let rows: Vec<Row> = self
            .all(
                "SELECT version, hash, updated_at, updated_by FROM settings_versions WHERE workspace_id = ?1
                 ORDER BY version DESC LIMIT 200",
                &[s(ws)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    u32::try_from(r.version).unwrap_or(0),
                    r.hash,
                    r.updated_at,
                    r.updated_by,
                )
            })
            .collect())
    }

    /// Every campaign record of a workspace.
    pub async fn campaigns(&self, ws: &str) -> Result<Vec<CampaignRecord>, AppError> {
        let rows: Vec<TextRow> = self
            .all(
                "SELECT record AS t FROM campaign_records WHERE workspace_id = ?1 ORDER BY id",
                &[s(ws)],
            )
            .await?;
        rows.iter().map(|r| parse(&r.t)).collect()
    }

    /// One campaign record.
    pub async fn campaign(&self, ws: &str, id: &str) -> Result<Option<CampaignRecord>, AppError> {
        let row: Option<TextRow> = self
            .first(
                "SELECT record AS t FROM campaign_records WHERE workspace_id = ?1 AND id = ?2",
                &[s(ws), s(id)],
            )
            .await?;
        row.map(|r| parse(&r.t)).transpose()
    }

    /// A revision's document.
    pub async fn revision_document(
        &self,
        ws: &str,
        id: &str,
        number: u32,
    ) -> Result<Option<String>, AppError> {
        let row: Option<TextRow> = self
            .first(
                "SELECT document AS t FROM campaign_revisions WHERE workspace_id = ?1 AND campaign_id = ?2 AND number = ?3",
                &[s(ws), s(id), n(i64::from(number))],
            )
            .await?;
        Ok(row.map(|r| r.t))
    }

    /// Audit entries, newest first, below `cursor`, filtered.
    pub async fn audit(&self, ws: &str, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
        let rows: Vec<AuditRow> = self
            .all(
                "SELECT seq, entry FROM audit_log WHERE workspace_id = ?1 AND seq < ?2
                   AND (?3 = '' OR action = ?3) AND (?4 = '' OR actor = ?4) AND (?5 = '' OR target = ?5)
                   AND at >= ?6 AND at < ?7
                 ORDER BY seq DESC LIMIT ?8",
                &[
                    s(ws),
                    n(filter.cursor),
                    s(&filter.action),
                    s(&filter.actor),
                    s(&filter.target),
                    n(filter.since),
                    n(filter.until),
                    n(i64::from(filter.limit)),
                ],
            )
            .await?;
        rows.into_iter()
            .map(|r| {
                let mut e: AuditEntry = parse(&r.entry)?;
                e.seq = r.seq;
                Ok(e)
            })
            .collect()
    }
}

/// Filters of `GET …/audit`.
#[derive(Debug, Clone)]
pub struct AuditFilter {
    /// Only this action (`""`: any).
    pub action: String,
    /// Only this actor's user id or key id.
    pub actor: String,
    /// Only this target.
    pub target: String,
    /// From (ms).
    pub since: i64,
    /// Until (ms, exclusive).
    pub until: i64,
    /// Entries with `seq` below this.
    pub cursor: i64,
    /// At most this many.
    pub limit: u32,
}
