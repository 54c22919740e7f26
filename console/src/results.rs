//! Campaign results for people: day ranges (days since the epoch, UTC) and their `YYYY-MM-DD`
//! inputs, the figures as the tables show them (each table a [`Grid`] of texts, so its CSV
//! export holds exactly what is on screen), sparklines, and the daily chart's data and
//! summary. Pure, natively tested.

use protocol::v1::{
    ArmResult, CampaignResults, Comment, DailyResult, Estimate, OverviewRow, ResultsOverview,
    Stage, SurveyResult,
};

use crate::doc::status_label;
use crate::form::values::{civil_from_days, days_from_civil};

/// A day in milliseconds.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// The range presets, in days.
pub(crate) const PRESETS: [i64; 3] = [7, 30, 90];

/// The day (UTC) of an instant (ms since the epoch).
pub(crate) fn day_of_ms(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// A day as `YYYY-MM-DD`.
pub(crate) fn day_text(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A date input's `YYYY-MM-DD` as a day; `None` when it is not such a date.
pub(crate) fn day_of(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-').map(str::parse::<i64>);
    let (y, m, d) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    let day = days_from_civil(y, m, d);
    // Rejects 2026-02-31 and the like: the day must print back as the same date.
    ((1..=12).contains(&m) && civil_from_days(day) == (y, m, d)).then_some(day)
}

/// The last `days` days up to `today`, inclusive.
pub(crate) fn preset(today: i64, days: i64) -> (i64, i64) {
    (today - days + 1, today)
}

/// The range with one end moved: the other end follows so that `from ≤ to`.
pub(crate) fn with_end(range: (i64, i64), from: bool, day: i64) -> (i64, i64) {
    if from {
        (day, range.1.max(day))
    } else {
        (range.0.min(day), day)
    }
}

/// The API query of a range.
pub(crate) fn query((from, to): (i64, i64)) -> String {
    format!("?from={}&to={}", day_text(from), day_text(to))
}

/// How fresh the figures are: "Updated 5 min ago", or "No data yet".
pub(crate) fn ago(now_ms: i64, updated: Option<i64>) -> String {
    let Some(at) = updated else {
        return "No data yet.".to_owned();
    };
    let min = (now_ms - at).max(0) / 60_000;
    match min {
        0 => "Updated less than a minute ago.".to_owned(),
        1..=119 => format!("Updated {min} min ago."),
        120..=2879 => format!("Updated {} h ago.", min / 60),
        _ => format!("Updated {} days ago.", min / 1440),
    }
}

/// A fraction as a percentage with one decimal (`12.5%`); `signed` adds a `+` to gains.
fn percent(x: f64, signed: bool) -> String {
    if !x.is_finite() {
        return "—".to_owned();
    }
    // No "-0.0%".
    let x = (x * 1000.0).round() / 10.0 + 0.0;
    if signed && x > 0.0 {
        format!("+{x:.1}%")
    } else {
        format!("{x:.1}%")
    }
}

/// `part / whole` as a percentage; "—" when `whole` is 0.
pub(crate) fn ratio(part: u64, whole: u64) -> String {
    if whole == 0 {
        "—".to_owned()
    } else {
        percent(part as f64 / whole as f64, false)
    }
}

/// An estimate and its 95% interval: `12.5% (10.1% to 15.0%)`; `points` words an absolute
/// lift in percentage points.
fn estimate(e: Option<&Estimate>, signed: bool, points: bool) -> String {
    let Some(e) = e else {
        return "—".to_owned();
    };
    let f = |x: f64| {
        let t = percent(x, signed);
        if points { t.replace('%', " pp") } else { t }
    };
    format!(
        "{} ({} to {})",
        e.value.map_or_else(|| "—".to_owned(), f),
        f(e.low),
        f(e.high)
    )
}

/// A p-value: three decimals, or `< 0.001`.
fn p_value(p: Option<f64>) -> String {
    match p {
        Some(p) if p < 0.001 => "< 0.001".to_owned(),
        Some(p) => format!("{p:.3}"),
        None => "—".to_owned(),
    }
}

/// A number without a needless `.0` (`50`, `33.3`).
fn plain(x: f64) -> String {
    let t = format!("{x:.1}");
    t.strip_suffix(".0").map_or(t.clone(), str::to_owned)
}

/// A stage for people: `Shown`, `Step 2` (`step:1`), `Task 1` (`task:0`).
pub(crate) fn stage_label(stage: &str) -> String {
    match stage.split_once(':') {
        Some((kind, n)) => format!(
            "{} {}",
            status_label(kind),
            n.parse::<u64>()
                .map_or_else(|_| n.to_owned(), |n| (n + 1).to_string())
        ),
        None => status_label(stage),
    }
}

/// A table: its accessible caption, its columns and its rows, as texts (what the page shows
/// and its CSV export holds).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Grid {
    /// Names the table (its caption, its CSV file, its Export button).
    pub(crate) name: String,
    /// The header cells.
    pub(crate) columns: Vec<String>,
    /// The columns of free text from users or the vendor's app (ids, comments): never read
    /// as a formula by a spreadsheet.
    pub(crate) text: &'static [usize],
    /// The rows.
    pub(crate) rows: Vec<Vec<String>>,
}

/// Header cells from texts.
pub(crate) fn cols(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// The overview's table: one row per campaign.
pub(crate) fn overview_grid(o: &ResultsOverview) -> Grid {
    let row = |c: &OverviewRow| {
        let mut daily = String::new();
        for (i, n) in c.shown_daily.iter().enumerate() {
            if i > 0 {
                daily.push(' ');
            }
            daily.push_str(&n.to_string());
        }
        vec![
            c.campaign.clone(),
            status_label(&c.status),
            c.shown.to_string(),
            ratio(c.clicked, c.shown),
            if c.has_goal {
                ratio(c.converted, c.shown)
            } else {
                "—".to_owned()
            },
            daily,
        ]
    };
    Grid {
        name: "Campaigns".into(),
        text: &[0],
        columns: cols(&[
            "Campaign",
            "Status",
            "Shown",
            "CTR",
            "Goal rate",
            "Shown per day",
        ]),
        rows: o.campaigns.iter().map(row).collect(),
    }
}

/// The users of `stage` in a funnel.
pub(crate) fn users(funnel: &[Stage], stage: &str) -> u64 {
    funnel
        .iter()
        .find(|s| s.stage == stage)
        .map_or(0, |s| s.users)
}

/// The funnel: each stage's users and count, as shares of the users targeted and shown.
pub(crate) fn funnel_grid(funnel: &[Stage]) -> Grid {
    let (targeted, shown) = (users(funnel, "targeted"), users(funnel, "shown"));
    Grid {
        name: "Funnel".into(),
        text: &[],
        columns: cols(&["Stage", "Users", "Count", "% of targeted", "% of shown"]),
        rows: funnel
            .iter()
            .map(|s| {
                vec![
                    stage_label(&s.stage),
                    s.users.to_string(),
                    s.count.to_string(),
                    ratio(s.users, targeted),
                    // The users targeted are not a part of those shown.
                    if s.stage == "targeted" {
                        "—".to_owned()
                    } else {
                        ratio(s.users, shown)
                    },
                ]
            })
            .collect(),
    }
}

/// The warning of a sample-ratio mismatch.
pub(crate) fn srm_warning(p: f64) -> String {
    format!(
        "Sample ratio mismatch: the arms' sizes do not match their weights (p {}). \
         The split is broken, so there is no verdict: check how the campaign is delivered.",
        if p < 0.001 {
            "< 0.001".to_owned()
        } else {
            format!("= {p:.3}")
        }
    )
}

/// Tour steps or checklist tasks: users reaching each, as a share of the users shown.
pub(crate) fn steps_grid(steps: &[Stage], shown: u64) -> Grid {
    Grid {
        name: "Steps".into(),
        text: &[],
        columns: cols(&["Step", "Users", "% of shown"]),
        rows: steps
            .iter()
            .map(|s| {
                vec![
                    stage_label(&s.stage),
                    s.users.to_string(),
                    ratio(s.users, shown),
                ]
            })
            .collect(),
    }
}

/// One row per day.
pub(crate) fn daily_grid(daily: &[DailyResult]) -> Grid {
    Grid {
        name: "Daily".into(),
        text: &[],
        columns: cols(&["Day", "Shown", "Clicked", "Dismissed", "Converted"]),
        rows: daily
            .iter()
            .map(|d| {
                let mut row = vec![day_text(d.day)];
                row.extend(DAILY_SERIES.iter().map(|(_, _, f)| f(d).to_string()));
                row
            })
            .collect(),
    }
}

/// The experiment's arms, control first.
pub(crate) fn arms_grid(arms: &[ArmResult]) -> Grid {
    Grid {
        name: "Arms".into(),
        text: &[0],
        columns: cols(&[
            "Arm",
            "Weight",
            "Exposed",
            "Converted",
            "Rate (95% interval)",
            "Absolute lift (95% interval)",
            "Relative lift (95% interval)",
            "Chance to beat control",
            "p-value",
        ]),
        rows: arms
            .iter()
            .map(|a| {
                vec![
                    a.arm.clone(),
                    format!("{}%", plain(a.weight)),
                    a.exposed.to_string(),
                    a.converted.to_string(),
                    estimate(a.rate.as_ref(), false, false),
                    estimate(a.lift.as_ref(), true, true),
                    estimate(a.relative_lift.as_ref(), true, false),
                    a.chance_to_beat
                        .map_or_else(|| "—".to_owned(), |c| percent(c, false)),
                    p_value(a.p_value),
                ]
            })
            .collect(),
    }
}

/// `%promoters − %detractors`, when anyone answered.
fn nps(promoters: i64, passives: i64, detractors: i64) -> String {
    let all = promoters + passives + detractors;
    if all <= 0 {
        return "—".to_owned();
    }
    plain(((promoters - detractors) * 1000 / all) as f64 / 10.0)
}

/// The survey's answers in range.
pub(crate) fn survey_grid(s: &SurveyResult) -> Grid {
    Grid {
        name: "Answers".into(),
        text: &[],
        columns: cols(&[
            "NPS",
            "Promoters",
            "Passives",
            "Detractors",
            "Response rate",
        ]),
        rows: vec![vec![
            s.nps.map_or_else(|| "—".to_owned(), plain),
            s.promoters.to_string(),
            s.passives.to_string(),
            s.detractors.to_string(),
            s.response_rate
                .map_or_else(|| "—".to_owned(), |r| percent(r, false)),
        ]],
    }
}

/// The survey's answers by week.
pub(crate) fn weekly_grid(s: &SurveyResult) -> Grid {
    Grid {
        name: "Weekly answers".into(),
        text: &[],
        columns: cols(&["Week of", "Promoters", "Passives", "Detractors", "NPS"]),
        rows: s
            .weekly
            .iter()
            .map(|[day, p, n, d]| {
                vec![
                    day_text(*day),
                    p.to_string(),
                    n.to_string(),
                    d.to_string(),
                    nps(*p, *n, *d),
                ]
            })
            .collect(),
    }
}

/// An instant as `YYYY-MM-DD HH:MM` (UTC).
fn instant(ms: i64) -> String {
    let rest = ms.rem_euclid(DAY_MS) / 60_000;
    format!(
        "{} {:02}:{:02}",
        day_text(day_of_ms(ms)),
        rest / 60,
        rest % 60
    )
}

/// The latest comments, newest first.
pub(crate) fn comments_grid(comments: &[Comment]) -> Grid {
    Grid {
        name: "Comments".into(),
        text: &[2, 3, 4],
        columns: cols(&["When (UTC)", "Score", "Comment", "User", "Account"]),
        rows: comments
            .iter()
            .map(|c| {
                vec![
                    instant(c.at),
                    c.score.to_string(),
                    c.comment.clone(),
                    c.user_id.clone(),
                    c.account_id.clone(),
                ]
            })
            .collect(),
    }
}

/// Comments shown per page.
pub(crate) const COMMENTS_PAGE: usize = 20;

/// Which comments a page shows, and its words: `21–40 of 57`.
pub(crate) fn comments_page(total: usize, page: usize) -> (usize, usize, String) {
    let start = (page * COMMENTS_PAGE).min(total);
    let end = (start + COMMENTS_PAGE).min(total);
    (start, end, format!("{}–{end} of {total}", start + 1))
}

/// A CSV cell: quoted when it must be; free `text` starting with `=`, `+`, `-`, `@`, a tab or
/// a carriage return gets a leading `'`, so that a spreadsheet never runs it as a formula.
fn csv_cell(out: &mut String, cell: &str, text: bool) {
    let formula = text && cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = formula || cell.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    out.push_str(&cell.replace('"', "\"\""));
    if quote {
        out.push('"');
    }
}

/// The grid as CSV (RFC 4180: comma-separated, CRLF line ends, a header line).
pub(crate) fn csv(grid: &Grid) -> String {
    let mut out = String::new();
    let header = grid.columns.clone();
    for row in std::iter::once(&header).chain(&grid.rows) {
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            csv_cell(&mut out, cell, grid.text.contains(&i));
        }
        out.push_str("\r\n");
    }
    out
}

/// A CSV file's name: `welcome-funnel-2026-11-02-2026-12-01.csv`.
pub(crate) fn file_name(prefix: &str, grid: &Grid, (from, to): (i64, i64)) -> String {
    let mut name = String::new();
    for c in format!("{prefix}-{}", grid.name).chars() {
        name.push(if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            c.to_ascii_lowercase()
        } else {
            '-'
        });
    }
    format!("{name}-{}-{}.csv", day_text(from), day_text(to))
}

/// The lowest and highest of `values` (0 and 0 when there are none).
fn bounds(values: impl Iterator<Item = u64> + Clone) -> (u64, u64) {
    (values.clone().min().unwrap_or(0), values.max().unwrap_or(0))
}

/// A sparkline in a 100 × 20 box: its polyline's points (the top is the highest value, the
/// bottom 0) and its summary (`shown per day, 0 to 12`).
pub(crate) fn sparkline(values: &[u64]) -> (String, String) {
    let (low, high) = bounds(values.iter().copied());
    let mut points = String::new();
    let step = 100.0 / (values.len().max(2) - 1) as f64;
    for (i, v) in values.iter().enumerate() {
        let y = if high == 0 {
            19.0
        } else {
            19.0 - 18.0 * *v as f64 / high as f64
        };
        if i > 0 {
            points.push(' ');
        }
        points.push_str(&format!("{},{}", plain(i as f64 * step), plain(y)));
    }
    (points, format!("shown per day, {low} to {high}"))
}

/// A series of the daily chart: its name, its colour, the value of a day.
pub(crate) type Series = (&'static str, &'static str, fn(&DailyResult) -> u64);

/// The daily chart's series (`console.css` colours the legend alike).
pub(crate) const DAILY_SERIES: [Series; 4] = [
    ("Shown", "#3b82f6", |d| d.shown),
    ("Clicked", "#16a34a", |d| d.clicked),
    ("Dismissed", "#d97706", |d| d.dismissed),
    ("Converted", "#db2777", |d| d.converted),
];

/// The daily chart's data, as the console's chart script takes it:
/// `{"x":[days…],"series":[{"label":…,"color":…,"values":[…]},…]}`.
pub(crate) fn chart_spec(daily: &[DailyResult]) -> String {
    let list =
        |f: &dyn Fn(&DailyResult) -> String| daily.iter().map(f).collect::<Vec<_>>().join(",");
    let series: Vec<String> = DAILY_SERIES
        .iter()
        .map(|(label, color, v)| {
            format!(
                r#"{{"label":"{label}","color":"{color}","values":[{}]}}"#,
                list(&|d| v(d).to_string())
            )
        })
        .collect();
    format!(
        r#"{{"x":[{}],"series":[{}]}}"#,
        list(&|d| d.day.to_string()),
        series.join(",")
    )
}

/// The daily chart's summary, for its `aria-label`.
pub(crate) fn chart_label(daily: &[DailyResult]) -> String {
    let (Some(first), Some(last)) = (daily.first(), daily.last()) else {
        return "Users per day: no days in range.".to_owned();
    };
    let parts: Vec<String> = DAILY_SERIES
        .iter()
        .map(|(label, _, v)| {
            let (low, high) = bounds(daily.iter().map(v));
            format!("{} {low} to {high}", label.to_ascii_lowercase())
        })
        .collect();
    format!(
        "Users per day from {} to {}: {}.",
        day_text(first.day),
        day_text(last.day),
        parts.join(", ")
    )
}

/// Whether a campaign's results have any figure at all.
pub(crate) fn is_empty(r: &CampaignResults) -> bool {
    r.updated_at.is_none() && r.funnel.iter().all(|s| s.users == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_print_and_parse_as_utc_dates() {
        assert_eq!(day_text(0), "1970-01-01");
        assert_eq!(day_text(20_453), "2025-12-31");
        assert_eq!(day_text(-1), "1969-12-31");
        for day in [-800, 0, 59, 10_957, 20_453, 20_454, 24_000] {
            assert_eq!(day_of(&day_text(day)), Some(day));
        }
        for bad in ["", "2026", "2026-13-01", "2026-02-30", "2026-1-x", "today"] {
            assert_eq!(day_of(bad), None, "{bad}");
        }
        assert_eq!(day_of_ms(86_399_999), 0);
        assert_eq!(day_of_ms(-1), -1);
    }

    #[test]
    fn ranges_come_from_presets_and_stay_ordered() {
        assert_eq!(preset(100, 7), (94, 100));
        assert_eq!(preset(100, 30), (71, 100));
        assert_eq!(with_end((10, 20), true, 15), (15, 20));
        assert_eq!(with_end((10, 20), true, 25), (25, 25));
        assert_eq!(with_end((10, 20), false, 5), (5, 5));
        assert_eq!(with_end((10, 20), false, 30), (10, 30));
        assert_eq!(query((20_424, 20_453)), "?from=2025-12-02&to=2025-12-31");
    }

    #[test]
    fn freshness_is_worded() {
        let now = 1_000 * DAY_MS;
        assert_eq!(ago(now, None), "No data yet.");
        assert_eq!(
            ago(now, Some(now - 30_000)),
            "Updated less than a minute ago."
        );
        assert_eq!(
            ago(now, Some(now + 30_000)),
            "Updated less than a minute ago."
        );
        assert_eq!(ago(now, Some(now - 7 * 60_000)), "Updated 7 min ago.");
        assert_eq!(ago(now, Some(now - 5 * 3_600_000)), "Updated 5 h ago.");
        assert_eq!(ago(now, Some(now - 3 * DAY_MS)), "Updated 3 days ago.");
    }

    #[test]
    fn figures_are_worded() {
        assert_eq!(ratio(1, 8), "12.5%");
        assert_eq!(ratio(0, 8), "0.0%");
        assert_eq!(ratio(3, 0), "—");
        assert_eq!(percent(-0.00001, true), "0.0%");
        assert_eq!(percent(0.021, true), "+2.1%");
        assert_eq!(percent(-0.021, true), "-2.1%");
        let e = Estimate {
            value: Some(0.021),
            low: -0.005,
            high: 0.047,
        };
        assert_eq!(
            estimate(Some(&e), true, true),
            "+2.1 pp (-0.5 pp to +4.7 pp)"
        );
        assert_eq!(estimate(Some(&e), false, false), "2.1% (-0.5% to 4.7%)");
        let undefined = Estimate {
            value: None,
            low: 0.0,
            high: f64::INFINITY,
        };
        assert_eq!(estimate(Some(&undefined), true, false), "— (0.0% to —)");
        assert_eq!(estimate(None, true, false), "—");
        assert_eq!(p_value(Some(0.0004)), "< 0.001");
        assert_eq!(p_value(Some(0.04)), "0.040");
        assert!(srm_warning(0.0001).contains("(p < 0.001)"));
        assert!(srm_warning(0.0123).contains("(p = 0.012)"));
        assert_eq!(plain(50.0), "50");
        assert_eq!(plain(33.333), "33.3");
        assert_eq!(stage_label("targeted"), "Targeted");
        assert_eq!(stage_label("step:0"), "Step 1");
        assert_eq!(stage_label("task:2"), "Task 3");
        assert_eq!(nps(5, 3, 2), "30");
        assert_eq!(nps(0, 0, 0), "—");
        assert_eq!(
            instant(DAY_MS + 3_600_000 * 13 + 60_000 * 5),
            "1970-01-02 13:05"
        );
    }

    fn experiment() -> CampaignResults {
        let est = |v, l, h| Estimate {
            value: Some(v),
            low: l,
            high: h,
        };
        CampaignResults {
            campaign: "increase".into(),
            from_day: 20_452,
            to_day: 20_453,
            updated_at: Some(0),
            goal: Some("expense_approved within 14 days".into()),
            funnel: vec![
                Stage {
                    stage: "targeted".into(),
                    users: 40,
                    count: 40,
                },
                Stage {
                    stage: "shown".into(),
                    users: 20,
                    count: 31,
                },
                Stage {
                    stage: "clicked".into(),
                    users: 5,
                    count: 5,
                },
            ],
            daily: vec![
                DailyResult {
                    day: 20_452,
                    shown: 12,
                    clicked: 3,
                    dismissed: 1,
                    converted: 2,
                },
                DailyResult {
                    day: 20_453,
                    shown: 8,
                    clicked: 2,
                    dismissed: 0,
                    converted: 4,
                },
            ],
            arms: vec![
                ArmResult {
                    arm: "control".into(),
                    weight: 50.0,
                    exposed: 20,
                    converted: 2,
                    rate: Some(est(0.1, 0.028, 0.301)),
                    ..ArmResult::default()
                },
                ArmResult {
                    arm: "treatment".into(),
                    weight: 50.0,
                    exposed: 20,
                    converted: 6,
                    rate: Some(est(0.3, 0.145, 0.519)),
                    lift: Some(est(0.2, -0.04, 0.44)),
                    relative_lift: Some(est(2.0, -0.3, 12.5)),
                    chance_to_beat: Some(0.94),
                    p_value: Some(0.21),
                },
            ],
            verdict: Some("Keep going.".into()),
            ..CampaignResults::default()
        }
    }

    #[test]
    fn tables_hold_what_the_page_shows() {
        let r = experiment();
        let funnel = funnel_grid(&r.funnel);
        assert_eq!(
            funnel.rows[1],
            ["Shown", "20", "31", "50.0%", "100.0%"].map(String::from)
        );
        assert_eq!(funnel.rows[0][3..], ["100.0%", "—"].map(String::from));
        assert_eq!(funnel.rows[2][3..], ["12.5%", "25.0%"].map(String::from));
        let arms = arms_grid(&r.arms);
        assert_eq!(
            arms.rows[0],
            [
                "control",
                "50%",
                "20",
                "2",
                "10.0% (2.8% to 30.1%)",
                "—",
                "—",
                "—",
                "—"
            ]
            .map(String::from)
        );
        assert_eq!(
            arms.rows[1][4..],
            [
                "30.0% (14.5% to 51.9%)",
                "+20.0 pp (-4.0 pp to +44.0 pp)",
                "+200.0% (-30.0% to +1250.0%)",
                "94.0%",
                "0.210"
            ]
            .map(String::from)
        );
        let daily = daily_grid(&r.daily);
        assert_eq!(
            daily.rows[0],
            ["2025-12-30", "12", "3", "1", "2"].map(String::from)
        );
        assert_eq!(
            steps_grid(
                &[Stage {
                    stage: "step:1".into(),
                    users: 5,
                    count: 5
                }],
                20
            )
            .rows,
            [["Step 2", "5", "25.0%"].map(String::from)]
        );
        let overview = overview_grid(&ResultsOverview {
            campaigns: vec![
                OverviewRow {
                    campaign: "welcome".into(),
                    status: "live".into(),
                    shown: 8,
                    clicked: 2,
                    converted: 1,
                    has_goal: false,
                    shown_daily: vec![3, 0, 5],
                },
                OverviewRow {
                    campaign: "increase".into(),
                    status: "paused".into(),
                    shown: 0,
                    has_goal: true,
                    ..OverviewRow::default()
                },
            ],
            ..ResultsOverview::default()
        });
        assert_eq!(
            overview.rows,
            [
                ["welcome", "Live", "8", "25.0%", "—", "3 0 5"].map(String::from),
                ["increase", "Paused", "0", "—", "—", ""].map(String::from)
            ]
        );
    }

    #[test]
    fn surveys_are_tabled_and_comments_paged() {
        let s = SurveyResult {
            promoters: 5,
            passives: 3,
            detractors: 2,
            nps: Some(30.0),
            response_rate: Some(0.25),
            weekly: vec![[20_451, 5, 3, 2]],
            comments: vec![Comment {
                account_id: "a1".into(),
                user_id: "u1".into(),
                score: 9,
                comment: "=HYPERLINK(\"x\")".into(),
                at: 0,
            }],
            ..SurveyResult::default()
        };
        assert_eq!(
            survey_grid(&s).rows,
            [["30", "5", "3", "2", "25.0%"].map(String::from)]
        );
        assert_eq!(
            weekly_grid(&s).rows,
            [["2025-12-29", "5", "3", "2", "30"].map(String::from)]
        );
        let comments = comments_grid(&s.comments);
        assert_eq!(
            csv(&comments),
            "When (UTC),Score,Comment,User,Account\r\n\
             1970-01-01 00:00,9,\"'=HYPERLINK(\"\"x\"\")\",u1,a1\r\n"
        );
        assert_eq!(comments_page(57, 0), (0, 20, "1–20 of 57".into()));
        assert_eq!(comments_page(57, 2), (40, 57, "41–57 of 57".into()));
        assert_eq!(comments_page(0, 0).2, "1–0 of 0");
    }

    #[test]
    fn csv_quotes_what_it_must_and_keeps_numbers() {
        let g = Grid {
            name: "Funnel".into(),
            columns: cols(&["text", "figure"]),
            text: &[0],
            rows: vec![
                vec!["x,y".into(), "-2.1%".into()],
                vec!["-1+1".into(), "line\nbreak".into()],
                vec!["+1".into(), "+2.0 pp (-1.0 pp to +5.0 pp)".into()],
                vec!["@me".into(), "=1".into()],
            ],
        };
        assert_eq!(
            csv(&g),
            "text,figure\r\n\"x,y\",-2.1%\r\n\"'-1+1\",\"line\nbreak\"\r\n\
             \"'+1\",+2.0 pp (-1.0 pp to +5.0 pp)\r\n\"'@me\",=1\r\n"
        );
        assert_eq!(
            file_name("Big approval!", &g, (20_452, 20_453)),
            "big-approval--funnel-2025-12-30-2025-12-31.csv"
        );
    }

    #[test]
    fn sparklines_and_the_chart_summarise_their_data() {
        let (points, label) = sparkline(&[0, 6, 12]);
        assert_eq!(points, "0,19 50,10 100,1");
        assert_eq!(label, "shown per day, 0 to 12");
        assert_eq!(sparkline(&[0, 0]).0, "0,19 100,19");
        assert_eq!(sparkline(&[4]).0, "0,1");
        assert_eq!(
            sparkline(&[]),
            (String::new(), "shown per day, 0 to 0".into())
        );
        let r = experiment();
        assert_eq!(
            chart_spec(&r.daily),
            r##"{"x":[20452,20453],"series":[{"label":"Shown","color":"#3b82f6","values":[12,8]},{"label":"Clicked","color":"#16a34a","values":[3,2]},{"label":"Dismissed","color":"#d97706","values":[1,0]},{"label":"Converted","color":"#db2777","values":[2,4]}]}"##
        );
        assert_eq!(
            chart_label(&r.daily),
            "Users per day from 2025-12-30 to 2025-12-31: shown 8 to 12, clicked 2 to 3, \
             dismissed 0 to 1, converted 2 to 4."
        );
        assert!(serde_json::from_str::<serde_json::Value>(&chart_spec(&r.daily)).is_ok());
        assert!(!is_empty(&r));
        assert!(is_empty(&CampaignResults::default()));
    }
}
