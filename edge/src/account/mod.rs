//! Per-account state: the store trait, the ingest/decide use case, and its adapters.
//!
//! Each (workspace, account) pair lives in one SQLite-backed Durable Object, the unit of
//! consistency. The use case in `ingest` is generic over [`AccountStore`], so it runs natively
//! against [`MemoryAccountStore`] and in workerd against the Durable Object's SQL storage.

mod admin;
mod ingest;
mod memory;
mod object;
pub mod people;
pub mod retention;
pub mod rollup;
mod signals;
mod sql;
mod warm;

pub use ingest::ingest;
pub use memory::{MemoryAccountStore, MemoryAccounts};
pub(crate) use object::deliver;
pub use object::{AccountObject, DurableAccounts};

use std::collections::BTreeSet;

use protocol::v1::{
    CollabRequest, CollabResult, Dropped, DroppedTotals, EventExport, ExportPage, IngestRequest,
    IngestResult,
};
use rules::{CampaignId, Day, Facts, History, MessageRecord, Timestamp, Value};

use crate::error::AppError;

/// An event about to be stored.
#[derive(Debug, Clone, Copy)]
pub struct NewEvent<'a> {
    /// Lower-case UUID.
    pub id: &'a str,
    /// The user.
    pub user_id: &'a str,
    /// `track`, `page`, …
    pub kind: &'a str,
    /// Name or path, when the kind has one.
    pub name: Option<&'a str>,
    /// Skew-corrected time.
    pub timestamp: i64,
    /// Edge receipt time.
    pub received_at: i64,
    /// The event's JSON as sent.
    pub body: &'a str,
}

/// Whose traits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraitOwner<'a> {
    /// A user of the account.
    User(&'a str),
    /// The account itself.
    Account,
}

/// Storage of one account's state. Calls are synchronous so a whole ingest runs in one
/// Durable Object turn (and so in one implicit SQLite transaction).
pub trait AccountStore {
    /// Stores an event unless its id is already stored; returns whether it was new.
    fn insert_event(&mut self, event: &NewEvent<'_>) -> Result<bool, AppError>;
    /// Records that `user_id` was active at `at`: first and last seen, and the session
    /// (see [`next_session`]).
    fn touch_user(&mut self, user_id: &str, at: i64) -> Result<(), AppError>;
    /// Stores a survey answer of `user_id` to `campaign`.
    fn add_survey(
        &mut self,
        user_id: &str,
        campaign: &CampaignId,
        score: u32,
        comment: Option<&str>,
        at: i64,
    ) -> Result<(), AppError>;
    /// Records that `user_id` performed the tracked event `name` at `at` (first/last seen).
    fn add_seen(&mut self, user_id: &str, name: &str, at: i64) -> Result<(), AppError>;
    /// Records a batch's activity of a user, `times` in the batch's order: one write where
    /// the store can (the same as [`AccountStore::touch_user`] for each time).
    fn touch_user_times(&mut self, user_id: &str, times: &[i64]) -> Result<(), AppError> {
        times.iter().try_for_each(|t| self.touch_user(user_id, *t))
    }
    /// Records that `user_id` performed `name` first at `first` and last at `last` within a
    /// batch: one write where the store can.
    fn add_seen_span(
        &mut self,
        user_id: &str,
        name: &str,
        first: i64,
        last: i64,
    ) -> Result<(), AppError> {
        self.add_seen(user_id, name, first)?;
        self.add_seen(user_id, name, last)
    }
    /// Sets a trait if `at` is not older than the stored value's time.
    fn set_trait(
        &mut self,
        owner: TraitOwner<'_>,
        key: &str,
        value: &Value,
        at: i64,
    ) -> Result<(), AppError>;
    /// Adds `n` uses of `feature` by `user_id` on `day`.
    fn add_usage(&mut self, user_id: &str, feature: &str, day: Day, n: u32)
    -> Result<(), AppError>;
    /// The user's record for a campaign.
    fn message(&self, user_id: &str, campaign: &CampaignId) -> Result<MessageRecord, AppError>;
    /// Replaces the user's record for a campaign.
    fn save_message(
        &mut self,
        user_id: &str,
        campaign: &CampaignId,
        record: &MessageRecord,
    ) -> Result<(), AppError>;
    /// Traits, usage, first/last occurrences and the session of the user and the account at
    /// `now`, plus recent tracked events named in `with_properties` (property filters).
    fn facts(
        &self,
        user_id: &str,
        now: Timestamp,
        with_properties: &BTreeSet<String>,
    ) -> Result<Facts, AppError>;
    /// The user's message history, and when the account's other users were last shown (or
    /// handed) each campaign, as of `now`.
    fn history(&self, user_id: &str, now: Timestamp) -> Result<History, AppError>;
    /// One page of the stored events, in the order they were stored, and the cursor of the
    /// next page when there are more.
    fn events(&self, page: ExportPage) -> Result<EventExport, AppError>;
    /// Records a client's dropped counts, reported with the batch whose first event is
    /// `report`. A report seen again (a retried batch) only raises its counts to the larger
    /// ones, so a retry never counts twice and counts that grew meanwhile are kept.
    fn add_dropped(&mut self, report: &str, dropped: Dropped, at: i64) -> Result<(), AppError>;
    /// The totals of every dropped report.
    fn dropped(&self) -> Result<DroppedTotals, AppError>;
    /// Deletes everything held about `user_id`: events, activity, sessions, first/last
    /// occurrences, usage, message records, survey answers and traits. Returns how many of
    /// the user's events were deleted.
    fn forget_user(&mut self, user_id: &str) -> Result<u64, AppError>;
    /// Deletes raw events older than `events_before` (ms) and daily usage before
    /// `usage_before`; returns (events, usage rows) deleted.
    fn prune(&mut self, events_before: i64, usage_before: Day) -> Result<(u64, u64), AppError>;
    /// Deletes the `n` oldest raw events (the size cap); returns how many.
    fn prune_oldest(&mut self, n: u64) -> Result<u64, AppError>;
    /// Raw events kept, and the oldest one's time.
    fn event_stats(&self) -> Result<(u64, Option<i64>), AppError>;
}

/// Raw events are kept this many days by default (`CAIRN_RETENTION_DAYS`).
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

/// Daily usage is kept this many days: trends and windows reach back at most 400.
pub const USAGE_DAYS: i32 = 400;

/// The worker's way to reach an account's state (a Durable Object stub, or memory in tests).
#[allow(async_fn_in_trait)]
pub trait Accounts {
    /// Stores events and decides, atomically for the account.
    async fn ingest(
        &self,
        workspace_id: &str,
        account_id: &str,
        req: &IngestRequest,
    ) -> Result<IngestResult, AppError>;
    /// Every stored event of the account.
    async fn export(
        &self,
        workspace_id: &str,
        account_id: &str,
        page: ExportPage,
    ) -> Result<EventExport, AppError>;
    /// Runs an invitation or approval operation, atomically for the account.
    async fn collab(
        &self,
        workspace_id: &str,
        account_id: &str,
        req: &CollabRequest,
    ) -> Result<CollabResult, AppError>;
}

/// Activity without a longer gap than this is one session.
pub const SESSION_GAP_MS: i64 = 30 * 60_000;

/// Most recent events loaded for property filters per decision.
pub const MAX_PROPERTY_EVENTS: usize = 5_000;

/// The session `(start, last activity)` after activity at `at`. Late (back-dated) activity
/// never moves a session backwards; activity after a gap starts a new one.
pub fn next_session(prev: Option<(i64, i64)>, at: i64) -> (i64, i64) {
    match prev {
        Some((start, last)) if at <= last.saturating_add(SESSION_GAP_MS) => (start, last.max(at)),
        _ => (at, at),
    }
}

/// The session start as of `now`, if the session is still going.
pub fn current_session(session: Option<(i64, i64)>, now: Timestamp) -> Option<Timestamp> {
    session
        .filter(|(_, last)| now.0 <= last.saturating_add(SESSION_GAP_MS))
        .map(|(start, _)| Timestamp(start))
}

/// The Durable Object name of an account: workspaces never share an object.
pub fn object_name(workspace_id: &str, account_id: &str) -> String {
    format!("{}:{workspace_id}:{account_id}", workspace_id.len())
}
