//! The pure decision core: decides which in-product message, if any, a user should see.
//!
//! Everything here is a function of its arguments.
//! There is no I/O, no clock (time is the `now` argument) and no randomness,
//! so the same inputs always give the same [`Decision`], natively and on wasm32.
//!
//! The entry point is [`decide`]. It is total: it never fails and returns a
//! [`Verdict`] for every campaign in the [`Catalog`], chosen or not.

mod account;
mod adoption;
mod advocacy;
mod budget;
mod champion;
mod churn;
mod commercial;
mod condition;
mod decide;
mod error;
mod experiment;
mod facts;
mod history;
mod model;
mod recap;
mod time;
mod touch;
mod trigger;
mod verdict;

pub use account::{
    AccountModel, Colour, Component, Contribution, Ctx, Health, HealthReport, Stage, Tiers, health,
    lifecycle_stage, value_tier,
};
pub use adoption::{
    ADOPTION_DAYS, Adoption, NPS_DAYS, PortfolioAdoption, account_adoption, nps, portfolio_adoption,
};
pub use advocacy::{
    AdvocacyStage, Advocates, Ask, AskHistory, Candidate, DETRACTOR_MAX_SCORE, NURTURE_TOUCHES,
    POWER_USER_ACTIVE_DAYS, POWER_USER_WINDOW_DAYS, PROMOTER_MIN_SCORE, advocacy_stage, advocates,
    candidate,
};
pub use budget::{Budget, Cap, Category, Period};
pub use champion::{
    CHAMPION_ACTIVE_DAYS, CHAMPION_TENURE_DAYS, Coverage, LEVELS, Person, WINDOW_DAYS, confirmed,
    coverage, is_champion, level, sole_champion_quiet,
};
pub use churn::{
    BandRate, Change, ChurnMark, Cohort, Dimension, RETENTION_MONTHS, churn_mark, churn_rates,
    retention,
};
pub use commercial::{
    BreakEven, CALLS, DAYS_PER_MONTH, REVIEW_DAYS, account_break_even, break_even, date_trait,
    renewal_call, renewal_in_days, review_call,
};
pub use condition::{
    CmpOp, Condition, Operand, PropertyFilter, Scope, TREND_BASELINE_DAYS, Window,
};
pub use decide::{Decision, Pick, decide};
pub use error::ModelError;
pub use experiment::{Arm, Experiment, bucket};
pub use facts::{EventFact, Facts, Seen, SurveyFact, Traits, Usage, Value};
pub use history::{DELIVERY_LEASE_MS, History, MessageRecord, Outcome};
pub use model::{
    AccountCap, Campaign, CampaignId, Catalog, DEFAULT_SNOOZE_MS, Goal, Recurrence, Surface,
};
pub use recap::{RecapPeriod, account_metric};
pub use time::{Day, Timestamp};
pub use touch::{TouchKind, TouchPlan, default_touch_plan, touch_due};
pub use trigger::{RoutePattern, Trigger, route_matches};
pub use verdict::Verdict;

/// Version of the decision semantics; carried on the wire so SDK and edge can detect a mismatch.
pub const RULES_VERSION: u32 = 2;

#[cfg(test)]
mod tests;
