//! The control plane's storage in D1. Reads are plain queries; every change of a workspace
//! is one batch (a D1 transaction) whose first statement compare-and-swaps the workspace's
//! `version` and stamps a fresh `commit_id`; every other statement is guarded by that stamp,
//! so when the workspace changed since it was read, the whole batch writes nothing and the
//! caller answers 409 `conflict`.

use protocol::v1::control::{
    AuditEntry, CampaignRecord, InvitationDto, Policy, Role, SecretKeyDto, WriteKeyDto, from_text,
    to_text,
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

/// One change of a workspace, written in the guarded batch.
#[derive(Debug, Clone)]
pub enum Write {
    /// Name and policy.
    Workspace { name: String, policy: Policy },
    /// A new console user.
    NewUser(User),
    /// A member's roles (empty: removed); their sessions rotate.
    Member { user_id: String, roles: Vec<Role> },
    /// An invitation, inserted or updated.
    Invitation(InvitationDto),
    /// A write key, inserted or updated.
    WriteKey(WriteKeyDto),
    /// A secret key's metadata and hash.
    SecretKey { hash: String, key: SecretKeyDto },
    /// The allowed origins, replaced.
    Origins(Vec<String>),
    /// The collaboration secrets row of a new workspace.
    NewSecrets { identity_secret: String },
    /// Enforcement of signed identities.
    Enforce(bool),
    /// A new identity secret.
    IdentitySecret { secret: String, at: i64 },
    /// Webhook endpoint and signing secret.
    Webhook { url: String, secret: String },
    /// A settings version, made current.
    Settings {
        version: u32,
        hash: String,
        document: String,
        by: String,
        at: i64,
    },
    /// A campaign's control record.
    Campaign(CampaignRecord),
    /// A draft revision's document.
    Revision {
        campaign: String,
        number: u32,
        hash: String,
        document: String,
    },
    /// A revision becomes published (immutable).
    Publish { campaign: String, number: u32 },
    /// The data plane's copy: revision `Some(n)` live, or off.
    Live {
        campaign: String,
        revision: Option<u32>,
        at: i64,
    },
    /// Limit overrides of the public routes (`None`: the default).
    Limits {
        monthly_events: Option<u64>,
        new_accounts_per_day: Option<u64>,
        requests_per_10s: Option<u64>,
    },
    /// An audit entry.
    Audit(AuditEntry),
}

/// The control plane in D1.
#[derive(Debug)]
pub struct ControlStore {
    db: D1Database,
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}
fn n(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}
fn opt(v: Option<i64>) -> JsValue {
    v.map_or(JsValue::NULL, n)
}

const G: &str = "EXISTS (SELECT 1 FROM workspaces WHERE id = ?1 AND commit_id = ?2)";

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
struct TextRow {
    t: String,
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

    fn stmt(&self, sql: &str, binds: &[JsValue]) -> Result<D1PreparedStatement, AppError> {
        Ok(self.db.prepare(sql).bind(binds)?)
    }

    async fn first<T: serde::de::DeserializeOwned>(
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

    async fn exec(&self, sql: &str, binds: &[JsValue]) -> Result<usize, AppError> {
        let r = self.stmt(sql, binds)?.run().await?;
        Ok(r.meta()?.and_then(|m| m.changes).unwrap_or(0))
    }

    // ---- users and sessions (install-wide) ----

    /// The user with this email.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, AppError> {
        self.first("SELECT * FROM console_users WHERE email = ?1", &[s(email)])
            .await
    }

    /// The user with this id.
    pub async fn user(&self, id: &str) -> Result<Option<User>, AppError> {
        self.first("SELECT * FROM console_users WHERE id = ?1", &[s(id)])
            .await
    }

    /// Whether a setup link's nonce was spent.
    pub async fn link_spent(&self, nonce: &str) -> Result<bool, AppError> {
        let row: Option<TextRow> = self
            .first(
                "SELECT nonce AS t FROM spent_links WHERE nonce = ?1",
                &[s(nonce)],
            )
            .await?;
        Ok(row.is_some())
    }

    /// Spends a setup link and creates its user, in one transaction (fails if either the
    /// nonce or the email is taken meanwhile).
    pub async fn setup_user(&self, nonce: &str, user: &User) -> Result<(), AppError> {
        self.db
            .batch(vec![
                self.stmt(
                    "INSERT INTO spent_links (nonce, spent_at) VALUES (?1, ?2)",
                    &[s(nonce), n(user.created_at)],
                )?,
                self.stmt(
                    "INSERT INTO console_users (id, email, name, password_hash, auth_epoch, created_at)
                     VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                    &[s(&user.id), s(&user.email), s(&user.name), s(&user.password_hash), n(user.created_at)],
                )?,
            ])
            .await?;
        Ok(())
    }

    /// Stores a new session.
    pub async fn insert_session(&self, s_: &Session, now: i64) -> Result<(), AppError> {
        self.exec(
            "INSERT INTO console_sessions (id_hash, user_id, epoch, created_at, last_seen_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
            &[s(&s_.id_hash), s(&s_.user_id), n(s_.epoch), n(now), n(s_.expires_at)],
        )
        .await?;
        Ok(())
    }

    /// The session with this id hash.
    pub async fn session(&self, id_hash: &str) -> Result<Option<Session>, AppError> {
        self.first(
            "SELECT id_hash, user_id, epoch, last_seen_at, expires_at FROM console_sessions WHERE id_hash = ?1",
            &[s(id_hash)],
        )
        .await
    }

    /// Records a request of the session (at most once a minute).
    pub async fn touch_session(&self, id_hash: &str, now: i64) -> Result<(), AppError> {
        self.exec(
            "UPDATE console_sessions SET last_seen_at = ?2 WHERE id_hash = ?1 AND last_seen_at < ?2 - 60000",
            &[s(id_hash), n(now)],
        )
        .await?;
        Ok(())
    }

    /// Ends one session.
    pub async fn delete_session(&self, id_hash: &str) -> Result<(), AppError> {
        self.exec(
            "DELETE FROM console_sessions WHERE id_hash = ?1",
            &[s(id_hash)],
        )
        .await?;
        Ok(())
    }

    /// Ends every session of a user.
    pub async fn delete_sessions(&self, user_id: &str) -> Result<(), AppError> {
        self.exec(
            "DELETE FROM console_sessions WHERE user_id = ?1",
            &[s(user_id)],
        )
        .await?;
        Ok(())
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

    /// Applies `writes` to workspace `ws` if its version is still `expected` (`None`: the
    /// workspace is new and is created by this commit, named `new_name`). `Ok(false)`: it
    /// changed meanwhile and nothing was written.
    pub async fn commit(
        &self,
        ws: &str,
        expected: Option<i64>,
        new_name: &str,
        now: i64,
        token: &str,
        writes: &[Write],
    ) -> Result<bool, AppError> {
        let head = match expected {
            Some(v) => self.stmt(
                "UPDATE workspaces SET version = version + 1, commit_id = ?2 WHERE id = ?1 AND version = ?3",
                &[s(ws), s(token), n(v)],
            )?,
            None => self.stmt(
                "INSERT INTO workspaces (id, name, settings, created_at, version, commit_id)
                 VALUES (?1, ?3, '{}', ?4, 1, ?2)",
                &[s(ws), s(token), s(new_name), n(now)],
            )?,
        };
        let mut stmts = vec![head];
        for w in writes {
            self.statements(ws, token, w, &mut stmts)?;
        }
        let results = self.db.batch(stmts).await?;
        let applied = results
            .first()
            .map(|r| r.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0))
            .unwrap_or(0);
        Ok(applied == 1)
    }

    fn statements(
        &self,
        ws: &str,
        token: &str,
        w: &Write,
        out: &mut Vec<D1PreparedStatement>,
    ) -> Result<(), AppError> {
        let g = |rest: &[JsValue]| {
            let mut b = vec![s(ws), s(token)];
            b.extend_from_slice(rest);
            b
        };
        let mut push = |sql: String, binds: Vec<JsValue>| -> Result<(), AppError> {
            out.push(self.stmt(&sql, &binds)?);
            Ok(())
        };
        match w {
            Write::Workspace { name, policy } => push(
                "UPDATE workspaces SET name = ?3, policy = ?4 WHERE id = ?1 AND commit_id = ?2".into(),
                g(&[s(name), s(&to_text(policy))]),
            ),
            Write::NewUser(u) => push(
                format!(
                    "INSERT INTO console_users (id, email, name, password_hash, auth_epoch, created_at)
                     SELECT ?3, ?4, ?5, ?6, 0, ?7 WHERE {G}"
                ),
                g(&[s(&u.id), s(&u.email), s(&u.name), s(&u.password_hash), n(u.created_at)]),
            ),
            Write::Member { user_id, roles } => {
                if roles.is_empty() {
                    push(
                        format!("DELETE FROM memberships WHERE workspace_id = ?1 AND user_id = ?3 AND {G}"),
                        g(&[s(user_id)]),
                    )?;
                } else {
                    push(
                        format!(
                            "INSERT INTO memberships (workspace_id, user_id, roles) SELECT ?1, ?3, ?4 WHERE {G}
                             ON CONFLICT (workspace_id, user_id) DO UPDATE SET roles = excluded.roles"
                        ),
                        g(&[s(user_id), s(&to_text(roles))]),
                    )?;
                }
                push(
                    format!("UPDATE console_users SET auth_epoch = auth_epoch + 1 WHERE id = ?3 AND {G}"),
                    g(&[s(user_id)]),
                )
            }
            Write::Invitation(inv) => push(
                format!(
                    "INSERT INTO console_invitations (id, workspace_id, record, created_at) SELECT ?3, ?1, ?4, ?5 WHERE {G}
                     ON CONFLICT (id) DO UPDATE SET record = excluded.record"
                ),
                g(&[s(&inv.id), s(&to_text(inv)), n(inv.created_at)]),
            ),
            Write::WriteKey(k) => push(
                format!(
                    "INSERT INTO write_keys (key, workspace_id, debug, revoked, label, created_at, expires_at, revoked_at)
                     SELECT ?3, ?1, ?4, ?5, ?6, ?7, ?8, ?9 WHERE {G}
                     ON CONFLICT (key) DO UPDATE SET debug = excluded.debug, revoked = excluded.revoked,
                       label = excluded.label, expires_at = excluded.expires_at, revoked_at = excluded.revoked_at
                     WHERE write_keys.workspace_id = excluded.workspace_id"
                ),
                g(&[
                    s(&k.key),
                    n(i64::from(k.debug)),
                    n(i64::from(k.revoked_at.is_some())),
                    s(&k.label),
                    n(k.created_at),
                    opt(k.expires_at),
                    opt(k.revoked_at),
                ]),
            ),
            Write::SecretKey { hash, key } => push(
                format!(
                    "INSERT INTO secret_keys (key_hash, workspace_id, label, id, prefix, created_at, revoked_at)
                     SELECT ?3, ?1, ?4, ?5, ?6, ?7, ?8 WHERE {G}
                     ON CONFLICT (key_hash) DO UPDATE SET revoked_at = excluded.revoked_at
                     WHERE secret_keys.workspace_id = excluded.workspace_id"
                ),
                g(&[
                    s(hash),
                    s(&key.label),
                    s(&key.id),
                    s(&key.prefix),
                    n(key.created_at),
                    opt(key.revoked_at),
                ]),
            ),
            Write::Origins(list) => {
                push(
                    format!("DELETE FROM allowed_origins WHERE workspace_id = ?1 AND {G}"),
                    g(&[]),
                )?;
                for o in list {
                    push(
                        format!("INSERT INTO allowed_origins (workspace_id, origin) SELECT ?1, ?3 WHERE {G}"),
                        g(&[s(o)]),
                    )?;
                }
                Ok(())
            }
            Write::NewSecrets { identity_secret } => push(
                format!(
                    "INSERT INTO workspace_secrets (workspace_id, token_key, identity_secret) SELECT ?1, 'derived', ?3 WHERE {G}"
                ),
                g(&[s(identity_secret)]),
            ),
            Write::Enforce(on) => push(
                format!("UPDATE workspace_secrets SET enforce_identity = ?3 WHERE workspace_id = ?1 AND {G}"),
                g(&[n(i64::from(*on))]),
            ),
            Write::IdentitySecret { secret, at } => push(
                format!(
                    "UPDATE workspace_secrets SET identity_secret = ?3, identity_rotated_at = ?4 WHERE workspace_id = ?1 AND {G}"
                ),
                g(&[s(secret), n(*at)]),
            ),
            Write::Webhook { url, secret } => push(
                format!(
                    "UPDATE workspace_secrets SET webhook_url = ?3, webhook_secret = ?4 WHERE workspace_id = ?1 AND {G}"
                ),
                g(&[s(url), s(secret)]),
            ),
            Write::Settings { version, hash, document, by, at } => {
                push(
                    format!(
                        "INSERT INTO settings_versions (workspace_id, version, hash, document, updated_by, updated_at)
                         SELECT ?1, ?3, ?4, ?5, ?6, ?7 WHERE {G}"
                    ),
                    g(&[n(i64::from(*version)), s(hash), s(document), s(by), n(*at)]),
                )?;
                push(
                    "UPDATE workspaces SET settings = ?3, settings_version = ?4 WHERE id = ?1 AND commit_id = ?2".into(),
                    g(&[s(document), n(i64::from(*version))]),
                )
            }
            Write::Campaign(record) => push(
                format!(
                    "INSERT INTO campaign_records (workspace_id, id, record) SELECT ?1, ?3, ?4 WHERE {G}
                     ON CONFLICT (workspace_id, id) DO UPDATE SET record = excluded.record"
                ),
                g(&[s(&record.id), s(&to_text(record))]),
            ),
            Write::Revision { campaign, number, hash, document } => push(
                format!(
                    "INSERT INTO campaign_revisions (workspace_id, campaign_id, number, hash, document)
                     SELECT ?1, ?3, ?4, ?5, ?6 WHERE {G}
                     ON CONFLICT (workspace_id, campaign_id, number) DO UPDATE SET hash = excluded.hash, document = excluded.document"
                ),
                g(&[s(campaign), n(i64::from(*number)), s(hash), s(document)]),
            ),
            Write::Publish { campaign, number } => push(
                format!(
                    "UPDATE campaign_revisions SET published = 1
                     WHERE workspace_id = ?1 AND campaign_id = ?3 AND number = ?4 AND published = 0 AND {G}"
                ),
                g(&[s(campaign), n(i64::from(*number))]),
            ),
            Write::Live { campaign, revision: Some(number), at } => push(
                format!(
                    "INSERT INTO campaigns (workspace_id, id, definition, updated_at)
                     SELECT ?1, ?3, document, ?5 FROM campaign_revisions
                     WHERE workspace_id = ?1 AND campaign_id = ?3 AND number = ?4 AND published = 1 AND {G}
                     ON CONFLICT (workspace_id, id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at"
                ),
                g(&[s(campaign), n(i64::from(*number)), n(*at)]),
            ),
            Write::Live { campaign, revision: None, .. } => push(
                format!("DELETE FROM campaigns WHERE workspace_id = ?1 AND id = ?3 AND {G}"),
                g(&[s(campaign)]),
            ),
            Write::Limits {
                monthly_events,
                new_accounts_per_day,
                requests_per_10s,
            } => push(
                "UPDATE workspaces SET monthly_events = ?3, new_accounts_per_day = ?4, requests_per_10s = ?5
                 WHERE id = ?1 AND commit_id = ?2"
                    .into(),
                g(&[
                    opt(monthly_events.map(|n| n as i64)),
                    opt(new_accounts_per_day.map(|n| n as i64)),
                    opt(requests_per_10s.map(|n| n as i64)),
                ]),
            ),
            Write::Audit(e) => {
                let actor = match &e.actor {
                    protocol::v1::control::Actor::User { user_id, .. } => user_id.clone(),
                    protocol::v1::control::Actor::Key { secret_key } => secret_key.clone(),
                };
                push(
                    format!(
                        "INSERT INTO audit_log (workspace_id, at, action, target, actor, entry)
                         SELECT ?1, ?3, ?4, ?5, ?6, ?7 WHERE {G}"
                    ),
                    g(&[n(e.at), s(&e.action), s(&e.target), s(&actor), s(&to_text(e))]),
                )
            }
        }
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
