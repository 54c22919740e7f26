//! The portfolio's touch-plan table: each account's plan by its value tier (workspace settings
//! `touch_plans`), its last touch (account trait `last_touch_on`), when the next one is due,
//! and the accounts overdue first. Pure.

use protocol::v1::{PortfolioAccount, TableDto, WorkspaceSettings, format_day};
use rules::{Day, TouchKind, Traits, touch_due};

const DAY_MS: i64 = 86_400_000;

fn plan_words(kind: TouchKind, every: Option<u32>) -> String {
    match (kind, every) {
        (TouchKind::HighTouch, Some(d)) => format!("High touch: check-in every {d} days, QBRs"),
        (TouchKind::LowTouch, Some(d)) => format!("Low touch: pooled, every {d} days"),
        _ => "Self-service: campaigns only".to_owned(),
    }
}

/// The table at `now` (ms) under the workspace `settings`, overdue accounts first (most
/// overdue first), then by the next due day.
/// `traits` are the accounts' traits, in the same order.
pub fn table(
    accounts: &[PortfolioAccount],
    traits: &[Traits],
    settings: &WorkspaceSettings,
    now: i64,
) -> TableDto {
    let today = Day(i32::try_from(now.div_euclid(DAY_MS)).unwrap_or(i32::MAX));
    let mut rows: Vec<(i32, i32, Vec<String>)> = accounts
        .iter()
        .zip(traits)
        .map(|(a, t)| {
            let tier = a.summary.value_tier.as_deref().unwrap_or("none");
            let plan = settings.touch_plan(tier);
            let due = touch_due(plan, t, today);
            let (overdue, due_day) = due.map_or((-1, i32::MAX), |(d, o)| (o, d.0));
            (
                overdue,
                due_day,
                vec![
                    a.summary.account_id.clone(),
                    tier.to_owned(),
                    plan_words(plan.kind, plan.every_days),
                    a.summary
                        .trait_text("last_touch_on")
                        .unwrap_or("never")
                        .to_owned(),
                    due.map_or_else(|| "—".to_owned(), |(d, _)| format_day(i64::from(d.0))),
                    match overdue {
                        o if o > 0 => format!("{o} days"),
                        0 => "no".to_owned(),
                        _ => "—".to_owned(),
                    },
                ],
            )
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let overdue = rows.iter().filter(|r| r.0 > 0).count();
    TableDto {
        name: "Touch plan".into(),
        note: format!(
            "{overdue} accounts are overdue for a touch. Each value tier's plan comes from the \
             workspace settings (touch_plans; by default high touch every 30 days, low touch \
             every 90, self-service for low value); a CSM records a touch with the account \
             trait last_touch_on, and an account never touched counts from customer_since."
        ),
        columns: [
            "Account",
            "Tier",
            "Plan",
            "Last touch",
            "Next due",
            "Overdue",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: rows.into_iter().map(|(_, _, r)| r).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::tests::portfolio_account;
    use protocol::v1::admin_traits_map;

    /// 2026-12-01.
    const NOW: i64 = 20_788 * DAY_MS;

    #[test]
    fn overdue_accounts_first() {
        let account = |id: &str, tier: Option<&str>, traits: &[(&str, &str)]| {
            let mut a = portfolio_account(id, tier, None, None);
            a.summary.traits = admin_traits_map(traits);
            a
        };
        let accounts = [
            account("fresh", Some("high"), &[("last_touch_on", "2026-11-25")]),
            account("late", Some("high"), &[("last_touch_on", "2026-10-01")]),
            account("later", Some("medium"), &[("customer_since", "2026-06-01")]),
            account("small", Some("low"), &[("last_touch_on", "2025-01-01")]),
            account("unknown", Some("high"), &[]),
        ];
        let traits: Vec<Traits> = accounts.iter().map(|a| a.summary.rules_traits()).collect();
        let t = table(&accounts, &traits, &WorkspaceSettings::default(), NOW);
        let rows: Vec<(&str, &str, &str)> = t
            .rows
            .iter()
            .map(|r| (r[0].as_str(), r[4].as_str(), r[5].as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                // 2026-06-01 + 90 days = 2026-08-30: 93 days overdue.
                ("later", "2026-08-30", "93 days"),
                // 2026-10-01 + 30 = 2026-10-31: 31 days overdue.
                ("late", "2026-10-31", "31 days"),
                ("fresh", "2026-12-25", "no"),
                ("small", "—", "—"),
                ("unknown", "—", "—"),
            ]
        );
        assert!(t.note.starts_with("2 accounts are overdue"), "{}", t.note);
        assert_eq!(t.rows[3][2], "Self-service: campaigns only");
    }
}
