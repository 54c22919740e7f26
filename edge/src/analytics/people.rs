//! The portfolio's champions and coverage table, over every account: who the champions are
//! (and which a CSM confirmed), how much of the 3×3 grid the active users fill, the gaps by
//! name, and the accounts whose only champion went quiet. Pure.

use protocol::v1::{PortfolioAccount, TableDto};
use rules::{CHAMPION_ACTIVE_DAYS, CHAMPION_TENURE_DAYS, WINDOW_DAYS};

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".to_owned()
    } else {
        ids.join(", ")
    }
}

/// The table: accounts whose only champion went quiet first, then by the gaps.
pub fn table(accounts: &[PortfolioAccount]) -> TableDto {
    let mut known: Vec<(&PortfolioAccount, &protocol::v1::PeopleDto)> = accounts
        .iter()
        .filter_map(|a| Some((a, a.summary.people.as_ref()?)))
        .collect();
    known.sort_by(|(a, x), (b, y)| {
        (y.sole_champion_quiet, y.gap_count, &a.summary.account_id).cmp(&(
            x.sole_champion_quiet,
            x.gap_count,
            &b.summary.account_id,
        ))
    });
    TableDto {
        name: "Champions and coverage".into(),
        note: format!(
            "A champion was active on at least {CHAMPION_ACTIVE_DAYS} of the last \
             {WINDOW_DAYS} days, used at least half the key features then, and has been a user \
             for {CHAMPION_TENURE_DAYS} days; a CSM confirms one with the account trait \
             cs_champions. Coverage: active users by seniority (executive, manager, individual) \
             in the three largest departments (user traits seniority, department); each empty \
             cell is a gap. Accounts whose only champion went quiet come first."
        ),
        columns: [
            "Account",
            "Champions",
            "Confirmed by a CSM",
            "Only champion quiet 30 days",
            "Coverage (of 9)",
            "Departments",
            "Gaps",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: known
            .iter()
            .map(|(a, p)| {
                vec![
                    a.summary.account_id.clone(),
                    list(&p.champions),
                    list(&p.confirmed),
                    if p.sole_champion_quiet { "yes" } else { "no" }.to_owned(),
                    (9 - p.gap_count).to_string(),
                    list(&p.departments),
                    if p.gaps.is_empty() {
                        "none".to_owned()
                    } else {
                        p.gaps.join("; ")
                    },
                ]
            })
            .collect(),
    }
}
