//! Admin operations on one account: customer-success traits and the account summary.

use std::collections::BTreeSet;

use protocol::v1::{
    ACCOUNT_UNIT, AccountSummary, AdminOp, AdminTraitsEvent, admin_traits, parse_settings, to_json,
};
use rules::{AccountModel, Ctx, Timestamp};

use super::{AccountStore, NewEvent, TraitOwner};
use crate::error::AppError;

/// Applies `op` at `now` and returns the account summary under the workspace `settings`, and
/// for [`AdminOp::ForgetUser`] how many of the user's events were deleted. Set traits are also
/// kept in the event log (type `admin_traits`), so the export stays complete.
pub(super) fn admin<S: AccountStore + super::people::PeopleStore + super::rollup::RollupStore>(
    store: &mut S,
    op: &AdminOp,
    settings: Option<&str>,
    now: Timestamp,
) -> Result<(AccountSummary, Option<u64>), AppError> {
    let mut forgotten = None;
    let account_id = match op {
        AdminOp::SetTraits { account_id, traits } => {
            let values = admin_traits(traits)?;
            for (key, value) in &values {
                store.set_trait(TraitOwner::Account, key, value, now.0)?;
            }
            let record = AdminTraitsEvent::new(traits, now.0);
            let body = to_json(&record);
            store.insert_event(&NewEvent {
                id: &record.id,
                user_id: "",
                kind: "admin_traits",
                name: None,
                timestamp: now.0,
                received_at: now.0,
                body: &body,
            })?;
            account_id
        }
        AdminOp::Summary { account_id } => account_id,
        AdminOp::ForgetUser {
            account_id,
            user_id,
        } => {
            // The rollup units holding the user are re-sent without them.
            super::rollup::mark_user(store, user_id)?;
            forgotten = Some(store.forget_user(user_id)?);
            account_id
        }
    };
    // The account's state changed: its unit goes with the next flush.
    store.mark_dirty("", ACCOUNT_UNIT)?;
    Ok((summary(store, account_id, settings, now)?, forgotten))
}

/// The account's summary (tier, stage, health, traits, champions and coverage) under the
/// workspace `settings`, now.
pub(super) fn summary<S: AccountStore + super::people::PeopleStore>(
    store: &S,
    account_id: &str,
    settings: Option<&str>,
    now: Timestamp,
) -> Result<AccountSummary, AppError> {
    let model = match settings.map(parse_settings) {
        Some(Ok((_, _, model))) => model,
        Some(Err(p)) => return Err(AppError::Internal(format!("stored settings: {p}"))),
        None => AccountModel::default(),
    };
    // Account facts only: no user is being decided for.
    let mut facts = store.facts("", now, &BTreeSet::new())?;
    let today = now.day();
    facts.people = Some(store.people(today)?);
    let mut summary =
        AccountSummary::of(account_id, &Ctx::new(&facts, &model, now), store.dropped()?);
    summary.advocates =
        rules::advocates(&facts.surveys, facts.people.as_deref().unwrap_or_default()).into();
    summary.people = Some(super::people::people_of(
        facts.people.as_deref().unwrap_or_default(),
        &facts.account_traits,
        &model.key_features,
        today,
    ));
    Ok(summary)
}
