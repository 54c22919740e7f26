//! Exact counters in fixed windows, one Durable Object per key: failed console sign-ins per
//! email and per client, each workspace's monthly events, and the new accounts each write key
//! may open per day. A Durable Object, not the Workers rate-limiting binding, wherever the
//! count must be exact (a password-guessing limit, a billed quota): that binding is per
//! location and approximate. Request rates use the binding (see `gate`).

use worker::{DurableObject, Env, ObjectNamespace, Request, Response, State, durable_object};

use crate::error::AppError;

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

    /// `GET /?start=S&n=N&limit=L`: in the window starting at S (an older window resets),
    /// adds N unless that would pass L (L = 0: no limit). Answers `ok <count>` or
    /// `no <count>`.
    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        let url = req.url()?;
        let param = |name: &str| {
            crate::query_param(&url, name)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let (start, n, limit) = (param("start"), param("n"), param("limit"));
        let storage = self.state.storage();
        let window: Vec<f64> = storage.get("w").await?.unwrap_or_default();
        let count = match window.as_slice() {
            [s, c] if *s == start => *c,
            _ => 0.0,
        };
        if limit > 0.0 && count + n > limit {
            return Response::ok(format!("no {count}"));
        }
        if n > 0.0 {
            storage.put("w", vec![start, count + n]).await?;
        }
        Response::ok(format!("ok {}", count + n))
    }
}

/// What a counter said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// Whether `n` was added.
    pub ok: bool,
    /// The count after.
    pub count: u64,
}

/// Adds `n` to `key`'s count in the window starting at `start` unless it would pass `limit`
/// (0: no limit; `n` = 0 only reads).
pub async fn take(
    ns: &ObjectNamespace,
    key: &str,
    start: i64,
    n: u64,
    limit: u64,
) -> Result<Count, AppError> {
    let stub = ns.id_from_name(key)?.get_stub()?;
    let mut resp = stub
        .fetch_with_str(&format!(
            "https://limiter/?start={start}&n={n}&limit={limit}"
        ))
        .await?;
    let text = resp.text().await?;
    let (verdict, count) = text
        .split_once(' ')
        .ok_or_else(|| AppError::Internal(format!("limiter answered {text}")))?;
    Ok(Count {
        ok: verdict == "ok",
        count: count.parse().unwrap_or(0),
    })
}
