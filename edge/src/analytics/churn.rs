//! The portfolio's churn and break-even tables, over every account (before the page's
//! filters): churn rates by band, retention by cohort, the churn retro (each churned
//! account's health before it left), and break-even per account with the share past it.
//! Pure: the analyses are `rules::churn_rates`, `rules::retention` and the summaries'
//! `break_even`.

use protocol::v1::{PortfolioAccount, TableDto, format_day};
use rules::{Change, Day, RETENTION_MONTHS, Traits, churn_mark, churn_rates, retention};

const DAY_MS: i64 = 86_400_000;

fn columns(names: &[&str]) -> Vec<String> {
    names.iter().map(|c| (*c).to_owned()).collect()
}

fn percent(part: u32, whole: u32) -> String {
    match whole {
        0 => "—".to_owned(),
        w => format!("{:.0}%", f64::from(part) * 100.0 / f64::from(w)),
    }
}

/// The tables, at `now` (ms); `traits` are the accounts' traits, in the same order.
pub fn tables(accounts: &[PortfolioAccount], traits: &[Traits], now: i64) -> Vec<TableDto> {
    let today = Day(i32::try_from(now.div_euclid(DAY_MS)).unwrap_or(i32::MAX));
    let refs: Vec<&Traits> = traits.iter().collect();
    vec![
        by_band(&refs, today),
        cohorts(&refs, today),
        retro(accounts, traits),
        break_even(accounts),
    ]
}

fn by_band(accounts: &[&Traits], today: Day) -> TableDto {
    let marked = accounts.iter().filter(|t| churn_mark(t).is_some()).count();
    TableDto {
        name: "Churn by band".into(),
        note: format!(
            "{marked} of {} accounts marked churned or contracted (traits churned_on / \
             contracted_on with a churn_reason). Bands: industry, ARR, employees, tenure until \
             churn or today, sales_rep, products, renewals; the rate is churned ÷ accounts.",
            accounts.len()
        ),
        columns: columns(&[
            "Dimension",
            "Band",
            "Accounts",
            "Churned",
            "Contracted",
            "Churn rate",
        ]),
        rows: churn_rates(accounts, today)
            .into_iter()
            .map(|r| {
                vec![
                    r.dimension.label().to_owned(),
                    r.band.clone(),
                    r.accounts.to_string(),
                    r.churned.to_string(),
                    r.contracted.to_string(),
                    percent(r.churned, r.accounts),
                ]
            })
            .collect(),
    }
}

fn cohorts(accounts: &[&Traits], today: Day) -> TableDto {
    let mut names = vec!["Cohort".to_owned(), "Accounts".to_owned()];
    names.extend(RETENTION_MONTHS.map(|m| format!("After {m} months")));
    TableDto {
        name: "Retention by cohort".into(),
        note: "Accounts by the quarter they became customers (trait customer_since): the share \
               still customers after 3, 6, 12 and 24 months, of those old enough to tell \
               (a contraction is not churn)."
            .into(),
        columns: names,
        rows: retention(accounts, today)
            .into_iter()
            .map(|c| {
                let mut row = vec![c.cohort, c.accounts.to_string()];
                row.extend(c.retained.iter().map(|&(kept, of)| match of {
                    0 => "—".to_owned(),
                    _ => format!("{} ({kept} of {of})", percent(kept, of)),
                }));
                row
            })
            .collect(),
    }
}

fn retro(accounts: &[PortfolioAccount], traits: &[Traits]) -> TableDto {
    let mut rows: Vec<(Day, Vec<String>)> = Vec::new();
    for (a, t) in accounts.iter().zip(traits) {
        let Some(mark) = churn_mark(t) else {
            continue;
        };
        // The kept daily scores up to the mark (the trend holds the last 90 days).
        let before: Vec<&(i64, f64)> = a
            .trend
            .iter()
            .filter(|(d, _)| *d <= i64::from(mark.on.0))
            .collect();
        let history = match (before.first(), before.last()) {
            (Some((d0, s0)), Some((d1, s1))) => format!(
                "{s0:.0} on {} → {s1:.0} on {}",
                format_day(*d0),
                format_day(*d1)
            ),
            _ => "no daily health kept before it (90 days are kept)".to_owned(),
        };
        let change = match mark.change {
            Change::Churned => "Churned",
            Change::Contracted => "Contracted",
        };
        let note = a.summary.trait_text("churn_note").unwrap_or("").to_owned();
        rows.push((
            mark.on,
            vec![
                a.summary.account_id.clone(),
                change.to_owned(),
                format_day(i64::from(mark.on.0)),
                mark.reason,
                note,
                history,
                a.summary
                    .health
                    .colour
                    .clone()
                    .unwrap_or_else(|| "—".into()),
            ],
        ));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    TableDto {
        name: "Churn retro".into(),
        note: "Each churned or contracted account, latest first, with its reason and its health \
               score over the days before the change."
            .into(),
        columns: columns(&[
            "Account",
            "Change",
            "On",
            "Reason",
            "Note",
            "Health before",
            "Health now",
        ]),
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    }
}

fn break_even(accounts: &[PortfolioAccount]) -> TableDto {
    let known: Vec<&PortfolioAccount> = accounts
        .iter()
        .filter(|a| a.summary.break_even.is_some())
        .collect();
    let past = known
        .iter()
        .filter(|a| a.summary.break_even.is_some_and(|b| b.reached))
        .count();
    let money = |n: f64| format!("{n:.0}");
    TableDto {
        name: "Break-even".into(),
        note: format!(
            "{past} of {} accounts with ARR, gross margin, CAC and customer_since are past \
             break-even ({}): CLV so far (ARR ÷ 12 × margin × months) against CAC.",
            known.len(),
            percent(past as u32, known.len() as u32)
        ),
        columns: columns(&[
            "Account",
            "Months to break even",
            "Months a customer",
            "Net so far",
            "Past break-even",
        ]),
        rows: known
            .iter()
            .filter_map(|a| {
                let b = a.summary.break_even?;
                Some(vec![
                    a.summary.account_id.clone(),
                    format!("{:.1}", b.months),
                    format!("{:.1}", b.tenure_months),
                    money(b.net),
                    if b.reached { "yes" } else { "no" }.to_owned(),
                ])
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::tests::portfolio_account;
    use protocol::v1::{BreakEvenDto, admin_traits_map};

    /// 2026-12-01.
    const NOW: i64 = 20_788 * DAY_MS;

    fn rows<'a>(tables: &'a [TableDto], name: &str) -> &'a [Vec<String>] {
        &tables.iter().find(|t| t.name == name).expect(name).rows
    }

    #[test]
    fn retro_latest_first_and_the_share_past_break_even() {
        let mut early = portfolio_account("early", None, Some(30.0), Some("red"));
        early.summary.traits = admin_traits_map(&[
            ("churned_on", "2026-11-20"),
            ("churn_reason", "price"),
            ("churn_note", "went to a spreadsheet"),
        ]);
        // Daily scores: two before the churn, one after it.
        early.trend = vec![(20_770, 60.0), (20_775, 35.0), (20_785, 30.0)];
        let mut late = portfolio_account("late", None, None, None);
        late.summary.traits = admin_traits_map(&[
            ("contracted_on", "2026-11-28"),
            ("churn_reason", "budget cuts"),
        ]);
        let mut paid = portfolio_account("paid", None, Some(90.0), Some("green"));
        paid.summary.break_even = Some(BreakEvenDto {
            months: 5.0,
            tenure_months: 12.0,
            net: 28_000.0,
            reached: true,
        });
        let mut young = portfolio_account("young", None, Some(70.0), Some("green"));
        young.summary.break_even = Some(BreakEvenDto {
            months: 9.0,
            tenure_months: 3.0,
            net: -600.0,
            reached: false,
        });
        let accounts = [early, late, paid, young];
        let traits: Vec<Traits> = accounts.iter().map(|a| a.summary.rules_traits()).collect();
        let all = tables(&accounts, &traits, NOW);
        let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Churn by band",
                "Retention by cohort",
                "Churn retro",
                "Break-even"
            ]
        );
        assert_eq!(
            rows(&all, "Churn retro"),
            [
                [
                    "late",
                    "Contracted",
                    "2026-11-28",
                    "budget cuts",
                    "",
                    "no daily health kept before it (90 days are kept)",
                    "—"
                ],
                [
                    "early",
                    "Churned",
                    "2026-11-20",
                    "price",
                    "went to a spreadsheet",
                    "60 on 2026-11-13 → 35 on 2026-11-18",
                    "red"
                ],
            ]
        );
        let even = all.iter().find(|t| t.name == "Break-even").expect("table");
        assert!(even.note.starts_with("1 of 2 accounts"), "{}", even.note);
        assert!(even.note.contains("(50%)"), "{}", even.note);
        assert_eq!(even.rows[1], ["young", "9.0", "3.0", "-600", "no"]);
        // Every account counts in the bands: 1 churned of 4.
        let industry: Vec<&Vec<String>> = rows(&all, "Churn by band")
            .iter()
            .filter(|r| r[0] == "Industry")
            .collect();
        assert_eq!(*industry[0], ["Industry", "unknown", "4", "1", "1", "25%"]);
    }
}
