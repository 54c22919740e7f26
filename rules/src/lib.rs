//! The pure decision core: decides which in-product message, if any, a user should see.
//!
//! Everything here is a function of its arguments.
//! There is no I/O, no clock (time is the `now` argument) and no randomness,
//! so the same inputs always give the same [`Decision`], natively and on wasm32.
//!
//! The entry point is [`decide`]. It is total: it never fails and returns a
//! [`Verdict`] for every campaign in the [`Catalog`], chosen or not.

mod account;
mod condition;
mod decide;
mod error;
mod facts;
mod history;
mod model;
mod time;

pub use account::{
    AccountModel, Colour, Component, Contribution, Ctx, Health, HealthReport, Stage, Tiers, health,
    lifecycle_stage, value_tier,
};
pub use condition::{CmpOp, Condition, Operand, Scope, TREND_BASELINE_DAYS, Window};
pub use decide::{Decision, Verdict, decide};
pub use error::ModelError;
pub use facts::{Facts, Traits, Usage, Value};
pub use history::{History, MessageRecord, Outcome};
pub use model::{Budget, Campaign, CampaignId, Catalog, Recurrence, Surface};
pub use time::{Day, Timestamp};

/// Version of the decision semantics; carried on the wire so SDK and edge can detect a mismatch.
pub const RULES_VERSION: u32 = 1;

#[cfg(test)]
mod tests;
