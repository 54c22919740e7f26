//! A campaign's results from its summed rows: the funnel, the days, the experiment's arms
//! with honest statistics (the `stats` crate), and the survey's NPS. Pure.

use std::collections::BTreeMap;

use protocol::v1::{
    AdoptionResult, ArmResult, CampaignDoc, CampaignResults, DailyResult, Estimate, RollupRow,
    RollupTotals, SrmResult, Stage, SurveyResult,
};

/// The funnel's stages, in order.
const FUNNEL: [&str; 6] = [
    "targeted",
    "shown",
    "clicked",
    "converted",
    "dismissed",
    "snoozed",
];

/// The mSPRT mixture's variance: differences of conversion rates of about 5 points.
const MSPRT_TAU2: f64 = 0.05 * 0.05;

/// Distinct users and occurrences of a metric over rows.
fn sum<'a>(rows: impl Iterator<Item = &'a RollupRow>, metric: &str) -> (u64, u64) {
    rows.filter(|r| r.metric == metric)
        .fold((0, 0), |(u, n), r| (u + r.users, n + r.count))
}

/// The experiment's arms in order (control first) with their planned shares in percent.
fn planned_arms(doc: &CampaignDoc) -> Vec<(String, f64)> {
    let Some(e) = &doc.experiment else {
        return Vec::new();
    };
    let holdout = f64::from(e.holdout_percent.min(100));
    let mut arms = Vec::new();
    if e.holdout_percent > 0 {
        arms.push(("control".to_owned(), holdout));
    }
    if e.variants.is_empty() {
        arms.push(("treatment".to_owned(), 100.0 - holdout));
    } else {
        let total: f64 = e.variants.iter().map(|v| f64::from(v.weight)).sum();
        for v in &e.variants {
            let share = if total > 0.0 {
                (100.0 - holdout) * f64::from(v.weight) / total
            } else {
                0.0
            };
            arms.push((v.id.clone(), share));
        }
    }
    arms
}

fn estimate(e: &stats::Estimate) -> Estimate {
    Estimate {
        value: Some(e.value),
        low: e.interval.low,
        high: e.interval.high,
    }
}

/// The arms with their statistics, the verdict and the sample-ratio check, from all-time rows.
fn experiment(
    doc: &CampaignDoc,
    all_time: &[RollupRow],
) -> (Vec<ArmResult>, Option<String>, Option<SrmResult>) {
    let planned = planned_arms(doc);
    if planned.is_empty() {
        return (Vec::new(), None, None);
    }
    let counts: Vec<stats::Counts> = planned
        .iter()
        .map(|(arm, _)| {
            let rows = || all_time.iter().filter(|r| r.arm == *arm);
            stats::Counts::new(sum(rows(), "exposed").0, sum(rows(), "converted").0)
        })
        .collect();
    let control = counts.first().copied().unwrap_or_default();
    let arms = planned
        .iter()
        .zip(&counts)
        .enumerate()
        .map(|(i, ((arm, weight), c))| {
            let mut result = ArmResult {
                arm: arm.clone(),
                weight: *weight,
                exposed: c.exposed,
                converted: c.converted,
                rate: stats::rate(*c).as_ref().map(estimate),
                ..ArmResult::default()
            };
            if i > 0 {
                result.lift = stats::absolute_lift(control, *c).as_ref().map(estimate);
                result.relative_lift = stats::relative_lift(control, *c).map(|r| Estimate {
                    value: r.value,
                    low: r.interval.low,
                    high: r.interval.high,
                });
                result.chance_to_beat = stats::chance_to_beat(control, *c);
                result.p_value = stats::msprt_p_value(control, *c, MSPRT_TAU2);
            }
            result
        })
        .collect();
    let names: Vec<String> = planned.iter().map(|(a, _)| a.clone()).collect();
    let stat_arms: Vec<stats::Arm<'_>> = names
        .iter()
        .zip(&planned)
        .zip(&counts)
        .map(|((name, (_, w)), c)| stats::Arm {
            name,
            weight: *w,
            counts: *c,
        })
        .collect();
    let verdict = stat_arms
        .split_first()
        .map(|(control, variants)| stats::verdict(control, variants).to_string());
    let observed: Vec<u64> = counts.iter().map(|c| c.exposed).collect();
    let weights: Vec<f64> = planned.iter().map(|(_, w)| *w).collect();
    let srm = stats::srm(&observed, &weights).map(|s| SrmResult {
        p_value: s.p_value,
        mismatch: s.mismatch,
    });
    (arms, verdict, srm)
}

/// NPS classes by day, and the weekly sums (weeks starting on Monday).
fn survey(rows: &[RollupRow], shown_users: u64) -> Option<SurveyResult> {
    let mut days: BTreeMap<i64, [i64; 3]> = BTreeMap::new();
    for r in rows {
        let slot = match r.metric.as_str() {
            "promoter" => 0,
            "passive" => 1,
            "detractor" => 2,
            _ => continue,
        };
        days.entry(r.day).or_default()[slot] += i64::try_from(r.users).unwrap_or(i64::MAX);
    }
    if days.is_empty() {
        return None;
    }
    let mut weeks: BTreeMap<i64, [i64; 3]> = BTreeMap::new();
    for (day, c) in &days {
        // Day 0 (1970-01-01) was a Thursday: Monday-based weeks start 3 days earlier.
        let monday = day - (day + 3).rem_euclid(7);
        let w = weeks.entry(monday).or_default();
        for i in 0..3 {
            w[i] += c[i];
        }
    }
    let total = |i: usize| days.values().map(|c| c[i]).sum::<i64>();
    let (p, pa, d) = (total(0), total(1), total(2));
    let answered = p + pa + d;
    let unsigned = |n: i64| u64::try_from(n).unwrap_or(0);
    Some(SurveyResult {
        promoters: unsigned(p),
        passives: unsigned(pa),
        detractors: unsigned(d),
        nps: (answered > 0).then(|| 100.0 * (p - d) as f64 / answered as f64),
        response_rate: (shown_users > 0).then(|| answered as f64 / shown_users as f64),
        weekly: weeks.iter().map(|(d, c)| [*d, c[0], c[1], c[2]]).collect(),
        daily: days.iter().map(|(d, c)| [*d, c[0], c[1], c[2]]).collect(),
        comments: Vec::new(),
    })
}

/// Adoption of an announcement's feature, from all-time rows (population rows included).
fn adoption(doc: &CampaignDoc, all_time: &[RollupRow]) -> Option<AdoptionResult> {
    let announcement = doc.category == protocol::v1::CategoryDto::Announcement;
    if !announcement || doc.goal.is_none() {
        return None;
    }
    let users = |metric: &str| sum(all_time.iter(), metric).0;
    let shown = stats::Counts::new(users("shown"), users("converted"));
    let unexposed = stats::Counts::new(users("unexposed"), users("unexposed_adopted"));
    Some(AdoptionResult {
        shown: shown.exposed,
        adopted: shown.converted,
        rate: stats::rate(shown).as_ref().map(estimate),
        unexposed: unexposed.exposed,
        unexposed_adopted: unexposed.converted,
        unexposed_rate: stats::rate(unexposed).as_ref().map(estimate),
        difference: stats::absolute_lift(unexposed, shown)
            .as_ref()
            .map(estimate),
    })
}

/// The adoption figures as the console's table.
pub fn adoption_table(a: &AdoptionResult) -> protocol::v1::TableDto {
    let rate = |e: &Option<Estimate>| match e {
        Some(Estimate {
            value: Some(v),
            low,
            high,
        }) => format!(
            "{:.1}% ({:.1}–{:.1}%)",
            v * 100.0,
            low * 100.0,
            high * 100.0
        ),
        _ => "—".to_owned(),
    };
    let mut rows = vec![
        vec![
            "Shown the announcement".to_owned(),
            a.shown.to_string(),
            a.adopted.to_string(),
            rate(&a.rate),
        ],
        vec![
            "Not shown (same accounts)".to_owned(),
            a.unexposed.to_string(),
            a.unexposed_adopted.to_string(),
            rate(&a.unexposed_rate),
        ],
    ];
    if let Some(d) = &a.difference {
        rows.push(vec![
            "Difference".to_owned(),
            String::new(),
            String::new(),
            rate(&Some(*d)).replacen('%', " points", 1),
        ]);
    }
    protocol::v1::TableDto {
        name: "Adoption".into(),
        note: "Users who used the announced feature (the goal's event): those shown the \
               announcement within the goal's window, the others since it reached their account. \
               Who was shown was not random, so the difference is observational."
            .into(),
        columns: ["Group", "Users", "Used the feature", "Rate (95% interval)"]
            .map(str::to_owned)
            .to_vec(),
        rows,
    }
}

/// A campaign's results for days `from..=to` (`range`), with the experiment judged on all of
/// its data (`all_time`): an experiment's arms compare users exposed at any time.
pub fn results(
    campaign: &str,
    doc: Option<&CampaignDoc>,
    range: RollupTotals,
    all_time: &[RollupRow],
    from: i64,
    to: i64,
) -> CampaignResults {
    let rows = &range.rows;
    let funnel = FUNNEL
        .iter()
        .map(|stage| {
            let (users, count) = sum(rows.iter(), stage);
            Stage {
                stage: (*stage).to_owned(),
                users,
                count,
            }
        })
        .collect();
    let mut steps: BTreeMap<(u8, u32), (u64, u64)> = BTreeMap::new();
    for r in rows {
        let (kind, n) = match r.metric.split_once(':') {
            Some(("step", n)) => (0, n),
            Some(("task", n)) => (1, n),
            _ => continue,
        };
        if let Ok(n) = n.parse::<u32>() {
            let slot = steps.entry((kind, n)).or_default();
            slot.0 += r.users;
            slot.1 += r.count;
        }
    }
    // Step 1 is reached by everyone shown.
    let shown = sum(rows.iter(), "shown");
    if steps.keys().any(|(k, _)| *k == 0) {
        steps.insert((0, 1), (shown.0, shown.0));
    }
    let steps = steps
        .into_iter()
        .map(|((kind, n), (users, count))| Stage {
            stage: format!("{}:{n}", if kind == 0 { "step" } else { "task" }),
            users,
            count,
        })
        .collect();
    let daily = (from..=to)
        .map(|day| {
            let of_day = || rows.iter().filter(move |r| r.day == day);
            DailyResult {
                day,
                shown: sum(of_day(), "shown").0,
                clicked: sum(of_day(), "clicked").0,
                dismissed: sum(of_day(), "dismissed").0,
                converted: sum(of_day(), "converted").0,
            }
        })
        .collect();
    let (arms, verdict, srm) = match doc {
        Some(d) => experiment(d, all_time),
        None => (Vec::new(), None, None),
    };
    let mut survey = survey(rows, shown.0);
    if let Some(s) = &mut survey {
        s.comments = range.comments;
    }
    let goal = doc.and_then(|d| d.goal.as_ref()).map(|g| g.describe());
    let adoption = doc.and_then(|d| adoption(d, all_time));
    CampaignResults {
        campaign: campaign.to_owned(),
        from_day: from,
        to_day: to,
        updated_at: range.updated_at,
        accounts: range.accounts,
        goal,
        funnel,
        steps,
        daily,
        arms,
        verdict,
        srm,
        survey,
        adoption,
    }
}
