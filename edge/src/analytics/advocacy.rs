//! The portfolio's advocacy tables, in the Discover, Nurture, Mobilize way (seed 000):
//! Discover lists each account's promoters and power users (and the detractors to win back
//! first); Nurture shows the touches recorded (the CSM's last touch, champions); Mobilize
//! lists each ask campaign with its rung, status and outcome: users offered it, who accepted,
//! and who reached its goal. Pure.

use protocol::v1::{OverviewRow, PortfolioAccount, TableDto};
use rules::{Ask, POWER_USER_ACTIVE_DAYS, POWER_USER_WINDOW_DAYS};

fn names(people: &[(String, u32)]) -> String {
    if people.is_empty() {
        return "—".to_owned();
    }
    people
        .iter()
        .map(|(u, n)| format!("{u} ({n})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Discover and Nurture: the accounts with promoters or power users, the most first.
pub fn discover_table(accounts: &[PortfolioAccount]) -> TableDto {
    let mut rows: Vec<&PortfolioAccount> = accounts
        .iter()
        .filter(|a| {
            let d = &a.summary.advocates;
            !(d.promoters.is_empty() && d.power_users.is_empty())
        })
        .collect();
    let weight = |a: &PortfolioAccount| {
        a.summary.advocates.promoters.len() + a.summary.advocates.power_users.len()
    };
    rows.sort_by(|a, b| {
        weight(b)
            .cmp(&weight(a))
            .then_with(|| a.summary.account_id.cmp(&b.summary.account_id))
    });
    TableDto {
        name: "Advocates".into(),
        note: format!(
            "Discover: promoters (latest survey answer 9-10, shown with it) and power users \
             (active on at least {POWER_USER_ACTIVE_DAYS} of the last {POWER_USER_WINDOW_DAYS} \
             days, shown with their days). Detractors (0-6) are to win back before any ask. \
             Nurture: the CSM's last touch (trait last_touch_on) and the champions. The demo's \
             asks go to promoters and power users given value first (advocacy_stage)."
        ),
        columns: [
            "Account",
            "Promoters",
            "Power users",
            "Detractors",
            "Champions",
            "Last touch",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: rows
            .iter()
            .map(|a| {
                let s = &a.summary;
                vec![
                    s.account_id.clone(),
                    names(&s.advocates.promoters),
                    names(&s.advocates.power_users),
                    names(&s.advocates.detractors),
                    s.people
                        .as_ref()
                        .filter(|p| !p.champions.is_empty())
                        .map_or_else(|| "—".into(), |p| p.champions.join(", ")),
                    s.trait_text("last_touch_on").unwrap_or("—").to_owned(),
                ]
            })
            .collect(),
    }
}

/// Mobilize: each ask campaign (`(campaign, ask)`, with its results over the range), smallest
/// ask first.
pub fn asks_table(asks: &[(Ask, &OverviewRow)], days: i64) -> TableDto {
    let mut sorted: Vec<&(Ask, &OverviewRow)> = asks.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.campaign.cmp(&b.1.campaign)));
    let rate = |n: u64, of: u64| {
        if of == 0 {
            "—".to_owned()
        } else {
            format!("{:.0}%", n as f64 * 100.0 / of as f64)
        }
    };
    TableDto {
        name: "Advocacy asks".into(),
        note: format!(
            "Mobilize, the last {days} days: each campaign that makes an ask (campaign field \
             ask), smallest first. Offered: users shown it; accepted: users who clicked its \
             call to action; outcome: users who then reached its goal. A bigger ask is offered \
             only to users who accepted the one below it; the thank-you step is a campaign \
             whose audience is {{\"computed\":\"accepted_ask\"}}."
        ),
        columns: [
            "Campaign",
            "Ask",
            "Status",
            "Offered",
            "Accepted",
            "Acceptance",
            "Outcome (goal)",
            "Offered after",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: sorted
            .iter()
            .map(|(ask, r)| {
                vec![
                    r.campaign.clone(),
                    ask.to_string(),
                    r.status.clone(),
                    r.shown.to_string(),
                    r.clicked.to_string(),
                    rate(r.clicked, r.shown),
                    if r.has_goal {
                        r.converted.to_string()
                    } else {
                        "no goal".to_owned()
                    },
                    ask.smaller()
                        .map_or_else(|| "—".into(), |s| format!("an accepted {s}")),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::tests::portfolio_account;

    #[test]
    fn advocates_first_and_asks_smallest_first() {
        let mut quiet = portfolio_account("quiet", None, None, None);
        quiet.summary.advocates.detractors = vec![("dee".into(), 2)];
        let mut one = portfolio_account("one", None, None, None);
        one.summary.advocates.promoters = vec![("ann".into(), 10)];
        let mut two = portfolio_account("two", None, None, None);
        two.summary.advocates.promoters = vec![("bo".into(), 9)];
        two.summary.advocates.power_users = vec![("cy".into(), 12)];
        two.summary.advocates.detractors = vec![("di".into(), 4)];
        let t = discover_table(&[quiet, one, two]);
        assert_eq!(
            t.rows,
            [
                ["two", "bo (9)", "cy (12)", "di (4)", "—", "—"],
                ["one", "ann (10)", "—", "—", "—", "—"],
            ],
            "an account without promoters or power users is no advocate's"
        );

        let row = |campaign: &str, shown, clicked, goal| OverviewRow {
            campaign: campaign.into(),
            status: "live".into(),
            shown,
            clicked,
            converted: 1,
            has_goal: goal,
            shown_daily: Vec::new(),
        };
        let (reference, review) = (
            row("reference-ask", 2, 1, true),
            row("review-ask", 8, 6, false),
        );
        let t = asks_table(&[(Ask::Reference, &reference), (Ask::Review, &review)], 90);
        assert_eq!(
            t.rows,
            [
                [
                    "review-ask",
                    "review",
                    "live",
                    "8",
                    "6",
                    "75%",
                    "no goal",
                    "—"
                ],
                [
                    "reference-ask",
                    "reference",
                    "live",
                    "2",
                    "1",
                    "50%",
                    "1",
                    "an accepted review"
                ],
            ]
        );
    }
}
