//! The account's side of workspace analytics: which rollup units changed (marked in the
//! same transaction as the change), goal conversions, and the Queue messages a flush sends.

use protocol::v1::{
    ACCOUNT_UNIT, COMMENTS_UNIT, CampaignSpec, Comment, POPULATION_DAY, POPULATION_UNIT,
    RollupMessage, RollupRow, RollupUnit, Spec, to_json,
};
use rules::{CampaignId, MessageRecord, Timestamp};

use crate::analytics::rollup::{UserRollup, day_of, rollup, week_of_day};
use crate::collab::CollabStore;
use crate::error::AppError;

/// Survey comments per account and campaign sent with the rollup.
pub const MAX_COMMENTS: usize = 20;

/// A message's JSON stays below this many bytes (Queues take 128 KB).
pub const MAX_MESSAGE_BYTES: usize = 96 * 1024;

/// The rollup state of an account's storage.
pub trait RollupStore {
    /// The user's experiment arm and goal conversion for a campaign.
    fn tracking(
        &self,
        user_id: &str,
        campaign: &CampaignId,
    ) -> Result<(Option<String>, Option<i64>), AppError>;
    /// Records the user's experiment arm.
    fn set_arm(&mut self, user_id: &str, campaign: &CampaignId, arm: &str) -> Result<(), AppError>;
    /// Records the user's goal conversion.
    fn set_converted(
        &mut self,
        user_id: &str,
        campaign: &CampaignId,
        at: i64,
    ) -> Result<(), AppError>;
    /// Marks a unit as changed since the last flush.
    fn mark_dirty(&mut self, campaign: &str, week: i64) -> Result<(), AppError>;
    /// The changed units.
    fn dirty(&self) -> Result<Vec<(String, i64)>, AppError>;
    /// Forgets the marks made before the flush numbered `seq`.
    fn clear_dirty(&mut self, seq: u64) -> Result<(), AppError>;
    /// The next sequence number (each call returns a higher one).
    fn next_seq(&mut self) -> Result<u64, AppError>;
    /// Every campaign with a user record.
    fn campaigns(&self) -> Result<Vec<String>, AppError>;
    /// The campaigns the user has a record of.
    fn user_campaigns(&self, user_id: &str) -> Result<Vec<String>, AppError>;
    /// Every user's rollup input for a campaign: (user, input).
    fn campaign_users(&self, campaign: &str) -> Result<Vec<(String, UserRollup)>, AppError>;
    /// The latest answers with a comment on a campaign, newest first.
    fn comments(&self, campaign: &str, limit: usize) -> Result<Vec<Comment>, AppError>;
    /// When `user_id` last performed the tracked event `name`.
    fn seen_last(&self, user_id: &str, name: &str) -> Result<Option<i64>, AppError>;
    /// The account's users who never entered `campaign`, and how many of them performed
    /// `event` at or after `since`.
    fn population(&self, campaign: &str, event: &str, since: i64) -> Result<(u64, u64), AppError>;
}

/// Marks the units an update of a user's record touches: the weeks of the old and the new
/// record, when what the record contributes to the rollup changed.
pub fn touch<S: RollupStore>(
    store: &mut S,
    campaign: &CampaignId,
    old: &MessageRecord,
    new: &MessageRecord,
) -> Result<(), AppError> {
    let of = |r: &MessageRecord| UserRollup {
        record: *r,
        ..UserRollup::default()
    };
    let (old, new) = (of(old), of(new));
    if old.contributions() == new.contributions() {
        return Ok(());
    }
    let mut weeks = old.weeks();
    weeks.extend(new.weeks());
    weeks.sort_unstable();
    weeks.dedup();
    for w in weeks {
        store.mark_dirty(campaign.as_str(), w)?;
    }
    Ok(())
}

/// Folds a tracked event `name` of `user_id` at `at` into the campaigns' rollups: goal
/// conversions (once per user and campaign), a shown checklist's tasks, and an announcement's
/// population. `properties` reads the event's properties (parsed only when needed).
pub fn track<S: RollupStore + crate::account::AccountStore>(
    store: &mut S,
    specs: &[Spec],
    user_id: &str,
    name: &str,
    at: Timestamp,
    properties: &dyn Fn(&str) -> Option<rules::Value>,
) -> Result<(), AppError> {
    for spec in specs {
        let goal = spec.goal.as_ref().filter(|g| g.event == name);
        let task = spec.tasks.iter().any(|t| t == name);
        if goal.is_none() && !task {
            continue;
        }
        let campaign = &spec.campaign;
        let record = store.message(user_id, campaign)?;
        let Some(entered) = UserRollup::entered(&record) else {
            if goal.is_some() && spec.announcement {
                store.mark_dirty(campaign.as_str(), POPULATION_UNIT)?;
            }
            continue;
        };
        if let Some(goal) = goal {
            let (_, converted) = store.tracking(user_id, campaign)?;
            if converted.is_none() && goal.converts(entered, name, properties, at) {
                store.set_converted(user_id, campaign, at.0)?;
                store.mark_dirty(campaign.as_str(), week_of_day(day_of(at.0)))?;
            }
        }
        if task && let Some(shown) = record.first_shown {
            store.mark_dirty(campaign.as_str(), week_of_day(day_of(shown.0)))?;
        }
    }
    Ok(())
}

/// The account's campaign specs: saved when the catalog brings new ones, so batches that
/// carry no catalog (and the alarm's flush) still know them.
pub fn specs<S: CollabStore>(
    store: &mut S,
    from_catalog: Option<(&[CampaignSpec], &str)>,
) -> Result<Vec<Spec>, AppError> {
    let parsed;
    let specs = match from_catalog {
        Some((specs, text)) => {
            if store.doc("rollup", "specs")?.as_deref() != Some(text) {
                store.put_doc("rollup", "specs", text)?;
            }
            specs
        }
        None => {
            parsed = match store.doc("rollup", "specs")? {
                Some(text) => CampaignSpec::parse_list(&text)?,
                None => Vec::new(),
            };
            &parsed[..]
        }
    };
    Ok(specs.iter().filter_map(CampaignSpec::to_spec).collect())
}

/// Each user's rollup input of a campaign, with the checklist tasks each did once shown.
fn users_of<S: RollupStore>(
    store: &S,
    campaign: &str,
    spec: Option<&Spec>,
) -> Result<Vec<UserRollup>, AppError> {
    let mut users = Vec::new();
    for (user, mut u) in store.campaign_users(campaign)? {
        if let (Some(spec), Some(shown)) = (spec, u.record.first_shown) {
            for (i, task) in spec.tasks.iter().enumerate() {
                if store
                    .seen_last(&user, task)?
                    .is_some_and(|last| last >= shown.0)
                {
                    u.tasks_done.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
                }
            }
        }
        users.push(u);
    }
    Ok(users)
}

/// An announcement's population rows: users never exposed, and those of them who used the
/// announced feature since the campaign first reached the account.
fn population<S: RollupStore>(
    store: &S,
    spec: &Spec,
    users: &[UserRollup],
) -> Result<Vec<RollupRow>, AppError> {
    let (Some(goal), Some(since)) = (
        spec.goal.as_ref(),
        users
            .iter()
            .filter_map(|u| UserRollup::entered(&u.record))
            .min(),
    ) else {
        return Ok(Vec::new());
    };
    let (people, adopted) = store.population(spec.campaign.as_str(), &goal.event, since.0)?;
    let row = |metric: &str, n: u64| RollupRow {
        arm: crate::analytics::rollup::NO_ARM.to_owned(),
        day: POPULATION_DAY,
        metric: metric.to_owned(),
        users: n,
        count: n,
    };
    Ok(vec![
        row("unexposed", people),
        row("unexposed_adopted", adopted),
    ])
}

/// Marks every unit of the account: a backfill re-sends its whole state.
pub fn mark_all<S: RollupStore>(store: &mut S) -> Result<(), AppError> {
    store.mark_dirty("", ACCOUNT_UNIT)?;
    for campaign in store.campaigns()? {
        mark_campaign_users(store, &campaign, None)?;
    }
    Ok(())
}

/// Marks the units holding `user_id`, before the user's data is deleted.
pub fn mark_user<S: RollupStore>(store: &mut S, user_id: &str) -> Result<(), AppError> {
    for campaign in store.user_campaigns(user_id)? {
        mark_campaign_users(store, &campaign, Some(user_id))?;
    }
    Ok(())
}

fn mark_campaign_users<S: RollupStore>(
    store: &mut S,
    campaign: &str,
    only: Option<&str>,
) -> Result<(), AppError> {
    let mut weeks: Vec<i64> = store
        .campaign_users(campaign)?
        .iter()
        .filter(|(u, _)| only.is_none_or(|o| o == u))
        .flat_map(|(_, r)| r.weeks())
        .collect();
    weeks.push(COMMENTS_UNIT);
    weeks.sort_unstable();
    weeks.dedup();
    for w in weeks {
        store.mark_dirty(campaign, w)?;
    }
    Ok(())
}

/// The messages of a flush: every changed unit, complete, under one new sequence number
/// (with `backfill`, every unit, marked as the whole state). The caller sends them, then
/// calls `clear_dirty(seq)`.
pub fn flush<
    S: RollupStore + CollabStore + crate::account::AccountStore + crate::account::people::PeopleStore,
>(
    store: &mut S,
    workspace_id: &str,
    account_id: &str,
    backfill: bool,
    now: i64,
) -> Result<Option<(u64, Vec<RollupMessage>)>, AppError> {
    if backfill {
        mark_all(store)?;
    }
    let specs = specs(store, None)?;
    // An announcement's population moves with its campaign's units.
    for (campaign, _) in store.dirty()? {
        if specs
            .iter()
            .any(|s| s.announcement && s.goal.is_some() && s.campaign.as_str() == campaign)
        {
            store.mark_dirty(&campaign, POPULATION_UNIT)?;
        }
    }
    let dirty = store.dirty()?;
    if dirty.is_empty() {
        return Ok(None);
    }
    let seq = store.next_seq()?;
    let mut units = Vec::with_capacity(dirty.len());
    let mut current: Option<(String, std::collections::BTreeMap<i64, Vec<RollupRow>>)> = None;
    for (campaign, week) in dirty {
        if week == COMMENTS_UNIT {
            units.push(RollupUnit {
                account: None,
                comments: store.comments(&campaign, MAX_COMMENTS)?,
                campaign,
                week,
                rows: Vec::new(),
            });
            continue;
        }
        if week == ACCOUNT_UNIT {
            let settings = store.doc("rollup", "settings")?;
            let summary =
                super::admin::summary(store, account_id, settings.as_deref(), Timestamp(now))?;
            super::signals::health_computed(store, &summary, now)?;
            units.push(RollupUnit {
                account: Some(summary),
                campaign,
                week,
                rows: Vec::new(),
                comments: Vec::new(),
            });
            continue;
        }
        let spec = specs.iter().find(|s| s.campaign.as_str() == campaign);
        if week == POPULATION_UNIT {
            let rows = match spec {
                Some(spec) => population(store, spec, &users_of(store, &campaign, None)?)?,
                None => Vec::new(),
            };
            units.push(RollupUnit {
                account: None,
                campaign,
                week,
                rows,
                comments: Vec::new(),
            });
            continue;
        }
        if current.as_ref().is_none_or(|(c, _)| *c != campaign) {
            let users = users_of(store, &campaign, spec)?;
            current = Some((campaign.clone(), rollup(&users)));
        }
        let rows = current
            .as_mut()
            .and_then(|(_, weeks)| weeks.remove(&week))
            .unwrap_or_default();
        units.push(RollupUnit {
            account: None,
            campaign,
            week,
            rows,
            comments: Vec::new(),
        });
    }
    // Whole units per message, each message under the Queue's size limit.
    let mut messages = Vec::new();
    let new_message = || RollupMessage {
        workspace_id: workspace_id.to_owned(),
        account_id: account_id.to_owned(),
        seq,
        at: now,
        backfill,
        units: Vec::new(),
    };
    let mut msg = new_message();
    let mut size = to_json(&msg).len();
    for unit in units {
        let unit_size = to_json(&unit).len() + 1;
        if !msg.units.is_empty() && size + unit_size > MAX_MESSAGE_BYTES {
            messages.push(std::mem::replace(&mut msg, new_message()));
            size = to_json(&msg).len();
        }
        size += unit_size;
        msg.units.push(unit);
    }
    messages.push(msg);
    Ok(Some((seq, messages)))
}
