//! The workspace analytics Durable Object (SQLite), the gateway that calls it, and the Queue
//! consumers: rollup messages are applied per workspace; dead-lettered ones are kept there
//! for a replay.

use std::cell::Cell;

use protocol::v1::{
    AnalyticsStats, CampaignRow, Portfolio, RollupBatch, RollupMessage, RollupTotals, to_json,
};
use worker::{
    DurableObject, Env, MessageBatch, MessageExt, Method, ObjectNamespace, Request, RequestInit,
    Response, SqlStorage, State, durable_object,
};

use super::sql::{SqlWorkspace, migrate};
use super::workspace::{WorkspaceStore, apply};
use crate::error::AppError;

/// The Queue carrying rollup messages, and its dead-letter queue.
pub const QUEUE: &str = "cairn-analytics";
/// Where messages go after their last retry.
pub const DEAD_QUEUE: &str = "cairn-analytics-dead";

/// Comments returned with a campaign's totals.
const COMMENTS: usize = 200;

/// One workspace's rollups.
#[durable_object]
pub struct WorkspaceAnalytics {
    sql: SqlStorage,
    ready: Result<(), String>,
    /// Deliveries to fail (test installs only; see `CAIRN_TEST_HOOKS`).
    fail_next: Cell<u32>,
    test_hooks: bool,
    /// Since the object started: messages, units applied, rows written.
    stats: Cell<AnalyticsStats>,
}

impl std::fmt::Debug for WorkspaceAnalytics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkspaceAnalytics")
            .field("ready", &self.ready)
            .finish_non_exhaustive()
    }
}

/// Whether the install enables test hooks (`CAIRN_TEST_HOOKS=1`, set by the test runner).
pub fn test_hooks(env: &Env) -> bool {
    env.var("CAIRN_TEST_HOOKS")
        .map(|v| v.to_string() == "1")
        .unwrap_or(false)
}

impl DurableObject for WorkspaceAnalytics {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        let ready = migrate(&sql).map_err(|e| e.to_string());
        Self {
            sql,
            ready,
            fail_next: Cell::new(0),
            test_hooks: test_hooks(&env),
            stats: Cell::new(AnalyticsStats::default()),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        if let Err(e) = &self.ready {
            worker::console_error!("analytics schema: {e}");
            return Response::error("analytics storage unavailable", 500);
        }
        let url = req.url()?;
        let param = |name: &str| crate::query_param(&url, name);
        let day = |name: &str, default: i64| {
            param(name)
                .and_then(|d| d.parse::<i64>().ok())
                .unwrap_or(default)
        };
        let mut store = SqlWorkspace::new(&self.sql);
        let result: Result<String, AppError> = match (req.method(), req.path().as_str()) {
            (Method::Post, "/apply") => {
                let body = req.text().await?;
                if self.fail_next.get() > 0 {
                    self.fail_next.set(self.fail_next.get() - 1);
                    return Response::error("failing on purpose (test hook)", 500);
                }
                let result = RollupBatch::from_json(&body)
                    .map_err(AppError::from)
                    .and_then(|batch| {
                        let mut applied = 0;
                        for m in &batch.messages {
                            applied += apply(&mut store, m)?;
                        }
                        Ok((batch.messages.len() as u64, u64::from(applied)))
                    });
                if let Ok((messages, units)) = &result {
                    let mut s = self.stats.get();
                    s.messages += messages;
                    s.units_applied += units;
                    s.rows_written += store.written();
                    self.stats.set(s);
                }
                result.map(|(_, units)| units.to_string())
            }
            (Method::Post, "/fail") if self.test_hooks => {
                self.fail_next
                    .set(param("n").and_then(|n| n.parse().ok()).unwrap_or(0));
                Ok(String::new())
            }
            (Method::Post, "/dead") => {
                let body = req.text().await?;
                let id = param("id").unwrap_or_default();
                let now = worker::Date::now().as_millis() as i64;
                store.add_dead(&id, &body, now).map(|()| String::new())
            }
            (Method::Post, "/replay") => store.take_dead().map(|bodies| {
                let messages = bodies
                    .iter()
                    .filter_map(|b| RollupMessage::from_json(b).ok())
                    .collect();
                to_json(&RollupBatch { messages })
            }),
            (Method::Get, "/dead") => store.dead_count().map(|n| n.to_string()),
            (Method::Get, "/stats") => Ok(to_json(&self.stats.get())),
            (Method::Get, "/totals") => {
                let campaign = param("campaign").unwrap_or_default();
                let (from, to) = (day("from", i64::MIN), day("to", i64::MAX));
                let all_time = param("all_time").as_deref() == Some("1");
                totals(&store, &campaign, from, to, all_time).map(|t| to_json(&t))
            }
            (Method::Get, "/portfolio") => {
                let since = day("since", i64::MIN);
                store.portfolio(since).map(|accounts| {
                    let updated_at = accounts.iter().map(|a| a.updated_at).max();
                    to_json(&Portfolio {
                        updated_at,
                        accounts,
                        tiers: Vec::new(),
                    })
                })
            }
            (Method::Get, "/overview") => {
                let (from, to) = (day("from", i64::MIN), day("to", i64::MAX));
                overview(&store, from, to).map(|t| to_json(&t))
            }
            _ => return Response::error("no such analytics route", 404),
        };
        match result {
            Ok(text) => Response::ok(text),
            Err(e) => {
                worker::console_error!("analytics object: {e}");
                Response::error(e.to_string(), 500)
            }
        }
    }
}

/// A campaign's rows summed over accounts, with its comments.
pub fn totals<S: WorkspaceStore>(
    store: &S,
    campaign: &str,
    from: i64,
    to: i64,
    all_time: bool,
) -> Result<RollupTotals, AppError> {
    let all_time = if all_time {
        store
            .sums(Some(campaign), i64::MIN, i64::MAX)?
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    } else {
        Vec::new()
    };
    Ok(RollupTotals {
        all_time,
        rows: store
            .sums(Some(campaign), from, to)?
            .into_iter()
            .map(|(_, r)| r)
            .collect(),
        accounts: store.accounts(campaign, from, to)?,
        updated_at: store.updated_at(Some(campaign))?,
        comments: store.comments(campaign, from, to, COMMENTS)?,
        by_campaign: Vec::new(),
    })
}

/// Every campaign's shown, clicked and converted rows.
pub fn overview<S: WorkspaceStore>(
    store: &S,
    from: i64,
    to: i64,
) -> Result<RollupTotals, AppError> {
    Ok(RollupTotals {
        by_campaign: store
            .sums(None, from, to)?
            .into_iter()
            .filter(|(_, r)| matches!(r.metric.as_str(), "shown" | "clicked" | "converted"))
            .map(|(campaign, row)| CampaignRow { campaign, row })
            .collect(),
        updated_at: store.updated_at(None)?,
        ..RollupTotals::default()
    })
}

/// Reaches workspace analytics objects through the `ANALYTICS` namespace.
#[derive(Debug)]
pub struct DurableWorkspaces {
    ns: ObjectNamespace,
}

impl DurableWorkspaces {
    /// Wraps the namespace binding.
    pub fn new(ns: ObjectNamespace) -> Self {
        Self { ns }
    }

    /// Calls the workspace's object.
    pub async fn call(
        &self,
        workspace_id: &str,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<String, AppError> {
        let stub = self.ns.id_from_name(workspace_id)?.get_stub()?;
        let mut init = RequestInit::new();
        init.with_method(method);
        if let Some(b) = body {
            init.with_body(Some(b.into()));
        }
        let req = Request::new_with_init(&format!("https://analytics.internal{path}"), &init)?;
        let mut resp = stub.fetch_with_request(req).await?;
        let text = resp.text().await?;
        if resp.status_code() != 200 {
            return Err(AppError::Internal(format!(
                "analytics object answered {}: {text}",
                resp.status_code()
            )));
        }
        Ok(text)
    }

    /// A campaign's totals for days `from..=to` (and over all days, with `all_time`).
    pub async fn totals(
        &self,
        workspace_id: &str,
        campaign: &str,
        (from, to): (i64, i64),
        all_time: bool,
    ) -> Result<RollupTotals, AppError> {
        let path = format!(
            "/totals?campaign={}&from={from}&to={to}&all_time={}",
            crate::encode_component(campaign),
            u8::from(all_time)
        );
        let text = self.call(workspace_id, Method::Get, &path, None).await?;
        Ok(RollupTotals::from_json(&text)?)
    }

    /// Every account's summary, riskiest first, with its score by day since `since_day`.
    pub async fn portfolio(
        &self,
        workspace_id: &str,
        since_day: i64,
    ) -> Result<Portfolio, AppError> {
        let path = format!("/portfolio?since={since_day}");
        let text = self.call(workspace_id, Method::Get, &path, None).await?;
        Ok(Portfolio::from_json(&text)?)
    }

    /// Every campaign's totals for days `from..=to`.
    pub async fn overview(
        &self,
        workspace_id: &str,
        from: i64,
        to: i64,
    ) -> Result<RollupTotals, AppError> {
        let path = format!("/overview?from={from}&to={to}");
        let text = self.call(workspace_id, Method::Get, &path, None).await?;
        Ok(RollupTotals::from_json(&text)?)
    }
}

/// The Queue consumer: rollup messages are applied, one call per workspace; a failed call
/// retries its messages (after the last retry they go to the dead-letter queue). Messages
/// of the dead-letter queue are kept in their workspace's object for a replay.
pub async fn consume(batch: MessageBatch<String>, env: &Env) -> worker::Result<()> {
    let workspaces = DurableWorkspaces::new(env.durable_object("ANALYTICS")?);
    let dead = batch.queue() == DEAD_QUEUE;
    let messages = batch.messages()?;
    let mut groups: Vec<(String, Vec<usize>, Vec<RollupMessage>)> = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let parsed = match RollupMessage::from_json(m.body()) {
            Ok(p) => p,
            Err(p) => {
                // Kept in the queue's retries and then the dead-letter queue's log, never
                // silently acknowledged.
                worker::console_error!("unreadable rollup message {}: {p}", m.id());
                if dead {
                    m.ack();
                } else {
                    m.retry();
                }
                continue;
            }
        };
        if dead {
            let path = format!("/dead?id={}", crate::encode_component(&m.id()));
            match workspaces
                .call(
                    &parsed.workspace_id,
                    Method::Post,
                    &path,
                    Some(m.body().clone()),
                )
                .await
            {
                Ok(_) => m.ack(),
                Err(e) => {
                    worker::console_error!("keeping a dead rollup message: {e}");
                    m.retry();
                }
            }
            continue;
        }
        match groups.iter_mut().find(|(w, ..)| *w == parsed.workspace_id) {
            Some((_, idx, list)) => {
                idx.push(i);
                list.push(parsed);
            }
            None => groups.push((parsed.workspace_id.clone(), vec![i], vec![parsed])),
        }
    }
    for (workspace, idx, list) in groups {
        let body = to_json(&RollupBatch { messages: list });
        let outcome = workspaces
            .call(&workspace, Method::Post, "/apply", Some(body))
            .await;
        for i in idx {
            if let Some(m) = messages.get(i) {
                match &outcome {
                    Ok(_) => m.ack(),
                    Err(_) => m.retry(),
                }
            }
        }
        if let Err(e) = outcome {
            worker::console_error!("applying rollups of {workspace}: {e}");
        }
    }
    Ok(())
}
