//! `decide`: the total function from catalog, facts, history and time to a decision.

use std::collections::{BTreeMap, BTreeSet};

use crate::account::Ctx;
use crate::budget::Spend;
use crate::experiment::Arm;
use crate::facts::Facts;
use crate::history::{DELIVERY_LEASE_MS, History, MessageRecord};
use crate::model::{Campaign, CampaignId, Catalog, Recurrence, Surface};
use crate::time::Timestamp;
use crate::trigger::Trigger;
use crate::verdict::Verdict;

/// A chosen message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    /// The campaign.
    pub campaign: CampaignId,
    /// Its surface.
    pub surface: Surface,
    /// The experiment variant to show, if any.
    pub variant: Option<String>,
    /// For a checklist: which tasks the user has done, in order.
    pub done: Vec<bool>,
    /// For a tour: the step to resume at.
    pub step: u32,
}

/// The outcome of [`decide`]: what to show, why not the rest, and what the caller must store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Chosen campaigns, at most one per surface, highest priority first.
    pub picks: Vec<Pick>,
    /// A verdict for every campaign of the catalog, in catalog order.
    pub verdicts: Vec<(CampaignId, Verdict)>,
    /// The value of every fact trigger, to fold into the records with
    /// [`MessageRecord::observe`] so the next decision can see crossings.
    pub observations: Vec<(CampaignId, bool)>,
    /// First exposures to an experiment (either arm), to record as exposure events.
    pub exposures: Vec<(CampaignId, Arm)>,
}

/// Decides which campaigns to show to the user described by `facts` and `history` at `now`.
///
/// Total: every campaign gets a verdict, nothing can fail, and the result depends on the
/// arguments only. Ties in priority go to the smaller campaign id.
pub fn decide(catalog: &Catalog, facts: &Facts, history: &History, now: Timestamp) -> Decision {
    let mut ctx = Ctx::new(facts, &catalog.model, now);
    ctx.asks = crate::AskHistory::of(&catalog.campaigns, history);
    let mut observations = Vec::new();
    let mut verdicts: Vec<Option<Verdict>> = catalog
        .campaigns
        .iter()
        .map(|c| {
            let record = history.get(&c.id);
            let observed = match &c.trigger {
                Trigger::Fact(cond) => {
                    let holds = cond.check(&ctx).is_ok();
                    observations.push((c.id.clone(), holds));
                    Some(holds)
                }
                _ => None,
            };
            gate(c, &ctx, &record, observed).err()
        })
        .collect();

    let mut spend = Spend::new(
        &catalog.budget,
        &catalog.campaigns,
        history,
        now,
        facts.session_start,
    );
    let mut order: Vec<usize> = (0..catalog.campaigns.len())
        .filter(|i| verdicts[*i].is_none())
        .collect();
    order.sort_by(|a, b| {
        let (ca, cb) = (&catalog.campaigns[*a], &catalog.campaigns[*b]);
        cb.priority
            .cmp(&ca.priority)
            .then_with(|| ca.id.cmp(&cb.id))
    });

    let mut winners: BTreeMap<Surface, CampaignId> = BTreeMap::new();
    let mut picks = Vec::new();
    let mut exposures = Vec::new();
    for i in order {
        let c = &catalog.campaigns[i];
        let verdict = if let Some(winner) = winners.get(&c.surface) {
            Verdict::LowerPriority {
                winner: winner.clone(),
            }
        } else if let Some(until) = account_cap(c, history, now) {
            Verdict::AccountCap { until }
        } else if let Err((cap, until)) = spend.check(c) {
            Verdict::FrequencyCap { cap, until }
        } else {
            let arm = c.experiment.as_ref().map(|e| e.arm(&c.id, &facts.user_id));
            if let Some(arm) = &arm
                && history.get(&c.id).exposed.is_none()
            {
                exposures.push((c.id.clone(), arm.clone()));
            }
            match arm {
                Some(Arm::Control) => Verdict::Holdout,
                arm => {
                    spend.spend(c, now);
                    winners.insert(c.surface, c.id.clone());
                    picks.push(Pick {
                        campaign: c.id.clone(),
                        surface: c.surface,
                        variant: match arm {
                            Some(Arm::Treatment(v)) => v,
                            _ => None,
                        },
                        done: tasks_done(c, facts),
                        step: history.get(&c.id).step,
                    });
                    Verdict::Chosen
                }
            }
        };
        verdicts[i] = Some(verdict);
    }

    let verdicts = catalog
        .campaigns
        .iter()
        .zip(verdicts)
        // Every slot was filled above: by `gate` or by the ranking loop.
        .map(|(c, v)| (c.id.clone(), v.unwrap_or(Verdict::OutsideSchedule)))
        .collect();
    Decision {
        picks,
        verdicts,
        observations,
        exposures,
    }
}

/// Which of a checklist's tasks the user has done.
fn tasks_done(c: &Campaign, facts: &Facts) -> Vec<bool> {
    c.tasks
        .iter()
        .map(|event| facts.user_seen.contains_key(event))
        .collect()
}

/// When the per-account cap of `c` frees up, if it is full for this user.
fn account_cap(c: &Campaign, history: &History, now: Timestamp) -> Option<Timestamp> {
    let cap = c.account_cap?;
    let start = now.plus_ms(-cap.window_ms);
    if history
        .get(&c.id)
        .exposed_at(now)
        .is_some_and(|t| t > start)
    {
        return None; // this user already holds one of the slots
    }
    let recent: Vec<Timestamp> = history
        .others(&c.id)
        .iter()
        .copied()
        .filter(|t| *t > start)
        .collect();
    if recent.len() >= usize::try_from(cap.max_users).unwrap_or(usize::MAX) {
        recent.iter().min().map(|t| t.plus_ms(cap.window_ms))
    } else {
        None
    }
}

/// Per-campaign checks that do not depend on other campaigns. `observed` is the value of a
/// fact trigger at this decision.
fn gate(
    c: &Campaign,
    ctx: &Ctx<'_>,
    record: &MessageRecord,
    observed: Option<bool>,
) -> Result<(), Verdict> {
    let now = ctx.now;
    if c.starts_at.is_some_and(|t| now < t) || c.ends_at.is_some_and(|t| now >= t) {
        return Err(Verdict::OutsideSchedule);
    }
    let all_tasks_done = !c.tasks.is_empty() && tasks_done(c, ctx.facts).iter().all(|d| *d);
    if record.clicked.is_some() || all_tasks_done {
        return Err(Verdict::Completed);
    }
    let session_start = ctx.facts.session_start.unwrap_or(now);
    let shown_this_session = record.last_shown.is_some_and(|t| t >= session_start);
    let mut snoozed = record.snoozed;
    match c.recurrence {
        Recurrence::Once if record.shown_count > 0 => return Err(Verdict::AlreadyShown),
        Recurrence::Times { max, .. } if record.shown_count >= max => {
            return Err(Verdict::AlreadyShown);
        }
        Recurrence::Once | Recurrence::Times { .. } | Recurrence::UntilDismissed
            if record.dismissed.is_some() =>
        {
            return Err(Verdict::Dismissed);
        }
        Recurrence::Times { every_ms, .. } | Recurrence::Every { every_ms } => {
            if let Some(until) = record.last_shown.map(|t| t.plus_ms(every_ms))
                && now < until
            {
                return Err(Verdict::Waiting { until });
            }
        }
        Recurrence::UntilDismissed | Recurrence::UntilCompleted
            if c.surface.interruptive() && shown_this_session =>
        {
            return Err(Verdict::ShownThisSession);
        }
        Recurrence::UntilCompleted => snoozed = snoozed.max(record.dismissed),
        _ => {}
    }
    if let Some(until) = snoozed.map(|t| t.plus_ms(c.snooze_ms))
        && now < until
    {
        return Err(Verdict::Snoozed { until });
    }
    // The lease guards first deliveries: once shown, recurrence decides about showing again
    // (and a tour in progress must follow its tab to the next page).
    if c.surface.interruptive()
        && record.shown_count == 0
        && let Some(d) = record.in_flight(now)
    {
        return Err(Verdict::InFlight {
            until: d.plus_ms(DELIVERY_LEASE_MS),
        });
    }
    triggered(c, ctx, record, observed).map_err(Verdict::NotTriggered)?;
    if let Some(ask) = c.ask {
        ctx.asks
            .allows(ask)
            .map_err(|needs| Verdict::AskTooBig { ask, needs })?;
    }
    c.audience.check(ctx).map_err(Verdict::AudienceMismatch)
}

/// Whether the campaign's trigger has fired (and not yet been answered by a show).
fn triggered(
    c: &Campaign,
    ctx: &Ctx<'_>,
    record: &MessageRecord,
    observed: Option<bool>,
) -> Result<(), String> {
    let shown_since = |t: Timestamp| record.last_shown.is_some_and(|s| s >= t);
    // A tour in progress resumes where the user left off, whatever started it.
    if c.surface == Surface::Tour && record.step > 0 && record.shown_count > 0 {
        return Ok(());
    }
    match &c.trigger {
        Trigger::Always | Trigger::Element(_) => Ok(()),
        Trigger::Page(pattern) => match ctx.facts.page.as_deref() {
            Some(path) if pattern.matches(path) => Ok(()),
            Some(path) => Err(format!("page {path:?} does not match {pattern}")),
            None => Err(format!("no current page to match {pattern}")),
        },
        Trigger::Event { name, within_ms } => {
            let last = ctx.facts.user_seen.get(name).map(|s| s.last);
            match last {
                None => Err(format!("the user never performed {name}")),
                Some(t) if ctx.now >= t.plus_ms(*within_ms) => {
                    Err(format!("no {name} in the trigger window"))
                }
                Some(t) if shown_since(t) => Err(format!("already shown since the last {name}")),
                Some(_) => Ok(()),
            }
        }
        Trigger::Fact(cond) => {
            let holds = observed.unwrap_or(false);
            let crossing_now = holds && record.trigger_held == Some(false);
            let pending = record.crossed.is_some_and(|t| !shown_since(t));
            if holds && (crossing_now || pending) {
                Ok(())
            } else if !holds {
                Err(cond
                    .check(ctx)
                    .err()
                    .unwrap_or_else(|| "the trigger condition does not hold".to_owned()))
            } else {
                Err("no crossing from false to true since the last show".to_owned())
            }
        }
    }
}

impl Catalog {
    /// Whether a campaign or the account model reads the account's people (coverage), which
    /// the caller then loads into [`Facts::people`].
    pub fn needs_people(&self) -> bool {
        let people = |o: &crate::Operand| matches!(o, crate::Operand::CoverageGaps);
        let conditions = self.campaigns.iter().flat_map(|c| {
            let trigger = match &c.trigger {
                Trigger::Fact(cond) => Some(cond),
                _ => None,
            };
            std::iter::once(&c.audience).chain(trigger)
        });
        conditions
            .chain(self.model.lifecycle.iter().map(|s| &s.when))
            .any(|c| c.any_operand(&people))
            || self.model.tiers.as_ref().is_some_and(|t| people(&t.value))
            || self
                .model
                .health
                .iter()
                .flat_map(|h| &h.components)
                .any(|c| people(&c.value))
    }

    /// Event names whose properties some condition filters on: the caller loads recent
    /// events of these names into [`Facts::events`].
    pub fn property_filtered_events(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for c in &self.campaigns {
            c.audience.filtered_events(&mut out);
            if let Trigger::Fact(cond) = &c.trigger {
                cond.filtered_events(&mut out);
            }
        }
        for stage in &self.model.lifecycle {
            stage.when.filtered_events(&mut out);
        }
        if let Some(tiers) = &self.model.tiers {
            tiers.value.filtered_events(&mut out);
        }
        for component in self.model.health.iter().flat_map(|h| &h.components) {
            component.value.filtered_events(&mut out);
        }
        out
    }
}
