//! The control plane's writes: one change of a workspace is one D1 batch (a transaction)
//! whose first statement compare-and-swaps the workspace's `version` and stamps a fresh
//! `commit_id`; every other statement is guarded by that stamp, so when the workspace changed
//! since it was read, the whole batch writes nothing and the caller answers 409 `conflict`.

use protocol::v1::control::{
    AuditEntry, CampaignRecord, InvitationDto, Policy, Role, SecretKeyDto, WriteKeyDto, to_text,
};
use worker::D1PreparedStatement;
use worker::wasm_bindgen::JsValue;

use super::store::{ControlStore, User, n, opt, s};
use crate::error::AppError;

/// The guard of every statement after the first: this commit's stamp is the workspace's.
const G: &str = "EXISTS (SELECT 1 FROM workspaces WHERE id = ?1 AND commit_id = ?2)";

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
    Key(WriteKeyDto),
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

impl ControlStore {
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
            Write::Key(k) => push(
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
