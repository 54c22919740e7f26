//! `decide`: the total function from catalog, facts, history and time to a decision.

use std::collections::BTreeMap;

use crate::account::Ctx;
use crate::facts::Facts;
use crate::history::History;
use crate::model::{Campaign, CampaignId, Catalog, Recurrence, Surface};
use crate::time::Timestamp;

/// Why a campaign was or was not chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Chosen for its surface.
    Chosen,
    /// Before its start or after its end.
    OutsideSchedule,
    /// A `once` campaign the user has already seen.
    AlreadyShown,
    /// The user dismissed it or clicked its call to action.
    Dismissed,
    /// The audience condition does not hold; the text explains the failing leaf.
    AudienceMismatch(String),
    /// The shared frequency budget is spent until the given instant.
    FrequencyCap {
        /// When budget frees up again.
        until: Timestamp,
    },
    /// Another eligible campaign won the same surface.
    LowerPriority {
        /// The winner.
        winner: CampaignId,
    },
}

/// The outcome of [`decide`]: the chosen campaigns and a verdict for every candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Chosen campaigns, at most one per surface, highest priority first.
    pub picks: Vec<(CampaignId, Surface)>,
    /// A verdict for every campaign of the catalog, in catalog order.
    pub verdicts: Vec<(CampaignId, Verdict)>,
}

/// Decides which campaigns to show to the user described by `facts` and `history` at `now`.
///
/// Total: every campaign gets a verdict, nothing can fail, and the result depends on the
/// arguments only. Ties in priority go to the smaller campaign id.
pub fn decide(catalog: &Catalog, facts: &Facts, history: &History, now: Timestamp) -> Decision {
    let ctx = Ctx::new(facts, &catalog.model, now);
    let mut verdicts: Vec<Option<Verdict>> = catalog
        .campaigns
        .iter()
        .map(|c| gate(c, &ctx, history).err())
        .collect();

    // Budget: distinct campaigns shown in the rolling window.
    let window_start = now.plus_ms(-catalog.budget.window_ms);
    let mut shown_in_window: Vec<Timestamp> = history
        .iter()
        .filter_map(|(_, r)| r.last_shown)
        .filter(|t| *t > window_start)
        .collect();
    shown_in_window.sort_unstable();
    let free_again = shown_in_window
        .first()
        .map(|t| t.plus_ms(catalog.budget.window_ms));
    let mut used = u32::try_from(shown_in_window.len()).unwrap_or(u32::MAX);

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
    for i in order {
        let c = &catalog.campaigns[i];
        let verdict = if let Some(winner) = winners.get(&c.surface) {
            Verdict::LowerPriority {
                winner: winner.clone(),
            }
        } else {
            let already_counted = history
                .get(&c.id)
                .last_shown
                .is_some_and(|t| t > window_start);
            if !already_counted && used >= catalog.budget.max_campaigns {
                Verdict::FrequencyCap {
                    until: free_again.unwrap_or(now),
                }
            } else {
                if !already_counted {
                    used += 1;
                }
                winners.insert(c.surface, c.id.clone());
                picks.push((c.id.clone(), c.surface));
                Verdict::Chosen
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
    Decision { picks, verdicts }
}

/// Per-campaign checks that do not depend on other campaigns.
fn gate(c: &Campaign, ctx: &Ctx<'_>, history: &History) -> Result<(), Verdict> {
    let now = ctx.now;
    if c.starts_at.is_some_and(|t| now < t) || c.ends_at.is_some_and(|t| now >= t) {
        return Err(Verdict::OutsideSchedule);
    }
    let record = history.get(&c.id);
    match c.recurrence {
        Recurrence::Once if record.shown_count > 0 => return Err(Verdict::AlreadyShown),
        _ if record.dismissed.is_some() || record.clicked.is_some() => {
            return Err(Verdict::Dismissed);
        }
        _ => {}
    }
    c.audience.check(ctx).map_err(Verdict::AudienceMismatch)
}
