//! The results use cases: a campaign's results and the workspace overview, read from the
//! workspace analytics object only (never from account objects).

use protocol::ErrorCode;
use protocol::v1::{CampaignDoc, CampaignResults, OverviewRow, ResultsOverview, parse_day};

use super::object::DurableWorkspaces;
use super::results::results;
use crate::error::AppError;

/// Days shown when the request names no range.
pub const DEFAULT_DAYS: i64 = 30;

/// The longest range a request may ask for (trends use up to 400 days).
pub const MAX_DAYS: i64 = 400;

/// The day range of `from` and `to` (`YYYY-MM-DD`, inclusive); the last 30 days by default.
pub fn day_range(from: Option<&str>, to: Option<&str>, today: i64) -> Result<(i64, i64), AppError> {
    fn given(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    let to_day = match given(to) {
        Some(t) => parse_day("to", t)?,
        None => today,
    };
    let from_day = match given(from) {
        Some(f) => parse_day("from", f)?,
        None => to_day - (DEFAULT_DAYS - 1),
    };
    if from_day > to_day {
        return Err(AppError::problem(
            ErrorCode::InvalidValue,
            "from",
            "must not be after `to`",
        ));
    }
    if to_day - from_day >= MAX_DAYS {
        return Err(AppError::problem(
            ErrorCode::InvalidValue,
            "from",
            "a range of at most 400 days",
        ));
    }
    Ok((from_day, to_day))
}

/// A campaign's results for days `from..=to`; `doc` (its current document) names the arms
/// and the goal.
pub async fn campaign_results(
    workspaces: &DurableWorkspaces,
    workspace_id: &str,
    campaign: &str,
    doc: Option<&CampaignDoc>,
    (from, to): (i64, i64),
) -> Result<CampaignResults, AppError> {
    // Experiments and adoption are judged on all their data, whatever the range.
    let all_time_needed = doc.is_some_and(|d| {
        d.experiment.is_some()
            || (d.category == protocol::v1::CategoryDto::Announcement && d.goal.is_some())
    });
    let mut range = workspaces
        .totals(workspace_id, campaign, (from, to), all_time_needed)
        .await?;
    let all_time = std::mem::take(&mut range.all_time);
    Ok(results(campaign, doc, range, &all_time, from, to))
}

/// The portfolio of `workspace_id` at `now` (ms): every account's health with its 90-day
/// trend, riskiest first, before any filter (`portfolio::apply` filters).
pub async fn portfolio(
    workspaces: &DurableWorkspaces,
    workspace_id: &str,
    now: i64,
) -> Result<protocol::v1::Portfolio, AppError> {
    let today = now.div_euclid(86_400_000);
    workspaces.portfolio(workspace_id, today - 89).await
}

/// One campaign of the overview: (id, status, whether it has a goal).
pub type Listed = (String, String, bool);

/// Every listed campaign's shown, clicked and converted users for days `from..=to`.
pub async fn overview(
    workspaces: &DurableWorkspaces,
    workspace_id: &str,
    campaigns: &[Listed],
    (from, to): (i64, i64),
) -> Result<ResultsOverview, AppError> {
    let totals = workspaces.overview(workspace_id, from, to).await?;
    let days = usize::try_from(to - from + 1).unwrap_or(0);
    let rows = campaigns
        .iter()
        .map(|(id, status, has_goal)| {
            let mut row = OverviewRow {
                campaign: id.clone(),
                status: status.clone(),
                has_goal: *has_goal,
                shown_daily: vec![0; days],
                ..OverviewRow::default()
            };
            for r in totals.by_campaign.iter().filter(|r| r.campaign == *id) {
                let r = &r.row;
                match r.metric.as_str() {
                    "shown" => {
                        row.shown += r.users;
                        if let Some(slot) = usize::try_from(r.day - from)
                            .ok()
                            .and_then(|i| row.shown_daily.get_mut(i))
                        {
                            *slot += r.users;
                        }
                    }
                    "clicked" => row.clicked += r.users,
                    "converted" => row.converted += r.users,
                    _ => {}
                }
            }
            row
        })
        .collect();
    Ok(ResultsOverview {
        from_day: from,
        to_day: to,
        updated_at: totals.updated_at,
        campaigns: rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_default_to_thirty_days_and_refuse_bad_ones() {
        let today = 20_788;
        type Case<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            Result<(i64, i64), &'a str>,
        );
        let cases: [Case<'_>; 6] = [
            (None, None, Ok((20_759, 20_788))),
            (Some("2026-11-01"), Some("2026-11-30"), Ok((20_758, 20_787))),
            (None, Some("2026-11-30"), Ok((20_758, 20_787))),
            (Some("2026-12-02"), Some("2026-12-01"), Err("from")),
            (Some("2025-01-01"), Some("2026-12-01"), Err("from")),
            (Some("yesterday"), None, Err("from")),
        ];
        for (from, to, expected) in cases {
            let got = day_range(from, to, today);
            match (got, expected) {
                (Ok(r), Ok(e)) => assert_eq!(r, e, "{from:?}..{to:?}"),
                (Err(AppError::Rejected(p)), Err(field)) => {
                    assert_eq!(p.field, field, "{from:?}..{to:?}");
                }
                (got, _) => panic!("{from:?}..{to:?}: {got:?}"),
            }
        }
    }
}
