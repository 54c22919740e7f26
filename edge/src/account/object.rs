//! The account Durable Object (SQLite-backed) and the worker-side gateway that calls it.

use protocol::v1::{
    CollabOp, CollabRequest, CollabResult, Delivery, EventExport, ExportPage, IngestRequest,
    IngestResult, to_json,
};
use worker::{
    Date, DurableObject, Env, Fetch, Headers, Method, ObjectNamespace, Request, RequestInit,
    Response, SqlStorage, State, durable_object,
};

use super::sql::{SqlStore, migrate};
use super::{AccountStore, Accounts, ingest, object_name};
use crate::collab;
use crate::error::AppError;

/// One account's state. Requests to one object are processed one at a time, and each
/// ingest runs without awaiting, so it commits as one SQLite transaction.
#[durable_object]
pub struct AccountObject {
    state: State,
    sql: SqlStorage,
    ready: Result<(), String>,
}

impl std::fmt::Debug for AccountObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountObject")
            .field("ready", &self.ready)
            .finish_non_exhaustive()
    }
}

impl DurableObject for AccountObject {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        let ready = migrate(&sql).map_err(|e| e.to_string());
        Self { state, sql, ready }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        if let Err(e) = &self.ready {
            worker::console_error!("account schema: {e}");
            return Response::error("account storage unavailable", 500);
        }
        let result = match (req.method(), req.path().as_str()) {
            (Method::Post, "/ingest") => {
                let body = req.text().await?;
                IngestRequest::from_json(&body)
                    .map_err(AppError::from)
                    .and_then(|r| ingest(&mut SqlStore::new(&self.sql), &r))
                    .map(|(result, warnings)| {
                        for w in warnings {
                            worker::console_error!("campaign left out of the decision: {w}");
                        }
                        to_json(&result)
                    })
            }
            (Method::Get, "/events") => {
                let url = req.url()?;
                let param = |name: &str| crate::query_param(&url, name);
                ExportPage::from_query(param("after").as_deref(), param("limit").as_deref())
                    .map_err(AppError::from)
                    .and_then(|page| SqlStore::new(&self.sql).events(page))
                    .map(|export| to_json(&export))
            }
            (Method::Post, "/collab") => {
                let body = req.text().await?;
                let result = CollabRequest::from_json(&body)
                    .map_err(AppError::from)
                    .and_then(|r| collab::run(&mut SqlStore::new(&self.sql), &r));
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
        self.arm().await;
        Response::ok("")
    }
}

impl AccountObject {
    /// Sets the alarm for the next due delivery, reminder or expiry.
    async fn arm(&self) {
        let next = collab::next_wakeup(&SqlStore::new(&self.sql));
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
        let mut store = SqlStore::new(&self.sql);
        if let Some(mut req) = collab::last_config(&store)? {
            req.now = now;
            req.seed = crate::random::hex16()?;
            req.op = CollabOp::Tick;
            collab::run(&mut store, &req)?;
        }
        for d in collab::due_deliveries(&store, now)? {
            let status = deliver(&d).await;
            let at = Date::now().as_millis() as i64;
            collab::attempted(&mut SqlStore::new(&self.sql), &d.id, status, at)?;
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
        let mut init = RequestInit::new();
        init.with_method(method);
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
