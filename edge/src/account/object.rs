//! The account Durable Object (SQLite-backed) and the worker-side gateway that calls it.

use std::cell::{Cell, RefCell};

use protocol::v1::{
    CollabOp, CollabRequest, CollabResult, Delivery, EventExport, ExportPage, IngestRequest,
    IngestResult, PruneReport, RollupOp, RollupSent, StorageReport, to_json,
};
use rules::Timestamp;
use worker::{
    Date, DurableObject, Env, Fetch, Headers, Method, ObjectNamespace, Request, RequestInit,
    Response, SqlStorage, State, durable_object,
};

use super::retention::{self, DEFAULT_MAX_BYTES, Retention};
use super::rollup::RollupStore;
use super::sql::{SqlStore, migrate};
use super::warm::Warm;
use super::{AccountStore, Accounts, ingest, object_name};
use crate::collab::{self, CollabStore};
use crate::error::AppError;

/// Headers naming the workspace and account an object serves (its rollup messages say so).
const WORKSPACE_HEADER: &str = "X-Cairn-Workspace";
const ACCOUNT_HEADER: &str = "X-Cairn-Account";

/// Default delay between a change and the rollup flush that sends it (5 minutes);
/// `CAIRN_ANALYTICS_FLUSH_SECONDS` sets it.
const DEFAULT_FLUSH_SECONDS: i64 = 300;

/// After a failed send, the flush is tried again this much later.
const RETRY_FLUSH_MS: i64 = 30_000;

/// One account's state. Requests to one object are processed one at a time, and each
/// ingest runs without awaiting, so it commits as one SQLite transaction.
#[durable_object]
pub struct AccountObject {
    state: State,
    env: Env,
    sql: SqlStorage,
    ready: Result<(), String>,
    /// (workspace, account), once known.
    ident: RefCell<Option<(String, String)>>,
    /// Events stored, and SQLite rows written by their ingests, since the object started.
    events_written: Cell<u64>,
    rows_written: Cell<u64>,
    /// What decisions read, in memory (loaded once, kept by every write).
    warm: Warm,
}

impl std::fmt::Debug for AccountObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountObject")
            .field("ready", &self.ready)
            .finish_non_exhaustive()
    }
}

impl DurableObject for AccountObject {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        let ready = migrate(&sql).map_err(|e| e.to_string());
        Self {
            state,
            env,
            sql,
            ready,
            ident: RefCell::new(None),
            events_written: Cell::new(0),
            rows_written: Cell::new(0),
            warm: Warm::default(),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        if let Err(e) = &self.ready {
            worker::console_error!("account schema: {e}");
            return Response::error("account storage unavailable", 500);
        }
        if let Err(e) = self.learn_ident(&req) {
            worker::console_error!("account identity: {e}");
        }
        let result = match (req.method(), req.path().as_str()) {
            (Method::Post, "/ingest") => {
                let body = req.text().await?;
                let mut store = SqlStore::new(&self.sql, &self.warm);
                let result = IngestRequest::from_json(&body)
                    .map_err(AppError::from)
                    .and_then(|r| ingest(&mut store, &r))
                    .map(|(result, warnings)| {
                        for w in warnings {
                            worker::console_error!("campaign left out of the decision: {w}");
                        }
                        self.events_written
                            .set(self.events_written.get() + u64::from(result.accepted));
                        (to_json(&result), result.webhooks > 0)
                    });
                self.rows_written
                    .set(self.rows_written.get() + store.written());
                self.schedule_rollup().await;
                // Webhooks just queued go out on the alarm, at once.
                if matches!(result, Ok((_, true))) {
                    self.arm().await;
                }
                result.map(|(json, _)| json)
            }
            (Method::Post, "/rollup") => {
                let url = req.url()?;
                let op = match crate::query_param(&url, "op").as_deref() {
                    Some("backfill") => RollupOp::Backfill,
                    _ => RollupOp::Flush,
                };
                let sent = self.flush_rollup(op == RollupOp::Backfill).await;
                self.arm().await;
                sent.map(|messages| {
                    to_json(&RollupSent {
                        account_id: self.ident().map(|(_, a)| a).unwrap_or_default(),
                        messages,
                    })
                })
            }
            (Method::Get, "/storage") => self.storage().map(|r| to_json(&r)),
            (Method::Post, "/retention") => self.prune().map(|r| to_json(&r)),
            (Method::Get, "/events") => {
                let url = req.url()?;
                let param = |name: &str| crate::query_param(&url, name);
                ExportPage::from_query(param("after").as_deref(), param("limit").as_deref())
                    .map_err(AppError::from)
                    .and_then(|page| SqlStore::new(&self.sql, &self.warm).events(page))
                    .map(|export| to_json(&export))
            }
            (Method::Post, "/collab") => {
                let body = req.text().await?;
                let result = CollabRequest::from_json(&body)
                    .map_err(AppError::from)
                    .and_then(|r| collab::run(&mut SqlStore::new(&self.sql, &self.warm), &r));
                // Webhooks just queued go out on the alarm, at once.
                self.arm().await;
                result.map(|r| to_json(&r))
            }
            _ => return Response::error("no such account route", 404),
        };
        match result {
            Ok(json) => Response::ok(json),
            Err(e) => {
                worker::console_error!("account object: {e}");
                Response::error(e.to_string(), 500)
            }
        }
    }

    async fn alarm(&self) -> worker::Result<Response> {
        if let Err(e) = self.wake().await {
            worker::console_error!("account alarm: {e}");
        }
        let now = Date::now().as_millis() as i64;
        if SqlStore::new(&self.sql, &self.warm)
            .rollup_due()
            .is_ok_and(|due| due.is_some_and(|d| d <= now))
            && let Err(e) = self.flush_rollup(false).await
        {
            worker::console_error!("account rollup flush: {e}");
        }
        if let Err(e) = self.prune_daily(now) {
            worker::console_error!("account retention: {e}");
        }
        self.arm().await;
        Response::ok("")
    }
}

impl AccountObject {
    /// The (workspace, account) this object serves, once a request has said.
    fn ident(&self) -> Option<(String, String)> {
        if self.ident.borrow().is_none() {
            let store = SqlStore::new(&self.sql, &self.warm);
            let known = (
                store.doc("rollup", "workspace").ok().flatten(),
                store.doc("rollup", "account").ok().flatten(),
            );
            if let (Some(w), Some(a)) = known {
                *self.ident.borrow_mut() = Some((w, a));
            }
        }
        self.ident.borrow().clone()
    }

    /// Keeps the workspace and account the gateway names (stored once).
    fn learn_ident(&self, req: &Request) -> Result<(), AppError> {
        if self.ident().is_some() {
            return Ok(());
        }
        let (Some(w), Some(a)) = (
            req.headers().get(WORKSPACE_HEADER)?,
            req.headers().get(ACCOUNT_HEADER)?,
        ) else {
            return Ok(());
        };
        let mut store = SqlStore::new(&self.sql, &self.warm);
        store.put_doc("rollup", "workspace", &w)?;
        store.put_doc("rollup", "account", &a)?;
        *self.ident.borrow_mut() = Some((w, a));
        Ok(())
    }

    /// The storage limits (`CAIRN_RETENTION_DAYS`, `CAIRN_ACCOUNT_MAX_BYTES`).
    fn retention(&self) -> Retention {
        let var = |name: &str| {
            self.env
                .var(name)
                .ok()
                .and_then(|v| v.to_string().parse::<u64>().ok())
        };
        Retention {
            days: var("CAIRN_RETENTION_DAYS")
                .and_then(|d| u32::try_from(d).ok())
                .filter(|d| (1..=3650).contains(d))
                .unwrap_or(super::DEFAULT_RETENTION_DAYS),
            max_bytes: var("CAIRN_ACCOUNT_MAX_BYTES")
                .filter(|b| *b > 0)
                .unwrap_or(DEFAULT_MAX_BYTES),
        }
    }

    /// What the object holds and has written.
    fn storage(&self) -> Result<StorageReport, AppError> {
        let (events_retained, oldest_event) = SqlStore::new(&self.sql, &self.warm).event_stats()?;
        let limits = self.retention();
        Ok(StorageReport {
            account_id: self.ident().map(|(_, a)| a).unwrap_or_default(),
            events_retained,
            oldest_event,
            database_bytes: self.sql.database_size() as u64,
            events_written: self.events_written.get(),
            rows_written: self.rows_written.get(),
            retention_days: limits.days,
            max_bytes: limits.max_bytes,
        })
    }

    /// A retention pass now.
    fn prune(&self) -> Result<PruneReport, AppError> {
        let now = Date::now().as_millis() as i64;
        let size = self.sql.database_size() as u64;
        let mut store = SqlStore::new(&self.sql, &self.warm);
        let (events_deleted, usage_rows_deleted) =
            retention::prune(&mut store, self.retention(), Timestamp(now), size)?;
        store.set_pruned_at(now)?;
        Ok(PruneReport {
            account_id: self.ident().map(|(_, a)| a).unwrap_or_default(),
            events_deleted,
            usage_rows_deleted,
        })
    }

    /// A retention pass when the last one is a day old (run by the alarm).
    fn prune_daily(&self, now: i64) -> Result<(), AppError> {
        let last = SqlStore::new(&self.sql, &self.warm)
            .pruned_at()?
            .unwrap_or(0);
        if now - last >= 86_400_000 {
            self.prune()?;
            // Health moves with time too: the account's summary is sent daily.
            let mut store = SqlStore::new(&self.sql, &self.warm);
            store.mark_dirty("", protocol::v1::ACCOUNT_UNIT)?;
            if store.rollup_due()?.is_none() {
                store.set_rollup_due(Some(now))?;
            }
        }
        Ok(())
    }

    /// The delay between a change and its flush, in ms.
    fn flush_delay_ms(&self) -> i64 {
        self.env
            .var("CAIRN_ANALYTICS_FLUSH_SECONDS")
            .ok()
            .and_then(|v| v.to_string().parse::<i64>().ok())
            .filter(|s| *s >= 0)
            .unwrap_or(DEFAULT_FLUSH_SECONDS)
            .saturating_mul(1000)
    }

    /// After a change: when units wait and no flush is due yet, one is due after the delay.
    async fn schedule_rollup(&self) {
        let mut store = SqlStore::new(&self.sql, &self.warm);
        // The first ingest starts the daily retention pass.
        if store.pruned_at().ok().flatten().is_none() {
            let now = Date::now().as_millis() as i64;
            if store.set_pruned_at(now).is_ok() {
                self.arm().await;
            }
        }
        // A flush already due carries every mark; only without one are the marks read.
        if store.rollup_due().ok().flatten().is_some()
            || store.dirty().map_or(true, |d| d.is_empty())
        {
            return;
        }
        let due = Date::now().as_millis() as i64 + self.flush_delay_ms();
        if let Err(e) = store.set_rollup_due(Some(due)) {
            worker::console_error!("scheduling the rollup: {e}");
            return;
        }
        self.arm().await;
    }

    /// Sends the changed units (with `backfill`, every unit) through the Queue; marks are
    /// cleared only after every message was accepted. Returns how many messages were sent.
    async fn flush_rollup(&self, backfill: bool) -> Result<u64, AppError> {
        let Some((workspace, account)) = self.ident() else {
            return Ok(0);
        };
        let now = Date::now().as_millis() as i64;
        let flushed = super::rollup::flush(
            &mut SqlStore::new(&self.sql, &self.warm),
            &workspace,
            &account,
            backfill,
            now,
        )?;
        let Some((seq, messages)) = flushed else {
            SqlStore::new(&self.sql, &self.warm).set_rollup_due(None)?;
            return Ok(0);
        };
        let queue = self.env.queue("ROLLUPS")?;
        for m in &messages {
            if let Err(e) = queue.send(to_json(m)).await {
                // Marks stay; the flush is tried again soon.
                SqlStore::new(&self.sql, &self.warm).set_rollup_due(Some(now + RETRY_FLUSH_MS))?;
                return Err(AppError::Internal(format!("sending rollups: {e}")));
            }
        }
        let mut store = SqlStore::new(&self.sql, &self.warm);
        store.clear_dirty(seq)?;
        // Changes made while the messages were being sent wait for the next flush.
        let left = !store.dirty()?.is_empty();
        store.set_rollup_due(left.then_some(now + self.flush_delay_ms()))?;
        Ok(messages.len() as u64)
    }

    /// Sets the alarm for the next due delivery, reminder, expiry, rollup flush or retention
    /// pass.
    async fn arm(&self) {
        let store = SqlStore::new(&self.sql, &self.warm);
        let prune = store.pruned_at().ok().flatten().map(|at| at + 86_400_000);
        let rollup = match (store.rollup_due().ok().flatten(), prune) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let next = collab::next_wakeup(&store).map(|collab| match (collab, rollup) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        });
        match next {
            Ok(Some(at)) => {
                let now = Date::now().as_millis() as i64;
                if let Err(e) = self.state.storage().set_alarm((at - now).max(0)).await {
                    worker::console_error!("setting the alarm: {e}");
                }
            }
            Ok(None) => {}
            Err(e) => worker::console_error!("reading the outbox: {e}"),
        }
    }

    /// The alarm's work: reminders and expiry, then every due webhook delivery.
    async fn wake(&self) -> Result<(), AppError> {
        let now = Date::now().as_millis() as i64;
        let mut store = SqlStore::new(&self.sql, &self.warm);
        if let Some(mut req) = collab::last_config(&store)? {
            req.now = now;
            req.seed = crate::random::hex16()?;
            req.op = CollabOp::Tick;
            collab::run(&mut store, &req)?;
        }
        for d in collab::due_deliveries(&store, now)? {
            let status = deliver(&d).await;
            let at = Date::now().as_millis() as i64;
            collab::attempted(&mut SqlStore::new(&self.sql, &self.warm), &d.id, status, at)?;
        }
        Ok(())
    }
}

/// POSTs a webhook, signed the Standard Webhooks way; the answer's status (0: no answer).
pub(crate) async fn deliver(d: &Delivery) -> u16 {
    let now = Date::now().as_millis() as i64;
    let send = async {
        let headers = Headers::new();
        headers.set("Content-Type", "application/json")?;
        headers.set("User-Agent", "Cairn-Webhooks/1")?;
        for (name, value) in collab::crypto::webhook_headers(&d.secret, &d.id, now, &d.body) {
            headers.set(&name, &value)?;
        }
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(d.body.clone().into()));
        let req = Request::new_with_init(&d.url, &init)?;
        let resp = Fetch::Request(req).send().await?;
        Ok::<u16, worker::Error>(resp.status_code())
    };
    send.await.unwrap_or(0)
}

/// Reaches account objects through the `ACCOUNTS` namespace.
#[derive(Debug)]
pub struct DurableAccounts {
    ns: ObjectNamespace,
}

impl DurableAccounts {
    /// Wraps the namespace binding.
    pub fn new(ns: ObjectNamespace) -> Self {
        Self { ns }
    }

    async fn call(
        &self,
        workspace_id: &str,
        account_id: &str,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<String, AppError> {
        let stub = self
            .ns
            .id_from_name(&object_name(workspace_id, account_id))?
            .get_stub()?;
        let headers = Headers::new();
        headers.set(WORKSPACE_HEADER, workspace_id)?;
        headers.set(ACCOUNT_HEADER, account_id)?;
        let mut init = RequestInit::new();
        init.with_method(method).with_headers(headers);
        if let Some(b) = body {
            init.with_body(Some(b.into()));
        }
        let req = Request::new_with_init(&format!("https://account.internal{path}"), &init)?;
        let mut resp = stub.fetch_with_request(req).await?;
        let text = resp.text().await?;
        if resp.status_code() != 200 {
            return Err(AppError::Internal(format!(
                "account object answered {}: {text}",
                resp.status_code()
            )));
        }
        Ok(text)
    }
}

impl DurableAccounts {
    /// What the account object holds and has written.
    pub async fn storage(
        &self,
        workspace_id: &str,
        account_id: &str,
    ) -> Result<StorageReport, AppError> {
        let text = self
            .call(workspace_id, account_id, Method::Get, "/storage", None)
            .await?;
        Ok(StorageReport::from_json(&text)?)
    }

    /// Runs a retention pass on the account now.
    pub async fn prune(
        &self,
        workspace_id: &str,
        account_id: &str,
    ) -> Result<PruneReport, AppError> {
        let text = self
            .call(workspace_id, account_id, Method::Post, "/retention", None)
            .await?;
        Ok(PruneReport::from_json(&text)?)
    }

    /// Sends an account's changed rollup units now (`backfill`: all of them).
    pub async fn rollup(
        &self,
        workspace_id: &str,
        account_id: &str,
        op: RollupOp,
    ) -> Result<RollupSent, AppError> {
        let path = match op {
            RollupOp::Flush => "/rollup?op=flush",
            RollupOp::Backfill => "/rollup?op=backfill",
        };
        let text = self
            .call(workspace_id, account_id, Method::Post, path, None)
            .await?;
        Ok(RollupSent::from_json(&text)?)
    }
}

impl Accounts for DurableAccounts {
    async fn ingest(
        &self,
        workspace_id: &str,
        account_id: &str,
        req: &IngestRequest,
    ) -> Result<IngestResult, AppError> {
        let text = self
            .call(
                workspace_id,
                account_id,
                Method::Post,
                "/ingest",
                Some(to_json(req)),
            )
            .await?;
        Ok(IngestResult::from_json(&text)?)
    }

    async fn export(
        &self,
        workspace_id: &str,
        account_id: &str,
        page: ExportPage,
    ) -> Result<EventExport, AppError> {
        let path = format!("/events?after={}&limit={}", page.after, page.limit);
        let text = self
            .call(workspace_id, account_id, Method::Get, &path, None)
            .await?;
        Ok(EventExport::from_json(&text)?)
    }

    async fn collab(
        &self,
        workspace_id: &str,
        account_id: &str,
        req: &CollabRequest,
    ) -> Result<CollabResult, AppError> {
        let text = self
            .call(
                workspace_id,
                account_id,
                Method::Post,
                "/collab",
                Some(to_json(req)),
            )
            .await?;
        Ok(CollabResult::from_json(&text)?)
    }
}
