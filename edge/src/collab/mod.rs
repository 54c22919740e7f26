//! Invitations and approvals of one account: the use case the account object runs, one
//! operation per turn (so each commits as one SQLite transaction), over [`CollabStore`].
//!
//! Records are JSON documents (`protocol`'s types) by kind and id; webhooks wait in an
//! outbox (`outbox`) that the object's alarm delivers. Nothing here awaits, reads a clock or
//! draws randomness: time and a random seed come with the request.

mod approvals;
pub mod crypto;
mod invites;
pub(crate) mod outbox;

pub use outbox::{MAX_ATTEMPTS, attempted, backoff_ms, due_deliveries, next_wakeup};

use protocol::v1::{
    ApprovalRecord, ApprovalStatus, CollabOp, CollabRequest, CollabResult, record_from_json,
    to_json,
};
use protocol::{ErrorCode, Problem};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// Document kinds.
pub(crate) mod kind {
    /// An invitation, by email.
    pub(crate) const INVITE: &str = "invite";
    /// An approval, by id.
    pub(crate) const APPROVAL: &str = "approval";
    /// A webhook delivery, by id.
    pub(crate) const DELIVERY: &str = "delivery";
    /// A send of an invitation (for the caps), by id.
    pub(crate) const SEND: &str = "send";
    /// The target list and allowed domains (`list`).
    pub(crate) const TARGETS: &str = "targets";
    /// The last request's settings and keys (`config`), for the alarm.
    pub(crate) const CONFIG: &str = "config";
}

/// A user of the account, as the account's data knows them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Member {
    /// The user.
    pub user_id: String,
    /// `email` trait, lower case.
    pub email: Option<String>,
    /// `name` trait.
    pub name: Option<String>,
    /// The role trait (named by the settings).
    pub role: Option<String>,
    /// First and last activity (ms since the epoch).
    pub first_seen: i64,
    /// Last activity.
    pub last_seen: i64,
    /// Days with tracked usage in the 30 days before `now`.
    pub active_days_30: u32,
}

/// Storage of the collaboration records, next to the account's other state.
pub trait CollabStore {
    /// A document.
    fn doc(&self, kind: &str, id: &str) -> Result<Option<String>, AppError>;
    /// Creates or replaces a document.
    fn put_doc(&mut self, kind: &str, id: &str, body: &str) -> Result<(), AppError>;
    /// Every document of a kind.
    fn docs(&self, kind: &str) -> Result<Vec<String>, AppError>;
    /// The account's users with the traits invitations and approvals need.
    fn members(&self, role_trait: &str, now: i64) -> Result<Vec<Member>, AppError>;
}

/// One operation's context: the request, and fresh ids and nonces derived from its seed.
pub(crate) struct Ctx<'a> {
    pub(crate) req: &'a CollabRequest,
    counter: u32,
}

impl<'a> Ctx<'a> {
    fn new(req: &'a CollabRequest) -> Self {
        Self { req, counter: 0 }
    }

    pub(crate) fn now(&self) -> i64 {
        self.req.now
    }

    /// 32 hex characters, unpredictable (SHA-256 of the request's random seed and a counter).
    pub(crate) fn random(&mut self) -> String {
        self.counter += 1;
        let digest = Sha256::digest(format!("{}:{}", self.req.seed, self.counter));
        digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
    }

    /// `prefix_` + 16 random hex characters.
    pub(crate) fn id(&mut self, prefix: &str) -> String {
        let r = self.random();
        format!("{prefix}_{}", r.get(..16).unwrap_or(&r))
    }
}

/// Reads a typed document.
pub(crate) fn load<T: DeserializeOwned>(
    store: &impl CollabStore,
    kind: &str,
    id: &str,
) -> Result<Option<T>, AppError> {
    store
        .doc(kind, id)?
        .map(|text| record_from_json(&text).map_err(|p| AppError::Internal(p.to_string())))
        .transpose()
}

/// Reads every typed document of a kind.
pub(crate) fn load_all<T: DeserializeOwned>(
    store: &impl CollabStore,
    kind: &str,
) -> Result<Vec<T>, AppError> {
    store
        .docs(kind)?
        .iter()
        .map(|text| record_from_json(text).map_err(|p| AppError::Internal(p.to_string())))
        .collect()
}

/// Writes a typed document.
pub(crate) fn save<T: Serialize>(
    store: &mut impl CollabStore,
    kind: &str,
    id: &str,
    value: &T,
) -> Result<(), AppError> {
    store.put_doc(kind, id, &to_json(value))
}

/// A refusal; the operation has changed nothing.
pub(crate) fn refuse(code: ErrorCode, field: &str, message: &str) -> Outcome {
    Ok(Err(Problem::new(code, field, message)))
}

/// What an operation gives: storage failures (`Err`), or an answer or a refusal.
pub(crate) type Outcome = Result<Result<CollabResult, Problem>, AppError>;

/// Runs one operation.
pub fn run(store: &mut impl CollabStore, req: &CollabRequest) -> Result<CollabResult, AppError> {
    // The alarm and the cron sweep have no request of their own: they work with the settings
    // and keys of the last one (their own time and seed).
    let last;
    let req = match (&req.op, last_config(store)?) {
        (CollabOp::Tick, Some(config)) => {
            last = CollabRequest {
                now: req.now,
                seed: req.seed.clone(),
                op: CollabOp::Tick,
                ..config
            };
            &last
        }
        (CollabOp::Tick, None) => req,
        _ => {
            save(store, kind::CONFIG, "config", req)?;
            req
        }
    };
    let mut ctx = Ctx::new(req);
    let outcome = match &req.op {
        CollabOp::Invite { user_id, body } => invites::invite(store, &mut ctx, user_id, body),
        CollabOp::Suggest { user_id } => invites::suggest(store, &ctx, user_id),
        CollabOp::Accept {
            user_id,
            invite_id,
            nonce,
        } => invites::accept(store, &mut ctx, user_id, invite_id, nonce),
        CollabOp::SetTargets(doc) => invites::set_targets(store, doc),
        CollabOp::ListInvites => invites::list(store, &ctx),
        CollabOp::Champions => invites::champions(store, &ctx),
        CollabOp::RequestApproval { user_id, body } => {
            approvals::request(store, &mut ctx, user_id, body)
        }
        CollabOp::Approvers => approvals::approvers(store, &ctx),
        CollabOp::Inbox { user_id } => approvals::inbox(store, &ctx, user_id),
        CollabOp::Decide { user_id, body } => approvals::decide(store, &mut ctx, user_id, body),
        CollabOp::DecideByLink {
            approval_id,
            nonce,
            decision,
        } => approvals::decide_by_link(store, &mut ctx, approval_id, nonce, *decision),
        CollabOp::ListApprovals => approvals::list(store),
        CollabOp::Revoke(doc) => invites::revoke(store, &doc.email),
        CollabOp::ListDeliveries => outbox::list(store),
        CollabOp::Tick => approvals::tick(store, &mut ctx),
    }?;
    let mut result = outcome.unwrap_or_else(|p| CollabResult::refused(&p));
    result.wake_at = next_wakeup(store)?;
    Ok(result)
}

/// How many pending approvals wait for `user` at `now`.
pub fn pending_for(store: &impl CollabStore, user: &str, now: i64) -> Result<u32, AppError> {
    Ok(load_all::<ApprovalRecord>(store, kind::APPROVAL)?
        .iter()
        .filter(|r| {
            r.approval.status == ApprovalStatus::Pending
                && now <= r.approval.expires_at
                && r.approval.approver.user_id.as_deref() == Some(user)
        })
        .count() as u32)
}

/// The stored request of the last operation (settings and keys for the alarm).
pub fn last_config(store: &impl CollabStore) -> Result<Option<CollabRequest>, AppError> {
    load(store, kind::CONFIG, "config")
}

/// Whether two secrets are equal, in time independent of where they differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests;
