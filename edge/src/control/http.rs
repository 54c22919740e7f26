//! The console API's plumbing: the answer type (status, JSON or CSV, cookie, Retry-After),
//! request checks (CSRF, JSON only), and the signed-in caller resolved from the session
//! cookie (idle and absolute expiry, rotation after a role change).

use protocol::{ErrorCode, Problem};
use worker::{Headers, Response};

use super::auth::{self, IDLE_MS};
use super::store::{ControlStore, Session, User};
use crate::error::AppError;

/// An answer of the console API.
#[derive(Debug, Default)]
pub(super) struct Reply {
    /// HTTP status.
    pub(super) status: u16,
    /// Body (JSON unless `content_type` says otherwise).
    pub(super) body: String,
    /// Content type (default JSON).
    pub(super) content_type: Option<&'static str>,
    /// A `Set-Cookie` value.
    pub(super) cookie: Option<String>,
    /// Seconds, with 429.
    pub(super) retry_after: Option<u32>,
}

impl Reply {
    /// 200 with a JSON body.
    pub(super) fn json(body: String) -> Self {
        Self {
            status: 200,
            body,
            ..Self::default()
        }
    }

    /// 201 with a JSON body.
    pub(super) fn created(body: String) -> Self {
        Self {
            status: 201,
            body,
            ..Self::default()
        }
    }

    /// 204.
    pub(super) fn empty() -> Self {
        Self {
            status: 204,
            ..Self::default()
        }
    }

    /// The same answer, setting a cookie.
    pub(super) fn with_cookie(mut self, cookie: String) -> Self {
        self.cookie = Some(cookie);
        self
    }

    /// Builds the response (never with CORS headers).
    pub(super) fn into_response(self) -> worker::Result<Response> {
        let headers = Headers::new();
        headers.set("Cache-Control", "no-store")?;
        headers.set("X-Content-Type-Options", "nosniff")?;
        if !self.body.is_empty() {
            headers.set(
                "Content-Type",
                self.content_type
                    .unwrap_or("application/json; charset=utf-8"),
            )?;
        }
        if let Some(c) = &self.cookie {
            headers.set("Set-Cookie", c)?;
        }
        if let Some(s) = self.retry_after {
            headers.set("Retry-After", &s.to_string())?;
        }
        let resp = if self.body.is_empty() {
            Response::empty()?
        } else {
            Response::ok(self.body)?
        };
        Ok(resp.with_status(self.status).with_headers(headers))
    }
}

/// The parts of a request the console API looks at.
#[derive(Debug, Clone, Default)]
pub(super) struct Incoming {
    /// Method, upper case.
    pub(super) method: String,
    /// `Cookie`.
    pub(super) cookie: Option<String>,
    /// `Origin`.
    pub(super) origin: Option<String>,
    /// `Sec-Fetch-Site`.
    pub(super) sec_fetch_site: Option<String>,
    /// `Content-Type`.
    pub(super) content_type: Option<String>,
    /// `Authorization`.
    pub(super) authorization: Option<String>,
    /// The client's address (`CF-Connecting-IP`), or `local`.
    pub(super) client: String,
    /// Query string pairs.
    pub(super) query: Vec<(String, String)>,
    /// Body text.
    pub(super) body: String,
}

impl Incoming {
    /// A query parameter.
    pub(super) fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the method changes state.
    pub(super) fn mutating(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD")
    }

    /// CSRF and content checks of a state-changing request.
    pub(super) fn check_mutation(&self, own_origin: &str) -> Result<(), Problem> {
        auth::check_csrf(
            self.sec_fetch_site.as_deref(),
            self.origin.as_deref(),
            own_origin,
        )?;
        let ct = self
            .content_type
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        if ct.split(';').next().map(str::trim) != Some("application/json") {
            return Err(Problem::new(
                ErrorCode::UnsupportedMediaType,
                "content-type",
                "console requests send application/json",
            ));
        }
        Ok(())
    }
}

/// A signed-in caller.
#[derive(Debug, Clone)]
pub(super) struct Caller {
    /// The user.
    pub(super) user: User,
    /// Their session's stored hash.
    pub(super) session_hash: String,
    /// A new cookie when the session was rotated.
    pub(super) rotated: Option<String>,
}

fn unauthenticated() -> AppError {
    AppError::problem(
        ErrorCode::Unauthenticated,
        "session",
        "sign in first (the session is missing or has expired)",
    )
}

/// Starts a session for `user`: a new random id; answers the cookie to set.
pub(super) async fn start_session(
    store: &ControlStore,
    user: &User,
    random: [u8; 32],
    now: i64,
    expires_at: i64,
) -> Result<(String, String), AppError> {
    let (id, hash) = auth::new_session_id(&random);
    store
        .insert_session(
            &Session {
                id_hash: hash.clone(),
                user_id: user.id.clone(),
                epoch: user.auth_epoch,
                last_seen_at: now,
                expires_at,
            },
            now,
        )
        .await?;
    Ok((auth::session_cookie(&id), hash))
}

/// The caller of a request, from its session cookie.
pub(super) async fn caller(
    store: &ControlStore,
    req: &Incoming,
    random: impl FnOnce() -> Result<[u8; 32], AppError>,
    now: i64,
) -> Result<Caller, AppError> {
    let id = auth::session_from_cookie(req.cookie.as_deref()).ok_or_else(unauthenticated)?;
    let hash = auth::sha256_hex(id.as_bytes());
    let session = store.session(&hash).await?.ok_or_else(unauthenticated)?;
    if now >= session.expires_at || now - session.last_seen_at >= IDLE_MS {
        store.delete_session(&hash).await?;
        return Err(unauthenticated());
    }
    let user = store
        .user(&session.user_id)
        .await?
        .ok_or_else(unauthenticated)?;
    if user.auth_epoch != session.epoch {
        // The user's roles changed: a new session id, the old one ends.
        store.delete_session(&hash).await?;
        let (cookie, new_hash) =
            start_session(store, &user, random()?, now, session.expires_at).await?;
        return Ok(Caller {
            user,
            session_hash: new_hash,
            rotated: Some(cookie),
        });
    }
    store.touch_session(&hash, now).await?;
    Ok(Caller {
        user,
        session_hash: hash,
        rotated: None,
    })
}
