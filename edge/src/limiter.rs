//! Failed sign-ins counted exactly: one Durable Object per key (`signin-email:…`,
//! `signin-client:…`) holding a fixed 15-minute window. A Durable Object rather than the
//! Workers rate-limiting binding, because that binding is per location and approximate, and
//! a password-guessing limit must hold exactly wherever the guesses come from.

use worker::{Date, DurableObject, Env, Request, Response, State, durable_object};

use super::Cx;
use crate::error::AppError;

/// The window failures are counted in.
pub const WINDOW_MS: f64 = 15.0 * 60.0 * 1000.0;

/// One key's window: `[start ms, count]`.
#[durable_object]
pub struct Limiter {
    state: State,
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiter").finish_non_exhaustive()
    }
}

impl DurableObject for Limiter {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        let storage = self.state.storage();
        let now = Date::now().as_millis() as f64;
        let window: Vec<f64> = storage.get("w").await?.unwrap_or_default();
        let (start, count) = match window.as_slice() {
            [s, c] if now - s < WINDOW_MS => (*s, *c),
            _ => (now, 0.0),
        };
        let count = if req.path() == "/hit" {
            storage.put("w", vec![start, count + 1.0]).await?;
            count + 1.0
        } else {
            count
        };
        Response::ok((count as u32).to_string())
    }
}

async fn call(cx: &Cx<'_>, key: &str, op: &str) -> Result<u32, AppError> {
    // Without the binding (native tests), nothing is limited.
    let Some(ns) = &cx.limiter else {
        return Ok(0);
    };
    let stub = ns.id_from_name(key)?.get_stub()?;
    let mut resp = stub.fetch_with_str(&format!("https://limiter{op}")).await?;
    let text = resp.text().await?;
    text.trim()
        .parse()
        .map_err(|_| AppError::Internal(format!("limiter answered {text}")))
}

/// Failures of `key` in the current window.
pub async fn count(cx: &Cx<'_>, key: &str) -> Result<u32, AppError> {
    call(cx, key, "/count").await
}

/// Counts one more failure of `key`.
pub async fn hit(cx: &Cx<'_>, key: &str) -> Result<u32, AppError> {
    call(cx, key, "/hit").await
}
