//! Workspace analytics on the wire: the rollup messages account objects send through the
//! Queue, and the campaign results the console reads.
//!
//! An account's rollup is cut into *units*: one campaign's rows of one week (days
//! `7·week … 7·week+6`, counted from the epoch), or one campaign's latest survey comments
//! (`week = -1`). A message carries whole units, each replacing the account's previous
//! version of that unit when its `seq` is newer, so duplicate and reordered deliveries change
//! nothing.

use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::json::decode;

/// The `week` of a campaign's comments unit.
pub const COMMENTS_UNIT: i64 = -1;

/// The `week` of an announcement's population unit: the account's users who were not
/// exposed, and those of them who used the announced feature. Its rows carry the day
/// [`POPULATION_DAY`].
pub const POPULATION_UNIT: i64 = -2;

/// The `day` of population rows (the population unit's first day).
pub const POPULATION_DAY: i64 = 7 * POPULATION_UNIT;

/// The `week` of an account's current state (tier, stage, health, traits); its `campaign` is
/// empty.
pub const ACCOUNT_UNIT: i64 = -3;

/// One Queue message: changed units of one account, stamped with the account's sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollupMessage {
    /// The workspace.
    pub workspace_id: String,
    /// The account.
    pub account_id: String,
    /// The account's sequence number, higher for every message it sends.
    pub seq: u64,
    /// When the account computed the units (ms since the epoch).
    pub at: i64,
    /// A backfill: the account's units with this `seq` are its whole state, so every unit
    /// of an older `seq` is outdated (and removed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub backfill: bool,
    /// The units, each complete.
    pub units: Vec<RollupUnit>,
}

/// One campaign's rows of one week, or its comments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollupUnit {
    /// The campaign.
    pub campaign: String,
    /// Days since the epoch divided by 7, or [`COMMENTS_UNIT`].
    pub week: i64,
    /// Every non-zero row of the unit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RollupRow>,
    /// The account's latest survey comments on the campaign (comments unit only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Comment>,
    /// The account's current state (account unit only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<crate::v1::AccountSummary>,
}

/// How many of an account's users reached a stage of a campaign on a day, in an arm.
///
/// Each user is counted in at most one day per (campaign, arm, metric), so a sum over days
/// and accounts counts distinct users.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RollupRow {
    /// `all` (no experiment), `control`, `treatment`, or a variant id.
    pub arm: String,
    /// Days since the epoch (UTC).
    pub day: i64,
    /// `targeted`, `exposed`, `shown`, `clicked`, `dismissed`, `snoozed`, `converted`,
    /// `step:N` (reached the Nth step), `task:N` (did the Nth task), `promoter`, `passive`,
    /// `detractor`.
    pub metric: String,
    /// Distinct users.
    pub users: u64,
    /// Occurrences (impressions for `shown`; otherwise equal to `users`).
    pub count: u64,
}

/// A survey answer with a comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// The account (filled in by the workspace object).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub account_id: String,
    /// Who answered.
    pub user_id: String,
    /// 0-10.
    pub score: u32,
    /// What they wrote.
    pub comment: String,
    /// When (ms since the epoch).
    pub at: i64,
}

impl RollupMessage {
    /// Parses a Queue message body.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

/// Messages handed to the workspace object in one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollupBatch {
    /// The messages, all of one workspace.
    pub messages: Vec<RollupMessage>,
}

impl RollupBatch {
    /// Parses a batch.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

/// The summed rows of a workspace for a day range: what the results are computed from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RollupTotals {
    /// Rows summed over accounts, one per (arm, day, metric).
    pub rows: Vec<RollupRow>,
    /// Accounts with any row in range.
    pub accounts: u64,
    /// The latest time an applied message was computed (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// The latest comments in range, newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Comment>,
    /// The campaign's rows over all days (experiments and adoption are judged on all data),
    /// when asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all_time: Vec<RollupRow>,
    /// Rows of every campaign (the overview), instead of `rows`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_campaign: Vec<CampaignRow>,
}

impl RollupTotals {
    /// Parses the workspace object's answer.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

/// A campaign's results for a day range, as the console shows them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CampaignResults {
    /// The campaign.
    pub campaign: String,
    /// First day of the range (days since the epoch, UTC).
    pub from_day: i64,
    /// Last day of the range, inclusive.
    pub to_day: i64,
    /// When the newest figure was computed by its account (ms since the epoch), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// Accounts with any activity in range.
    pub accounts: u64,
    /// The campaign's goal in words (`expense_approved within 14 days`), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    /// The funnel: targeted → shown → clicked → converted, then dismissed and snoozed.
    pub funnel: Vec<Stage>,
    /// Tour steps (`step:N`) or checklist tasks (`task:N`) in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Stage>,
    /// One row per day of the range.
    pub daily: Vec<DailyResult>,
    /// The experiment's arms (control first), when it is one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arms: Vec<ArmResult>,
    /// The experiment's verdict in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    /// The sample-ratio check: its p-value, and whether it flags a mismatch (p < 0.001).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srm: Option<SrmResult>,
    /// Survey results, for a survey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<SurveyResult>,
    /// For an announcement with a goal: adoption of the announced feature by users shown it,
    /// against the users of the same accounts who were not. (Sent, never read back: the
    /// console shows it as a table of its own, so it ships no decoder for it.)
    #[serde(default, skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub adoption: Option<AdoptionResult>,
}

/// Adoption of an announced feature (the announcement's goal event), all time.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AdoptionResult {
    /// Users shown the announcement.
    pub shown: u64,
    /// Of them, users who used the feature within the goal's window.
    pub adopted: u64,
    /// `adopted / shown` with its 95% interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Estimate>,
    /// Users of the same accounts never shown it.
    pub unexposed: u64,
    /// Of them, users who used the feature since the announcement reached their account.
    pub unexposed_adopted: u64,
    /// `unexposed_adopted / unexposed` with its 95% interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unexposed_rate: Option<Estimate>,
    /// `rate − unexposed_rate` with its 95% interval (an observational difference: who was
    /// shown was not random).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difference: Option<Estimate>,
}

/// One funnel stage.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Stage {
    /// `targeted`, `shown`, `clicked`, `converted`, `dismissed`, `snoozed`, `step:N`, `task:N`.
    pub stage: String,
    /// Distinct users.
    pub users: u64,
    /// Occurrences.
    pub count: u64,
}

/// One day of a campaign (distinct users reaching each stage that day).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DailyResult {
    /// Days since the epoch.
    pub day: i64,
    /// Users first shown.
    pub shown: u64,
    /// Users who clicked.
    pub clicked: u64,
    /// Users who dismissed.
    pub dismissed: u64,
    /// Users who reached the goal.
    pub converted: u64,
}

/// One arm of an experiment.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ArmResult {
    /// `control`, `treatment` or the variant id.
    pub arm: String,
    /// Its planned share (percent).
    pub weight: f64,
    /// Users exposed.
    pub exposed: u64,
    /// Exposed users who reached the goal.
    pub converted: u64,
    /// `converted / exposed`, with its 95% Wilson interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Estimate>,
    /// Against control: the absolute lift with its 95% interval (not for control).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lift: Option<Estimate>,
    /// Against control: the relative lift with its 95% interval (not for control).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_lift: Option<Estimate>,
    /// The Bayesian chance (uniform priors) that the arm's rate beats control's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chance_to_beat: Option<f64>,
    /// The always-valid mSPRT p-value against control (safe to read early).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
}

/// A value with its 95% interval (`value` absent when undefined, e.g. a lift over zero).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Estimate {
    /// The point estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// The sample-ratio-mismatch check.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct SrmResult {
    /// The chi-square p-value.
    pub p_value: f64,
    /// Below 0.001: the split is broken and no verdict is given.
    pub mismatch: bool,
}

/// A survey's answers in range.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SurveyResult {
    /// Users who answered 9-10.
    pub promoters: u64,
    /// 7-8.
    pub passives: u64,
    /// 0-6.
    pub detractors: u64,
    /// `%promoters − %detractors`, when anyone answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nps: Option<f64>,
    /// Respondents over users shown the survey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_rate: Option<f64>,
    /// By ISO week start day: `[day, promoters, passives, detractors]`.
    pub weekly: Vec<[i64; 4]>,
    /// By day: `[day, promoters, passives, detractors]`.
    pub daily: Vec<[i64; 4]>,
    /// The latest comments, newest first.
    pub comments: Vec<Comment>,
}

/// Every live campaign of a workspace, for the results overview.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ResultsOverview {
    /// First day of the range.
    pub from_day: i64,
    /// Last day, inclusive.
    pub to_day: i64,
    /// When the newest figure was computed (ms since the epoch), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// One row per campaign.
    pub campaigns: Vec<OverviewRow>,
}

/// One campaign in the overview.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OverviewRow {
    /// The campaign.
    pub campaign: String,
    /// Its status (`live`, `paused`, …).
    pub status: String,
    /// Users shown.
    pub shown: u64,
    /// Users who clicked.
    pub clicked: u64,
    /// Users who reached the goal (when it has one).
    pub converted: u64,
    /// Whether the campaign has a goal.
    pub has_goal: bool,
    /// Users shown per day of the range (for the sparkline).
    pub shown_daily: Vec<u64>,
}

impl CampaignResults {
    /// Parses the edge's answer.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

impl ResultsOverview {
    /// Parses the edge's answer.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

/// What an account object keeps of a campaign for its rollup (so batches without the catalog
/// still count): the goal, a checklist's task events, whether it announces a feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignSpec {
    /// The campaign.
    pub campaign: String,
    /// Its goal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<crate::v1::GoalDto>,
    /// A checklist's task events, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<String>,
    /// An announcement: its goal event is the announced feature, and adoption is compared with
    /// the account's users who were not exposed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub announcement: bool,
}

/// A campaign spec, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The campaign.
    pub campaign: rules::CampaignId,
    /// Its goal.
    pub goal: Option<rules::Goal>,
    /// A checklist's task events, in order.
    pub tasks: Vec<String>,
    /// Whether it announces a feature.
    pub announcement: bool,
}

impl CampaignSpec {
    /// The specs of a catalog's campaigns that have a goal or tasks.
    pub fn of(docs: &[crate::v1::CampaignDoc]) -> Vec<CampaignSpec> {
        docs.iter()
            .filter(|d| d.goal.is_some() || !d.content.tasks.is_empty())
            .map(|d| CampaignSpec {
                campaign: d.id.clone(),
                goal: d.goal.clone(),
                tasks: d.content.tasks.iter().map(|t| t.event.clone()).collect(),
                announcement: d.category == crate::v1::CategoryDto::Announcement,
            })
            .collect()
    }

    /// The list as JSON.
    pub fn list_json(specs: &[CampaignSpec]) -> String {
        crate::v1::to_json(&specs)
    }

    /// Parses a list saved by [`CampaignSpec::list_json`].
    pub fn parse_list(text: &str) -> Result<Vec<CampaignSpec>, Problem> {
        decode(text)
    }

    /// The validated spec, or `None` if it no longer validates.
    pub fn to_spec(&self) -> Option<Spec> {
        Some(Spec {
            campaign: rules::CampaignId::new(&self.campaign).ok()?,
            goal: match &self.goal {
                Some(g) => Some(g.to_goal().ok()?),
                None => None,
            },
            tasks: self.tasks.clone(),
            announcement: self.announcement,
        })
    }
}

/// An account's rows of one campaign (the overview's input).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignRow {
    /// The campaign.
    pub campaign: String,
    /// The summed row.
    pub row: RollupRow,
}

/// `POST /v1/admin/accounts/{id}/analytics`: `{"op":"flush"}` sends the account's changed
/// rollup units now; `{"op":"backfill"}` re-sends its whole state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollupOpRequest {
    /// `flush` or `backfill`.
    pub op: RollupOp,
}

/// What to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RollupOp {
    /// The changed units.
    Flush,
    /// Every unit, as the account's whole state.
    Backfill,
}

impl RollupOpRequest {
    /// Parses and validates the body.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

/// The answer to a flush, backfill or replay.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RollupSent {
    /// The account (absent for a replay).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub account_id: String,
    /// Queue messages sent.
    pub messages: u64,
}

/// `POST /v1/admin/analytics/fault` (test installs only): the workspace object fails its
/// next `fail_next` deliveries, so retries and the dead-letter queue can be tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRequest {
    /// Deliveries to fail (0-1000).
    pub fail_next: u32,
}

impl FaultRequest {
    /// Parses the body.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

impl RollupSent {
    /// Parses an answer.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

/// A `YYYY-MM-DD` query value as a day number; `field` names it in the error.
pub fn parse_day(field: &str, text: &str) -> Result<i64, Problem> {
    let bad = || {
        Problem::new(
            crate::error::ErrorCode::InvalidValue,
            field,
            "a date as YYYY-MM-DD",
        )
    };
    let mut parts = text.trim().splitn(3, '-');
    let mut next = |len: usize| {
        parts
            .next()
            .filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let (y, m, d) = (next(4), next(2), next(2));
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err(bad());
    };
    let year = i32::try_from(y).map_err(|_| bad())?;
    rules::Day::from_civil(year, m, d)
        .map(|day| i64::from(day.0))
        .ok_or_else(bad)
}

/// A day number as `YYYY-MM-DD`.
pub fn format_day(day: i64) -> String {
    let day = i32::try_from(day).unwrap_or(0);
    let (y, m, d) = rules::Day(day).civil();
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip() {
        let view = TablesView {
            updated_at: Some(7),
            tables: vec![TableDto {
                name: "Accounts".into(),
                note: "Riskiest first.".into(),
                columns: vec!["Account".into(), "Score".into()],
                rows: vec![vec!["acme".into(), "20".into()], vec![]],
            }],
        };
        assert_eq!(
            TablesView::from_json(&crate::v1::to_json(&view)).expect("parses"),
            view
        );
        assert!(TablesView::from_json("[").is_err());
    }

    #[test]
    fn days_parse_and_format() {
        for (text, day) in [
            ("1970-01-01", Some(0)),
            ("2026-12-01", Some(20_788)),
            (" 2024-02-29 ", Some(19_782)),
            ("2023-02-29", None),
            ("2026-1-01", None),
            ("20261201", None),
            ("2026-12-01x", None),
            ("", None),
        ] {
            let parsed = parse_day("from", text);
            assert_eq!(parsed.as_ref().ok().copied(), day, "{text:?}");
            match (parsed, day) {
                (Ok(d), _) => assert_eq!(format_day(d), text.trim()),
                (Err(p), _) => assert_eq!(p.field, "from"),
            }
        }
    }
}

/// `GET /v1/admin/accounts/{id}/storage`: what the account object holds and writes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StorageReport {
    /// The account.
    pub account_id: String,
    /// Raw events kept.
    pub events_retained: u64,
    /// The oldest kept event's time (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_event: Option<i64>,
    /// The object's SQLite size in bytes.
    pub database_bytes: u64,
    /// Events stored since the object last started.
    pub events_written: u64,
    /// SQLite rows written by those ingests (table and index rows, as billed).
    pub rows_written: u64,
    /// Raw events are kept this many days.
    pub retention_days: u32,
    /// Above this size the oldest raw events are deleted.
    pub max_bytes: u64,
}

/// `POST /v1/admin/accounts/{id}/retention`: what a retention pass deleted.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PruneReport {
    /// The account.
    pub account_id: String,
    /// Raw events older than the window, or the oldest ones above the size cap.
    pub events_deleted: u64,
    /// Daily usage rows older than 400 days.
    pub usage_rows_deleted: u64,
}

impl StorageReport {
    /// Parses the object's answer.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

impl PruneReport {
    /// Parses the object's answer.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

/// `GET /v1/admin/analytics/stats`: what the workspace object applied since it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AnalyticsStats {
    /// Queue messages applied (duplicates included).
    pub messages: u64,
    /// Units that replaced an older version.
    pub units_applied: u64,
    /// SQLite rows written doing so (table and index rows, as billed).
    pub rows_written: u64,
}

impl AnalyticsStats {
    /// Parses the object's answer.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

/// One account of the portfolio: its latest summary and how its health moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioAccount {
    /// Tier, stage, health with its components, traits.
    pub summary: crate::v1::AccountSummary,
    /// When the account computed the summary (ms since the epoch).
    pub updated_at: i64,
    /// Since when the health has had its current colour (ms), when it changed at least once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour_since: Option<i64>,
    /// The colour before (`green`, `yellow`, `red`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_colour: Option<String>,
    /// The score by day, the last 90 days: `[day, score]` (days without a summary left out).
    pub trend: Vec<(i64, f64)>,
}

/// The workspace's accounts (the customer-success portfolio).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Portfolio {
    /// The newest summary's time (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// Every account, riskiest first (lowest score; unknown scores last).
    pub accounts: Vec<PortfolioAccount>,
    /// The value pyramid: accounts per tier (before filters), with their colours.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<TierCount>,
}

/// One tier of the value pyramid.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TierCount {
    /// `high`, `medium`, `low`, or `none` (no tier).
    pub tier: String,
    /// Accounts in the tier.
    pub accounts: u64,
    /// Of them, Green, Yellow and Red.
    pub green: u64,
    /// Yellow.
    pub yellow: u64,
    /// Red.
    pub red: u64,
}

impl Portfolio {
    /// Parses the object's answer.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

/// A stored account summary (the workspace object keeps the text).
pub fn summary_json(summary: &crate::v1::AccountSummary) -> String {
    crate::v1::to_json(summary)
}

/// Parses a stored account summary.
pub fn parse_summary(text: &str) -> Result<crate::v1::AccountSummary, Problem> {
    decode(text)
}

/// A table computed by the edge for the console (the portfolio's views): texts as shown, and
/// as exported to CSV.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TableDto {
    /// The table's name (its caption, its CSV file).
    pub name: String,
    /// A sentence saying what the table holds and how its figures are made.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The header cells.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<String>>,
}

/// Tables of one console page.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TablesView {
    /// When the newest figure was computed (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// The tables, in order.
    pub tables: Vec<TableDto>,
}

impl TablesView {
    /// Parses the edge's answer through `serde_json::Value`, which the console decodes
    /// anyway: no decoder of its own to ship (the console's size budget).
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        let v: serde_json::Value = decode(text)?;
        let texts = |v: Option<&serde_json::Value>| -> Vec<String> {
            v.and_then(serde_json::Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|x| x.as_str().unwrap_or_default().to_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        let text = |t: &serde_json::Value, key: &str| {
            t.get(key)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let tables = v
            .get("tables")
            .and_then(serde_json::Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|t| TableDto {
                        name: text(t, "name"),
                        note: text(t, "note"),
                        columns: texts(t.get("columns")),
                        rows: t
                            .get("rows")
                            .and_then(serde_json::Value::as_array)
                            .map(|rows| rows.iter().map(|r| texts(Some(r))).collect())
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            updated_at: v.get("updated_at").and_then(serde_json::Value::as_i64),
            tables,
        })
    }
}
