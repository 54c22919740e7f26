//! The customer-success portfolio: every account's health, riskiest first, filtered by tier,
//! lifecycle stage, colour, a recent change of colour, CSM and renewal window; and the value
//! pyramid's counts. Pure.

use protocol::ErrorCode;
use protocol::v1::{
    Portfolio, PortfolioAccount, TableDto, TablesView, TierCount, format_day, parse_day,
};

use crate::error::AppError;

const DAY_MS: i64 = 86_400_000;

/// What to keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// `high`, `medium`, `low` or `none`.
    pub tier: Option<String>,
    /// A lifecycle stage.
    pub stage: Option<String>,
    /// `green`, `yellow` or `red`.
    pub colour: Option<String>,
    /// Changed to its colour within this many days.
    pub changed_within_days: Option<u32>,
    /// The account trait `csm` equals this.
    pub csm: Option<String>,
    /// Renews (account trait `renewal_date`) within this many days from now.
    pub renewal_within_days: Option<u32>,
}

/// A query parameter's days (1-3650).
fn days(field: &str, v: Option<&str>) -> Result<Option<u32>, AppError> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=3650).contains(d))
            .map(Some)
            .ok_or_else(|| AppError::problem(ErrorCode::InvalidValue, field, "1-3650 days")),
    }
}

impl Filter {
    /// The filter of a query string's parameters, read by `param`.
    pub fn from_query(param: &dyn Fn(&str) -> Option<String>) -> Result<Filter, AppError> {
        let given = |name: &str| param(name).filter(|v| !v.trim().is_empty());
        let colour = given("colour");
        if let Some(c) = &colour
            && !matches!(c.as_str(), "green" | "yellow" | "red")
        {
            return Err(AppError::problem(
                ErrorCode::InvalidValue,
                "colour",
                "green, yellow or red",
            ));
        }
        Ok(Filter {
            tier: given("tier"),
            stage: given("stage"),
            colour,
            changed_within_days: days(
                "changed_within_days",
                given("changed_within_days").as_deref(),
            )?,
            csm: given("csm"),
            renewal_within_days: days(
                "renewal_within_days",
                given("renewal_within_days").as_deref(),
            )?,
        })
    }
}

/// An account's renewal date (trait `renewal_date`: `YYYY-MM-DD`, or ms since the epoch) as ms;
/// none once it churned.
pub fn renewal_at(a: &PortfolioAccount) -> Option<i64> {
    // A churned account renews nothing (trait churned_on).
    if a.summary.trait_text("churned_on").is_some() {
        return None;
    }
    if let Some(ms) = a.summary.trait_number("renewal_date") {
        return Some(ms as i64);
    }
    let day = parse_day("renewal_date", a.summary.trait_text("renewal_date")?).ok()?;
    Some(day * DAY_MS)
}

fn keeps(f: &Filter, a: &PortfolioAccount, now: i64) -> bool {
    let s = &a.summary;
    let tier = s.value_tier.as_deref().unwrap_or("none");
    f.tier.as_deref().is_none_or(|t| t == tier)
        && f.stage.as_deref().is_none_or(|st| {
            s.lifecycle_stage
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(st.trim()))
        })
        && f.colour
            .as_deref()
            .is_none_or(|c| s.health.colour.as_deref() == Some(c))
        && f.changed_within_days.is_none_or(|d| {
            a.colour_since
                .is_some_and(|at| now - at <= i64::from(d) * DAY_MS)
        })
        && f.csm.as_deref().is_none_or(|c| {
            s.trait_text("csm")
                .is_some_and(|x| x.trim().eq_ignore_ascii_case(c.trim()))
        })
        && f.renewal_within_days.is_none_or(|d| {
            renewal_at(a).is_some_and(|at| at >= now && at - now <= i64::from(d) * DAY_MS)
        })
}

/// The value pyramid: accounts per tier, high to low, then those without a tier.
pub fn tiers(accounts: &[PortfolioAccount]) -> Vec<TierCount> {
    let mut out: Vec<TierCount> = ["high", "medium", "low", "none"]
        .iter()
        .map(|t| TierCount {
            tier: (*t).to_owned(),
            ..TierCount::default()
        })
        .collect();
    for a in accounts {
        let tier = a.summary.value_tier.as_deref().unwrap_or("none");
        let slot = match out.iter_mut().find(|t| t.tier == tier) {
            Some(slot) => slot,
            None => {
                out.push(TierCount {
                    tier: tier.to_owned(),
                    ..TierCount::default()
                });
                out.last_mut().expect("just pushed")
            }
        };
        slot.accounts += 1;
        match a.summary.health.colour.as_deref() {
            Some("green") => slot.green += 1,
            Some("yellow") => slot.yellow += 1,
            Some("red") => slot.red += 1,
            _ => {}
        }
    }
    out
}

/// The portfolio after `filter` at `now`, with the pyramid of every account.
pub fn apply(mut portfolio: Portfolio, filter: &Filter, now: i64) -> Portfolio {
    portfolio.tiers = tiers(&portfolio.accounts);
    portfolio.accounts.retain(|a| keeps(filter, a, now));
    portfolio
}

/// A score as shown: whole points.
fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "—".to_owned(), |s| format!("{s:.0}"))
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// The 90-day trend in words: the first and the latest score.
fn trend(a: &PortfolioAccount) -> String {
    match (a.trend.first(), a.trend.last()) {
        (Some((d0, s0)), Some((d1, s1))) if d0 != d1 => {
            format!("{s0:.0} → {s1:.0} over {} days", d1 - d0)
        }
        _ => "new".to_owned(),
    }
}

/// Every component: its name, score and weight (`usage trend 40 ×3`), unknown ones too.
fn components(a: &PortfolioAccount) -> String {
    let parts: Vec<String> = a
        .summary
        .health
        .components
        .iter()
        .map(|c| match c.score {
            Some(s) => format!("{} {s:.0} ×{}", c.name, c.weight),
            None => format!("{} unknown", c.name),
        })
        .collect();
    if parts.is_empty() {
        "—".to_owned()
    } else {
        parts.join("; ")
    }
}

/// The weakest component: its name and score.
fn weakest(a: &PortfolioAccount) -> String {
    a.summary
        .health
        .components
        .iter()
        .filter_map(|c| Some((c.score?, &c.name)))
        .min_by(|x, y| x.0.total_cmp(&y.0))
        .map_or_else(|| "—".to_owned(), |(s, n)| format!("{n} ({s:.0})"))
}

/// The portfolio's tables for the console: the value pyramid, every account riskiest first,
/// and the renewal review (renewing within six months).
pub fn tables(p: &Portfolio, now: i64) -> TablesView {
    let pyramid = TableDto {
        name: "Value pyramid".into(),
        note: "Accounts per value tier (every account, before the filters), with their health."
            .into(),
        columns: ["Tier", "Accounts", "Green", "Yellow", "Red"]
            .map(str::to_owned)
            .to_vec(),
        rows: p
            .tiers
            .iter()
            .map(|t| {
                vec![
                    capital(&t.tier),
                    t.accounts.to_string(),
                    t.green.to_string(),
                    t.yellow.to_string(),
                    t.red.to_string(),
                ]
            })
            .collect(),
    };
    let colour = |a: &PortfolioAccount| {
        a.summary
            .health
            .colour
            .as_deref()
            .map_or_else(|| "Unknown".to_owned(), capital)
    };
    let since = |a: &PortfolioAccount| match (a.colour_since, &a.previous_colour) {
        (Some(at), Some(prev)) => format!(
            "{} (was {})",
            format_day(at.div_euclid(DAY_MS)),
            capital(prev)
        ),
        _ => "—".to_owned(),
    };
    let accounts = TableDto {
        name: "Accounts".into(),
        note: "Riskiest first: the lowest health score; the score is the weighted mean of the \
               scorecard's components (workspace settings), the weakest named, then each with its \
               score and weight (unknown ones are left out of the score)."
            .into(),
        columns: [
            "Account",
            "Health",
            "Score",
            "Trend (90 days)",
            "Weakest component",
            "Components (score ×weight)",
            "Tier",
            "Stage",
            "Colour since",
            "Call",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: p
            .accounts
            .iter()
            .map(|a| {
                vec![
                    a.summary.account_id.clone(),
                    colour(a),
                    score(a.summary.health.score),
                    trend(a),
                    weakest(a),
                    components(a),
                    a.summary
                        .value_tier
                        .as_deref()
                        .map_or_else(|| "—".into(), capital),
                    a.summary
                        .lifecycle_stage
                        .clone()
                        .unwrap_or_else(|| "—".into()),
                    since(a),
                    capital(&a.summary.call),
                ]
            })
            .collect(),
    };
    let mut renewing: Vec<&PortfolioAccount> = p
        .accounts
        .iter()
        .filter(|a| renewal_at(a).is_some_and(|at| at >= now && at - now <= 183 * DAY_MS))
        .collect();
    renewing.sort_by_key(|a| renewal_at(a));
    let review = TableDto {
        name: "Renewal review".into(),
        note: "Accounts renewing in the next six months (trait renewal_date; not churned), soonest \
               first. \
               The call: risk when Red, or Yellow and renewing; upside when Green and renewing; \
               a CSM overrides it with the traits cs_call and cs_call_reason. Owner and next \
               step: the traits owner (else csm) and next_step. Utilisation, breadth and coverage as \
               in the adoption and coverage tables; NPS over the last year."
            .into(),
        columns: [
            "Account",
            "Renews on",
            "ARR",
            "Health",
            "Score",
            "Trend (90 days)",
            "Utilisation",
            "Breadth",
            "NPS",
            "Champions",
            "Coverage (of 9)",
            "Call",
            "CSM",
            "Break-even",
            "Owner",
            "Next step",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: renewing
            .iter()
            .map(|a| {
                let s = &a.summary;
                let adoption = s.adoption.rules();
                vec![
                    s.account_id.clone(),
                    renewal_at(a)
                        .map(|at| format_day(at.div_euclid(DAY_MS)))
                        .unwrap_or_default(),
                    s.trait_number("arr")
                        .map_or_else(|| "—".into(), |n| format!("{n:.0}")),
                    colour(a),
                    score(s.health.score),
                    trend(a),
                    super::adoption::percent(adoption.utilisation()),
                    super::adoption::percent(adoption.breadth()),
                    s.adoption
                        .nps
                        .map_or_else(|| "—".into(), |n| format!("{n:.0}")),
                    s.people.as_ref().map_or_else(
                        || "—".into(),
                        |p| match (p.champions.len(), p.sole_champion_quiet) {
                            (0, _) => "none".to_owned(),
                            (_, true) => format!("{} (quiet)", p.champions.join(", ")),
                            _ => p.champions.join(", "),
                        },
                    ),
                    s.people
                        .as_ref()
                        .map_or_else(|| "—".into(), |p| (9 - p.gap_count).to_string()),
                    match &s.call_reason {
                        Some(why) => format!("{} (set by CSM: {why})", capital(&s.call)),
                        None => capital(&s.call),
                    },
                    s.trait_text("csm").unwrap_or("—").to_owned(),
                    s.break_even.map_or_else(
                        || "—".into(),
                        |b| {
                            if b.reached {
                                format!("reached ({:.0} months)", b.months)
                            } else {
                                format!(
                                    "in {:.0} months",
                                    (b.months - b.tenure_months).max(0.0).ceil()
                                )
                            }
                        },
                    ),
                    s.trait_text("owner")
                        .or(s.trait_text("csm"))
                        .unwrap_or("—")
                        .to_owned(),
                    s.trait_text("next_step").unwrap_or("—").to_owned(),
                ]
            })
            .collect(),
    };
    TablesView {
        updated_at: p.updated_at,
        tables: vec![pyramid, accounts, review],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 20_788 * DAY_MS;

    use crate::analytics::tests::portfolio_account as account;

    fn portfolio() -> Portfolio {
        let mut red = account("acme", Some("high"), Some(20.0), Some("red"));
        red.colour_since = Some(NOW - 3 * DAY_MS);
        red.summary.health.components = vec![
            protocol::v1::ContributionDto {
                name: "usage trend".into(),
                value: Default::default(),
                score: Some(10.0),
                weight: 3.0,
            },
            protocol::v1::ContributionDto {
                name: "NPS".into(),
                value: Default::default(),
                score: None,
                weight: 1.0,
            },
        ];
        red.summary.traits =
            protocol::v1::admin_traits_map(&[("renewal_date", "2027-02-01"), ("csm", "dana")]);
        let mut yellow = account("globex", Some("medium"), Some(55.0), Some("yellow"));
        yellow.colour_since = Some(NOW - 30 * DAY_MS);
        yellow.summary.traits = protocol::v1::admin_traits_map(&[("renewal_date", "2027-09-01")]);
        // Gone: its renewal date is no renewal.
        let mut gone = account("initech", Some("high"), Some(80.0), Some("green"));
        gone.summary.traits = protocol::v1::admin_traits_map(&[
            ("renewal_date", "2027-01-15"),
            ("churned_on", "2026-10-01"),
        ]);
        Portfolio {
            updated_at: Some(NOW),
            accounts: vec![red, yellow, gone, account("hooli", None, None, None)],
            tiers: Vec::new(),
        }
    }

    fn ids(p: &Portfolio) -> Vec<&str> {
        p.accounts
            .iter()
            .map(|a| a.summary.account_id.as_str())
            .collect()
    }

    #[test]
    fn filters_keep_what_they_name_and_the_pyramid_counts_everyone() {
        let cases: [(Filter, &[&str]); 9] = [
            (Filter::default(), &["acme", "globex", "initech", "hooli"]),
            (
                Filter {
                    tier: Some("high".into()),
                    ..Filter::default()
                },
                &["acme", "initech"],
            ),
            (
                Filter {
                    tier: Some("none".into()),
                    ..Filter::default()
                },
                &["hooli"],
            ),
            (
                Filter {
                    colour: Some("red".into()),
                    ..Filter::default()
                },
                &["acme"],
            ),
            // Turned its colour this week.
            (
                Filter {
                    changed_within_days: Some(7),
                    ..Filter::default()
                },
                &["acme"],
            ),
            // The CSM and the stage as typed: any case, spaces around.
            (
                Filter {
                    csm: Some(" Dana".into()),
                    ..Filter::default()
                },
                &["acme"],
            ),
            (
                Filter {
                    stage: Some("ADOPTING".into()),
                    ..Filter::default()
                },
                &["acme", "globex", "initech", "hooli"],
            ),
            (
                Filter {
                    stage: Some("expanding".into()),
                    ..Filter::default()
                },
                &[],
            ),
            // Renewing within 6 months of 2026-12-01: acme (2027-02-01), not globex (2027-09-01).
            (
                Filter {
                    renewal_within_days: Some(182),
                    ..Filter::default()
                },
                &["acme"],
            ),
        ];
        for (filter, expected) in cases {
            let p = apply(portfolio(), &filter, NOW);
            assert_eq!(ids(&p), expected, "{filter:?}");
            let pyramid: Vec<(&str, u64, u64, u64, u64)> = p
                .tiers
                .iter()
                .map(|t| (t.tier.as_str(), t.accounts, t.green, t.yellow, t.red))
                .collect();
            assert_eq!(
                pyramid,
                [
                    ("high", 2, 1, 0, 1),
                    ("medium", 1, 0, 1, 0),
                    ("low", 0, 0, 0, 0),
                    ("none", 1, 0, 0, 0)
                ]
            );
        }
    }

    #[test]
    fn tables_say_what_the_page_shows() {
        let p = apply(portfolio(), &Filter::default(), NOW);
        let view = tables(&p, NOW);
        let names: Vec<&str> = view.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Value pyramid", "Accounts", "Renewal review"]);
        assert_eq!(view.tables[0].rows[0], ["High", "2", "1", "0", "1"]);
        let acme = &view.tables[1].rows[0];
        assert_eq!(&acme[..3], ["acme", "Red", "20"]);
        assert_eq!(acme[8], "—", "no previous colour recorded");
        assert_eq!(acme[5], "usage trend 10 ×3; NPS unknown");
        // Only acme renews within six months (initech churned).
        let review = &view.tables[2].rows;
        assert_eq!(review.len(), 1);
        assert_eq!(&review[0][..2], ["acme", "2027-02-01"]);
        let column = |name: &str| {
            view.tables[2]
                .columns
                .iter()
                .position(|c| c == name)
                .expect(name)
        };
        assert_eq!(review[0][column("CSM")], "dana");
        assert_eq!(review[0][column("Utilisation")], "—", "no seats known");
        assert_eq!(review[0][column("Champions")], "—", "people not computed");
    }

    #[test]
    fn query_filters_are_validated_with_their_field() {
        let q = |pairs: &'static [(&'static str, &'static str)]| {
            Filter::from_query(&move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            })
        };
        assert_eq!(
            q(&[("colour", "red"), ("renewal_within_days", "180")]).expect("valid"),
            Filter {
                colour: Some("red".into()),
                renewal_within_days: Some(180),
                ..Filter::default()
            }
        );
        for (pairs, field) in [
            (&[("colour", "purple")][..], "colour"),
            (&[("renewal_within_days", "0")][..], "renewal_within_days"),
            (
                &[("changed_within_days", "soon")][..],
                "changed_within_days",
            ),
        ] {
            match q(pairs) {
                Err(AppError::Rejected(p)) => assert_eq!(p.field, field),
                other => panic!("{pairs:?}: {other:?}"),
            }
        }
    }
}
