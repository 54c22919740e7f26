//! The account Durable Object (SQLite-backed) and the worker-side gateway that calls it.

use protocol::v1::{EventExport, IngestRequest, IngestResult, to_json};
use worker::{
    DurableObject, Env, Method, ObjectNamespace, Request, RequestInit, Response, SqlStorage, State,
    durable_object,
};

use super::sql::{SqlStore, migrate};
use super::{AccountStore, Accounts, ingest, object_name};
use crate::error::AppError;

/// One account's state. Requests to one object are processed one at a time, and each
/// ingest runs without awaiting, so it commits as one SQLite transaction.
#[durable_object]
pub struct AccountObject {
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
        Self { sql, ready }
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
            (Method::Get, "/events") => SqlStore::new(&self.sql)
                .events()
                .map(|events| to_json(&EventExport { events })),
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

    async fn export(&self, workspace_id: &str, account_id: &str) -> Result<EventExport, AppError> {
        let text = self
            .call(workspace_id, account_id, Method::Get, "/events", None)
            .await?;
        Ok(EventExport::from_json(&text)?)
    }
}
