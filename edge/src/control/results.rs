//! The console's results routes: `GET …/{ws}/results` (every campaign of the workspace) and
//! `GET …/{ws}/campaigns/{id}/results` (one campaign), each with `from` and `to`
//! (`YYYY-MM-DD`); and `GET …/{ws}/accounts` (the customer-success portfolio). They read the
//! workspace analytics object only.

use protocol::ErrorCode;
use protocol::v1::control::{CampaignRecord, to_text};
use protocol::v1::{CampaignDoc, parse_campaign};

use super::http::{Incoming, Reply};
use super::lifecycle;
use super::{Cx, WsCx};
use crate::analytics::api::{Listed, campaign_results, day_range, overview, portfolio};
use crate::analytics::object::DurableWorkspaces;
use crate::analytics::portfolio::{Filter, apply};
use crate::error::AppError;

fn workspaces(cx: &Cx<'_>) -> Result<DurableWorkspaces, AppError> {
    cx.workspaces
        .as_ref()
        .map(|ns| DurableWorkspaces::new(ns.clone()))
        .ok_or_else(|| AppError::Internal("no ANALYTICS binding".into()))
}

fn range(cx: &Cx<'_>, req: &Incoming) -> Result<(i64, i64), AppError> {
    day_range(
        req.param("from"),
        req.param("to"),
        cx.now.div_euclid(86_400_000),
    )
}

/// The document results are read against: the live revision, else the newest one.
async fn document(
    cx: &Cx<'_>,
    ws: &str,
    record: &CampaignRecord,
) -> Result<Option<CampaignDoc>, AppError> {
    let number = record
        .live
        .map(|l| l.revision)
        .or_else(|| record.revisions.iter().map(|r| r.number).max());
    let Some(number) = number else {
        return Ok(None);
    };
    let text = cx.store.revision_document(ws, &record.id, number).await?;
    Ok(text
        .as_deref()
        .and_then(|t| parse_campaign(t).ok())
        .map(|(doc, _)| doc))
}

/// `GET …/{ws}/results`: shown, clicked and converted users of every campaign that is not
/// archived, with shown users per day.
pub(super) async fn workspace(cx: &Cx<'_>, w: &WsCx, req: &Incoming) -> Result<Reply, AppError> {
    let range = range(cx, req)?;
    let mut listed: Vec<Listed> = Vec::new();
    for record in cx.store.campaigns(&w.ws.id).await? {
        if record.archived {
            continue;
        }
        let has_goal = document(cx, &w.ws.id, &record)
            .await?
            .is_some_and(|d| d.goal.is_some());
        listed.push((
            record.id.clone(),
            lifecycle::status(&record, false),
            has_goal,
        ));
    }
    let answer = overview(&workspaces(cx)?, &w.ws.id, &listed, range).await?;
    Ok(Reply::json(to_text(&answer)))
}

/// `GET …/{ws}/accounts[?tier=&stage=&colour=&changed_within_days=&csm=&renewal_within_days=]`:
/// the portfolio as the console's tables (the value pyramid, the accounts riskiest first, the
/// renewal review), then touch plans, champions, adoption, churn and break-even over every
/// account.
pub(super) async fn accounts(cx: &Cx<'_>, w: &WsCx, req: &Incoming) -> Result<Reply, AppError> {
    let filter = Filter::from_query(&|name| req.param(name).map(str::to_owned))?;
    let all = portfolio(&workspaces(cx)?, &w.ws.id, cx.now).await?;
    let settings = protocol::v1::parse_settings(&w.ws.settings)
        .map(|(s, _, _)| s)
        .unwrap_or_default();
    // The tables over every account, then the filtered ones (which take the portfolio).
    let traits: Vec<rules::Traits> = all
        .accounts
        .iter()
        .map(|a| a.summary.rules_traits())
        .collect();
    let mut every = vec![crate::analytics::touch::table(
        &all.accounts,
        &traits,
        &settings,
        cx.now,
    )];
    every.push(crate::analytics::people::table(&all.accounts));
    every.extend(crate::analytics::adoption::tables(
        &all.accounts,
        &settings.key_features,
    ));
    every.extend(crate::analytics::churn::tables(
        &all.accounts,
        &traits,
        cx.now,
    ));
    every.push(crate::analytics::advocacy::discover_table(&all.accounts));
    every.push(asks(cx, w).await?);
    every.push(super::import::inputs_table(cx, w).await?);
    let mut view = crate::analytics::portfolio::tables(&apply(all, &filter, cx.now), cx.now);
    view.tables.extend(every);
    Ok(Reply::json(to_text(&view)))
}

/// Days of results behind the advocacy asks' table.
const ASK_DAYS: i64 = 400;

/// The advocacy asks' table: every campaign that makes an ask, with its results over the last
/// [`ASK_DAYS`] days.
async fn asks(cx: &Cx<'_>, w: &WsCx) -> Result<protocol::v1::TableDto, AppError> {
    let mut listed: Vec<Listed> = Vec::new();
    let mut rungs = Vec::new();
    for record in cx.store.campaigns(&w.ws.id).await? {
        let Some(doc) = document(cx, &w.ws.id, &record).await? else {
            continue;
        };
        if let Some(ask) = doc.ask {
            listed.push((
                record.id.clone(),
                lifecycle::status(&record, false),
                doc.goal.is_some(),
            ));
            rungs.push((record.id.clone(), ask.to_ask()));
        }
    }
    let today = cx.now.div_euclid(86_400_000);
    let results = if listed.is_empty() {
        Vec::new()
    } else {
        overview(
            &workspaces(cx)?,
            &w.ws.id,
            &listed,
            (today - ASK_DAYS + 1, today),
        )
        .await?
        .campaigns
    };
    let rows: Vec<(rules::Ask, &protocol::v1::OverviewRow)> = results
        .iter()
        .filter_map(|r| Some((rungs.iter().find(|(id, _)| *id == r.campaign)?.1, r)))
        .collect();
    Ok(crate::analytics::advocacy::asks_table(&rows, ASK_DAYS))
}

/// `GET …/{ws}/campaigns/{id}/adoption`: an announcement's adoption as the console's tables
/// (none for other campaigns).
pub(super) async fn adoption(
    cx: &Cx<'_>,
    w: &WsCx,
    req: &Incoming,
    id: &str,
) -> Result<Reply, AppError> {
    let answer = campaign_answer(cx, w, req, id).await?;
    let view = protocol::v1::TablesView {
        updated_at: answer.updated_at,
        tables: answer
            .adoption
            .iter()
            .map(crate::analytics::results::adoption_table)
            .collect(),
    };
    Ok(Reply::json(to_text(&view)))
}

/// `GET …/{ws}/campaigns/{id}/results`.
pub(super) async fn campaign(
    cx: &Cx<'_>,
    w: &WsCx,
    req: &Incoming,
    id: &str,
) -> Result<Reply, AppError> {
    let answer = campaign_answer(cx, w, req, id).await?;
    Ok(Reply::json(to_text(&answer)))
}

async fn campaign_answer(
    cx: &Cx<'_>,
    w: &WsCx,
    req: &Incoming,
    id: &str,
) -> Result<protocol::v1::CampaignResults, AppError> {
    let range = range(cx, req)?;
    let record = cx.store.campaign(&w.ws.id, id).await?.ok_or_else(|| {
        AppError::problem(
            ErrorCode::UnknownCampaign,
            "campaign",
            "no such campaign in this workspace",
        )
    })?;
    let doc = document(cx, &w.ws.id, &record).await?;
    campaign_results(&workspaces(cx)?, &w.ws.id, id, doc.as_ref(), range).await
}
