//! The pipeline natively: events through the real ingest into in-memory accounts, flushes at
//! random moments, and the messages delivered to the workspace store in random order with
//! duplicates. The workspace's sums must equal a direct computation.

use std::collections::{BTreeMap, BTreeSet};

use futures_executor::block_on;
use protocol::v1::{
    AccountSummary, DroppedTotals, HealthReportDto, PortfolioAccount, RollupMessage, batch_body,
};
use rules::Timestamp;

use super::rollup::{UserRollup, rollup};
use super::workspace::{MemoryWorkspace, WorkspaceStore, apply};
use crate::account::MemoryAccounts;
use crate::app::post_events;
use crate::catalog::{MemoryCatalog, WorkspaceCatalog, WriteKey};

const T0: i64 = 1_773_576_000_000;
const HOUR: i64 = 3_600_000;
const CAMPAIGN: &str = "trial";
const EXPERIMENT: &str = r#"{"id":"trial","surface":"modal","recurrence":"until_dismissed",
 "experiment":{"holdout_percent":20,"variants":[{"id":"a","weight":1},{"id":"b","weight":1}]},
 "goal":{"event":"approve","within_days":14},"content":{"title":"T","body":"B"}}"#;
const ACCOUNTS: [&str; 3] = ["acme", "globex", "initech"];

/// xorshift64*: a small deterministic generator (the test's seed is printed on failure).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

fn world() -> (MemoryCatalog, MemoryAccounts) {
    let mut c = MemoryCatalog::default();
    c.write_keys.insert(
        "wk".into(),
        WriteKey {
            workspace_id: "ws".into(),
            debug: false,
            monthly_events: None,
            new_accounts_per_day: None,
            requests_per_10s: None,
            catalog_version: 0,
        },
    );
    c.catalogs.insert(
        "ws".into(),
        WorkspaceCatalog {
            campaigns: vec![EXPERIMENT.into()],
            settings: "{}".into(),
            webhook: None,
            key: None,
        },
    );
    (c, MemoryAccounts::default())
}

fn event(id: u64, account: &str, user: &str, at: i64, what: &str) -> String {
    let uuid = format!("00000000-0000-4000-8000-{id:012}");
    let kind = match what {
        "page_view" | "approve" => format!(r#""type":"track","name":"{what}""#),
        action => format!(r#""type":"message","campaign":"{CAMPAIGN}","action":"{action}""#),
    };
    format!(
        r#"{{"id":"{uuid}",{kind},"user_id":"{user}","account_id":"{account}","timestamp":{at}}}"#
    )
}

/// Sum of the rows of every account's direct rollup, per (arm, day, metric).
fn direct(w: &(MemoryCatalog, MemoryAccounts)) -> BTreeMap<(String, i64, String), (u64, u64)> {
    let mut sums = BTreeMap::new();
    for account in ACCOUNTS {
        let users: Vec<UserRollup> = w.1.campaign_users("ws", account, CAMPAIGN).expect("users");
        for row in rollup(&users).into_values().flatten() {
            let slot: &mut (u64, u64) = sums.entry((row.arm, row.day, row.metric)).or_default();
            slot.0 += row.users;
            slot.1 += row.count;
        }
    }
    sums
}

fn workspace_sums(ws: &MemoryWorkspace) -> BTreeMap<(String, i64, String), (u64, u64)> {
    ws.sums(Some(CAMPAIGN), i64::MIN, i64::MAX)
        .expect("sums")
        .into_iter()
        .map(|(_, r)| ((r.arm, r.day, r.metric), (r.users, r.count)))
        .collect()
}

/// Runs one random history; returns every message sent, and the users who were shown and who
/// clicked, from the event log.
fn history(
    seed: u64,
    w: &(MemoryCatalog, MemoryAccounts),
) -> (Vec<RollupMessage>, BTreeSet<String>, BTreeSet<String>) {
    let mut rng = Rng(seed | 1);
    let mut messages = Vec::new();
    let (mut shown, mut clicked) = (BTreeSet::new(), BTreeSet::new());
    for step in 0..400u64 {
        let account = ACCOUNTS[rng.below(3) as usize];
        let user = format!("{account}-u{}", rng.below(8));
        // Six hours a step: the history spans ten weeks, so units of many weeks change.
        let now = T0 + i64::try_from(step).unwrap_or(0) * 6 * HOUR;
        let what = [
            "page_view",
            "shown",
            "clicked",
            "dismissed",
            "approve",
            "flush",
        ][rng.below(6) as usize];
        if what == "flush" {
            messages.extend(w.1.flush("ws", account, false, now).expect("flush"));
            continue;
        }
        match what {
            "shown" => shown.insert(user.clone()),
            "clicked" => clicked.insert(user.clone()),
            _ => false,
        };
        let body = event(step, account, &user, now, what);
        let batch = batch_body("wk", Timestamp(now), None, None, &[body.as_str()]);
        block_on(post_events(&w.0, &w.1, None, &batch, Timestamp(now))).expect("stored");
    }
    let end = T0 + 400 * 6 * HOUR;
    for account in ACCOUNTS {
        messages.extend(w.1.flush("ws", account, false, end).expect("flush"));
    }
    (messages, shown, clicked)
}

fn total(sums: &BTreeMap<(String, i64, String), (u64, u64)>, metric: &str) -> u64 {
    sums.iter()
        .filter(|((_, _, m), _)| m == metric)
        .map(|(_, (users, _))| users)
        .sum()
}

#[test]
fn any_delivery_order_with_duplicates_gives_the_direct_rollup() {
    for seed in [1_u64, 7, 42, 2026, 90_210, 31_337] {
        let w = world();
        let (messages, shown, clicked) = history(seed, &w);
        let truth = direct(&w);
        assert_eq!(total(&truth, "shown"), shown.len() as u64, "seed {seed}");
        assert_eq!(
            total(&truth, "clicked"),
            clicked.len() as u64,
            "seed {seed}"
        );
        assert!(
            total(&truth, "exposed") > 0,
            "seed {seed}: the experiment ran"
        );
        assert!(
            total(&truth, "converted") > 0,
            "seed {seed}: someone converted"
        );
        for order in 0..5u64 {
            // Every message once, a third of them again, in a random order.
            let mut rng = Rng(seed.wrapping_mul(31).wrapping_add(order) | 1);
            let mut deliveries: Vec<&RollupMessage> = messages.iter().collect();
            deliveries.extend(messages.iter().filter(|_| rng.below(3) == 0));
            for i in (1..deliveries.len()).rev() {
                deliveries.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let mut ws = MemoryWorkspace::default();
            for m in deliveries {
                apply(&mut ws, m).expect("applied");
            }
            assert_eq!(workspace_sums(&ws), truth, "seed {seed}, order {order}");
        }
    }
}

#[test]
fn a_backfill_reproduces_the_same_totals() {
    let w = world();
    let (messages, _, _) = history(5, &w);
    let mut ws = MemoryWorkspace::default();
    for m in &messages {
        apply(&mut ws, m).expect("applied");
    }
    let before = workspace_sums(&ws);
    // A new workspace object fed only by backfills ends in the same state.
    let mut fresh = MemoryWorkspace::default();
    for account in ACCOUNTS {
        for m in w.1.flush("ws", account, true, T0).expect("backfill") {
            apply(&mut fresh, &m).expect("applied");
        }
    }
    // Old messages delivered after the backfill (a replay of the dead-letter queue) change
    // nothing: the backfill is the whole state.
    for m in &messages {
        assert_eq!(
            apply(&mut fresh, m).expect("applied"),
            0,
            "older seq ignored"
        );
    }
    assert_eq!(workspace_sums(&fresh), before);
    // And a backfill into the workspace that has every message gives the same totals too.
    for account in ACCOUNTS {
        for m in w.1.flush("ws", account, true, T0).expect("backfill") {
            apply(&mut ws, &m).expect("applied");
        }
    }
    assert_eq!(workspace_sums(&ws), before);
}

/// An account of the portfolio as the workspace object lists it (for the pure tables' tests).
pub(crate) fn portfolio_account(
    id: &str,
    tier: Option<&str>,
    score: Option<f64>,
    colour: Option<&str>,
) -> PortfolioAccount {
    PortfolioAccount {
        summary: AccountSummary {
            account_id: id.to_owned(),
            value_tier: tier.map(str::to_owned),
            lifecycle_stage: Some("adopting".to_owned()),
            health: HealthReportDto {
                score,
                colour: colour.map(str::to_owned),
                components: Vec::new(),
            },
            traits: Default::default(),
            dropped: DroppedTotals::default(),
            renewal_in_days: None,
            call: "steady".to_owned(),
            call_reason: None,
            break_even: None,
            people: None,
            adoption: Default::default(),
            advocates: Default::default(),
        },
        updated_at: 20_788 * 86_400_000,
        colour_since: None,
        previous_colour: None,
        trend: Vec::new(),
    }
}
