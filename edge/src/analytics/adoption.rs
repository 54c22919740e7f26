//! The portfolio's adoption tables (seed 003): the KPIs across accounts (licence utilisation,
//! the share of accounts using at least half of the key features), each key feature's adoption
//! across accounts, and every account's utilisation and breadth, least adopted first. Pure.

use protocol::v1::{PortfolioAccount, TableDto};
use rules::{ADOPTION_DAYS, Adoption, portfolio_adoption};

/// A percentage, rounded, or a dash.
pub fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_owned(), |p| format!("{p:.0}%"))
}

/// The three tables over `accounts`, with the workspace's `key_features`.
pub fn tables(accounts: &[PortfolioAccount], key_features: &[String]) -> Vec<TableDto> {
    let each: Vec<(&PortfolioAccount, Adoption)> = accounts
        .iter()
        .map(|a| (a, a.summary.adoption.rules()))
        .collect();
    let p = portfolio_adoption(each.iter().map(|(_, x)| x), key_features);
    let kpis = TableDto {
        name: "Adoption KPIs".into(),
        note: format!(
            "Over the last {ADOPTION_DAYS} days. Licence utilisation: active users over \
             licensed seats (account trait seats), summed over the accounts whose seats are \
             known. Breadth: the key features (workspace settings key_features) an account used."
        ),
        columns: ["KPI", "Value", "Counted over"].map(str::to_owned).to_vec(),
        rows: vec![
            vec![
                "Licence utilisation".into(),
                percent(p.utilisation()),
                format!(
                    "{} active users, {} seats, {} of {} accounts",
                    p.active_users, p.seats, p.with_seats, p.accounts
                ),
            ],
            vec![
                "Accounts using at least half of the key features".into(),
                percent(p.broad_share()),
                format!(
                    "{} of {} accounts, {} key features",
                    p.broad,
                    p.accounts,
                    key_features.len()
                ),
            ],
        ],
    };
    let features = TableDto {
        name: "Feature adoption".into(),
        note: format!(
            "Each key feature: the accounts that used it in the last {ADOPTION_DAYS} days."
        ),
        columns: ["Feature", "Accounts using it", "Share of accounts"]
            .map(str::to_owned)
            .to_vec(),
        rows: p
            .features
            .iter()
            .map(|(f, n)| {
                vec![
                    f.clone(),
                    n.to_string(),
                    percent(
                        (p.accounts > 0).then(|| f64::from(*n) * 100.0 / f64::from(p.accounts)),
                    ),
                ]
            })
            .collect(),
    };
    let mut ranked: Vec<&(&PortfolioAccount, Adoption)> = each.iter().collect();
    // Least adopted first: the narrowest breadth, then the lowest utilisation (unknown last).
    let key = |x: &Adoption| {
        (
            x.breadth().unwrap_or(f64::INFINITY),
            x.utilisation().unwrap_or(f64::INFINITY),
        )
    };
    ranked.sort_by(|(a, x), (b, y)| {
        key(x)
            .partial_cmp(&key(y))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.summary.account_id.cmp(&b.summary.account_id))
    });
    let per_account = TableDto {
        name: "Adoption by account".into(),
        note: format!(
            "The last {ADOPTION_DAYS} days, the narrowest breadth first, then the lowest \
             utilisation."
        ),
        columns: [
            "Account",
            "Active users",
            "Seats",
            "Utilisation",
            "Key features used",
            "Breadth",
            "Not used",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: ranked
            .iter()
            .map(|(a, x)| {
                let unused: Vec<&str> = key_features
                    .iter()
                    .filter(|k| !x.features_used.contains(k))
                    .map(String::as_str)
                    .collect();
                vec![
                    a.summary.account_id.clone(),
                    x.active_users.to_string(),
                    x.seats.map_or_else(|| "—".into(), |s| s.to_string()),
                    percent(x.utilisation()),
                    format!("{} of {}", x.features_used.len(), x.key_features),
                    percent(x.breadth()),
                    if unused.is_empty() {
                        "—".to_owned()
                    } else {
                        unused.join(", ")
                    },
                ]
            })
            .collect(),
    };
    vec![kpis, features, per_account]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::tests::portfolio_account;

    #[test]
    fn kpis_features_and_accounts_least_adopted_first() {
        let keys: Vec<String> = ["submit", "approve"].map(str::to_owned).to_vec();
        let with = |id: &str, active: u32, seats: Option<f64>, used: &[&str]| {
            let mut a = portfolio_account(id, None, None, None);
            a.summary.adoption = protocol::v1::AdoptionDto {
                active_users: active,
                seats,
                features_used: used.iter().map(|f| (*f).to_owned()).collect(),
                key_features: 2,
                nps: None,
            };
            a
        };
        let accounts = [
            with("wide", 9, Some(10.0), &["submit", "approve"]),
            with("narrow", 1, Some(10.0), &[]),
            with("half", 4, None, &["submit"]),
        ];
        let t = tables(&accounts, &keys);
        assert_eq!(t[0].rows[0][1], "50%", "(9 + 1) / 20 seats");
        assert_eq!(
            t[0].rows[0][2],
            "10 active users, 20 seats, 2 of 3 accounts"
        );
        assert_eq!(t[0].rows[1][1], "67%", "2 of 3 use at least half");
        assert_eq!(t[1].rows, [["submit", "2", "67%"], ["approve", "1", "33%"]]);
        let order: Vec<&str> = t[2].rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(order, ["narrow", "half", "wide"]);
        assert_eq!(
            t[2].rows[1],
            ["half", "4", "—", "—", "1 of 2", "50%", "approve"]
        );
    }
}
