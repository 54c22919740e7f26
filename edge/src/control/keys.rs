//! A workspace's keys and settings: write keys (create, debug flag, rotate with overlap,
//! revoke), secret keys (shown once, stored as SHA-256), allowed origins, identity secret
//! and enforcement, webhook endpoint, and the versioned settings document.

use protocol::v1::control::{
    CreateSecretKey, CreateWriteKey, EnforceBody, IdentityDto, OriginsBody, PatchWriteKey,
    RotateBody, RotatedKey, SecretKeyCreated, SecretKeyDto, SecretKeyList, SettingsBody,
    SettingsDto, SettingsVersionDto, SettingsVersionList, WebhookBody, WebhookDto, WriteKeyAnswer,
    WriteKeyDto, WriteKeyList, parse_body, to_text,
};
use protocol::{ErrorCode, Problem};

use super::auth::sha256_hex;
use super::commit::Write;
use super::http::{Incoming, Reply};
use super::policy::{ADMINS, require};
use super::{Cx, WsCx, commit, method_not_allowed, random_hex};
use crate::error::AppError;

fn unknown_key() -> AppError {
    AppError::Rejected(Problem::new(
        ErrorCode::UnknownRevision,
        "key",
        "no such key in this workspace",
    ))
}

fn new_write_key(label: String, debug: bool, now: i64) -> Result<WriteKeyDto, AppError> {
    Ok(WriteKeyDto {
        key: format!("wk_{}", random_hex::<16>()?),
        label,
        debug,
        created_at: now,
        expires_at: None,
        revoked_at: None,
    })
}

/// Routes for keys, origins, identity, webhook and settings.
pub(super) async fn route(
    cx: &Cx<'_>,
    w: &WsCx,
    req: &Incoming,
    tail: &[&str],
) -> Result<Reply, AppError> {
    let m = req.method.as_str();
    // Reading public things is for every member; the rest is administration.
    let public_read = m == "GET"
        && matches!(
            tail,
            ["write-keys"] | ["origins"] | ["settings"] | ["settings", "versions"]
        );
    if !public_read {
        require(w.roles(), ADMINS, "managing keys and settings")?;
    }
    match (m, tail) {
        ("GET", ["write-keys"]) => {
            let write_keys = cx.store.write_keys(&w.ws.id).await?;
            Ok(Reply::json(to_text(&WriteKeyList { write_keys })))
        }
        ("POST", ["write-keys"]) => {
            let body: CreateWriteKey = parse_body(&req.body)?;
            let key = new_write_key(body.label, body.debug, cx.now)?;
            let mut entry = w.entry(
                cx.now,
                "write_key.create",
                &format!("write_key:{}", key.key),
            );
            entry.detail.insert("debug".into(), key.debug.to_string());
            commit(cx, w, &[Write::Key(key.clone()), Write::Audit(entry)]).await?;
            Ok(Reply::created(to_text(&WriteKeyAnswer { write_key: key })))
        }
        (_, ["write-keys", key, rest @ ..]) => write_key(cx, w, req, key, rest).await,
        ("GET", ["secret-keys"]) => {
            let secret_keys = cx.store.secret_keys(&w.ws.id).await?;
            Ok(Reply::json(to_text(&SecretKeyList { secret_keys })))
        }
        ("POST", ["secret-keys"]) => {
            let body: CreateSecretKey = parse_body(&req.body)?;
            let secret = format!("sk_{}", random_hex::<24>()?);
            let key = SecretKeyDto {
                id: format!("sk_id_{}", random_hex::<8>()?),
                label: body.label,
                prefix: secret[..10].to_owned(),
                created_at: cx.now,
                last_used_at: None,
                revoked_at: None,
            };
            let mut entry = w.entry(
                cx.now,
                "secret_key.create",
                &format!("secret_key:{}", key.id),
            );
            entry.detail.insert("label".into(), key.label.clone());
            let hash = crate::app::hash_secret(&secret);
            commit(
                cx,
                w,
                &[
                    Write::SecretKey {
                        hash,
                        key: key.clone(),
                    },
                    Write::Audit(entry),
                ],
            )
            .await?;
            Ok(Reply::created(to_text(&SecretKeyCreated {
                secret_key: key,
                secret,
            })))
        }
        ("DELETE", ["secret-keys", id]) => {
            let hash = cx
                .store
                .secret_key_hash(&w.ws.id, id)
                .await?
                .ok_or_else(unknown_key)?;
            let mut key = cx
                .store
                .secret_keys(&w.ws.id)
                .await?
                .into_iter()
                .find(|k| k.id == *id)
                .ok_or_else(unknown_key)?;
            if key.revoked_at.is_some() {
                return Ok(Reply::empty());
            }
            key.revoked_at = Some(cx.now);
            let entry = w.entry(cx.now, "secret_key.revoke", &format!("secret_key:{id}"));
            commit(
                cx,
                w,
                &[Write::SecretKey { hash, key }, Write::Audit(entry)],
            )
            .await?;
            Ok(Reply::empty())
        }
        ("GET" | "PUT", ["origins"]) => {
            let before = cx.store.origins(&w.ws.id).await?;
            if m == "GET" {
                return Ok(Reply::json(to_text(&OriginsBody { origins: before })));
            }
            let body: OriginsBody = parse_body(&req.body)?;
            let mut entry = w.entry(cx.now, "origins.update", &format!("workspace:{}", w.ws.id));
            entry.before_hash = Some(sha256_hex(before.join("\n").as_bytes()));
            entry.after_hash = Some(sha256_hex(body.origins.join("\n").as_bytes()));
            entry
                .detail
                .insert("origins".into(), body.origins.join(" "));
            commit(
                cx,
                w,
                &[Write::Origins(body.origins.clone()), Write::Audit(entry)],
            )
            .await?;
            Ok(Reply::json(to_text(&body)))
        }
        ("GET", ["identity"]) => {
            let s = cx.store.secrets(&w.ws.id).await?;
            Ok(Reply::json(to_text(&IdentityDto {
                enforce: s.enforce_identity != 0,
                secret: None,
            })))
        }
        ("PUT", ["identity"]) => {
            let body: EnforceBody = parse_body(&req.body)?;
            let mut entry = w.entry(cx.now, "identity.update", &format!("workspace:{}", w.ws.id));
            entry
                .detail
                .insert("enforce".into(), body.enforce.to_string());
            commit(cx, w, &[Write::Enforce(body.enforce), Write::Audit(entry)]).await?;
            Ok(Reply::json(to_text(&IdentityDto {
                enforce: body.enforce,
                secret: None,
            })))
        }
        ("POST", ["identity", "rotate"]) => {
            let secret = random_hex::<32>()?;
            let entry = w.entry(cx.now, "identity.rotate", &format!("workspace:{}", w.ws.id));
            commit(
                cx,
                w,
                &[
                    Write::IdentitySecret {
                        secret: secret.clone(),
                        at: cx.now,
                    },
                    Write::Audit(entry),
                ],
            )
            .await?;
            let s = cx.store.secrets(&w.ws.id).await?;
            Ok(Reply::json(to_text(&IdentityDto {
                enforce: s.enforce_identity != 0,
                secret: Some(secret),
            })))
        }
        ("GET", ["webhook"]) => {
            let s = cx.store.secrets(&w.ws.id).await?;
            Ok(Reply::json(to_text(&WebhookDto {
                url: s.webhook_url,
                secret: None,
            })))
        }
        ("PUT", ["webhook"]) => {
            let body: WebhookBody = parse_body(&req.body)?;
            let secret = crate::collab::crypto::webhook_secret(&crate::random::bytes::<32>()?);
            let mut entry = w.entry(cx.now, "webhook.update", &format!("workspace:{}", w.ws.id));
            entry.detail.insert("url".into(), body.url.clone());
            commit(
                cx,
                w,
                &[
                    Write::Webhook {
                        url: body.url.clone(),
                        secret: secret.clone(),
                    },
                    Write::Audit(entry),
                ],
            )
            .await?;
            Ok(Reply::json(to_text(&WebhookDto {
                url: Some(body.url),
                secret: Some(secret),
            })))
        }
        ("GET", ["settings"]) => settings(cx, w).await,
        ("PUT", ["settings"]) => put_settings(cx, w, req).await,
        ("GET", ["settings", "versions"]) => {
            let versions = cx
                .store
                .settings_versions(&w.ws.id)
                .await?
                .into_iter()
                .map(
                    |(version, hash, updated_at, updated_by)| SettingsVersionDto {
                        version,
                        hash,
                        updated_at,
                        updated_by,
                    },
                )
                .collect();
            Ok(Reply::json(to_text(&SettingsVersionList { versions })))
        }
        _ => Err(method_not_allowed()),
    }
}

async fn write_key(
    cx: &Cx<'_>,
    w: &WsCx,
    req: &Incoming,
    key: &str,
    rest: &[&str],
) -> Result<Reply, AppError> {
    let mut k = cx
        .store
        .write_keys(&w.ws.id)
        .await?
        .into_iter()
        .find(|k| k.key == key)
        .ok_or_else(unknown_key)?;
    let target = format!("write_key:{key}");
    match (req.method.as_str(), rest) {
        ("PATCH", []) => {
            let body: PatchWriteKey = parse_body(&req.body)?;
            k.debug = body.debug;
            let mut entry = w.entry(cx.now, "write_key.update", &target);
            entry.detail.insert("debug".into(), body.debug.to_string());
            commit(cx, w, &[Write::Key(k.clone()), Write::Audit(entry)]).await?;
            Ok(Reply::json(to_text(&WriteKeyAnswer { write_key: k })))
        }
        ("POST", ["rotate"]) => {
            if k.revoked_at.is_some() {
                return Err(AppError::problem(
                    ErrorCode::InvalidState,
                    "key",
                    "a revoked key cannot be rotated",
                ));
            }
            let body: RotateBody = parse_body(&req.body)?;
            let new = new_write_key(k.label.clone(), k.debug, cx.now)?;
            let until = cx.now + i64::from(body.overlap_hours) * 3600 * 1000;
            k.expires_at = Some(k.expires_at.map_or(until, |e| e.min(until)));
            let mut entry = w.entry(cx.now, "write_key.rotate", &target);
            entry.detail.insert("new_key".into(), new.key.clone());
            entry
                .detail
                .insert("old_expires_at".into(), until.to_string());
            commit(
                cx,
                w,
                &[
                    Write::Key(k.clone()),
                    Write::Key(new.clone()),
                    Write::Audit(entry),
                ],
            )
            .await?;
            Ok(Reply::created(to_text(&RotatedKey {
                write_key: new,
                old: k,
            })))
        }
        ("DELETE", []) => {
            if k.revoked_at.is_none() {
                k.revoked_at = Some(cx.now);
                let entry = w.entry(cx.now, "write_key.revoke", &target);
                commit(cx, w, &[Write::Key(k), Write::Audit(entry)]).await?;
            }
            Ok(Reply::empty())
        }
        _ => Err(method_not_allowed()),
    }
}

fn settings_dto(w: &WsCx, by: String, at: i64) -> Result<SettingsDto, AppError> {
    let canonical = protocol::v1::control::canonical_settings(&w.ws.settings);
    Ok(SettingsDto {
        version: w.ws.settings_version,
        hash: sha256_hex(canonical.as_bytes()),
        document: protocol::v1::control::raw(&w.ws.settings).map_err(AppError::from)?,
        updated_at: at,
        updated_by: by,
    })
}

async fn settings(cx: &Cx<'_>, w: &WsCx) -> Result<Reply, AppError> {
    let last = cx
        .store
        .settings_versions(&w.ws.id)
        .await?
        .into_iter()
        .next();
    let (by, at) = last.map_or((String::new(), w.ws.created_at), |(_, _, at, by)| (by, at));
    Ok(Reply::json(to_text(&settings_dto(w, by, at)?)))
}

async fn put_settings(cx: &Cx<'_>, w: &WsCx, req: &Incoming) -> Result<Reply, AppError> {
    let body: SettingsBody = parse_body(&req.body)?;
    if body.base_version != w.ws.settings_version {
        return Err(AppError::problem(
            ErrorCode::StaleVersion,
            "base_version",
            &format!("the settings are at version {} now", w.ws.settings_version),
        ));
    }
    let document = protocol::v1::control::canonical_settings(body.document.get());
    let hash = sha256_hex(document.as_bytes());
    let version = w.ws.settings_version + 1;
    let mut entry = w.entry(cx.now, "settings.update", &format!("workspace:{}", w.ws.id));
    entry.before_hash = Some(sha256_hex(
        protocol::v1::control::canonical_settings(&w.ws.settings).as_bytes(),
    ));
    entry.after_hash = Some(hash.clone());
    entry.detail.insert("version".into(), version.to_string());
    commit(
        cx,
        w,
        &[
            Write::Settings {
                version,
                hash,
                document: document.clone(),
                by: w.me.user_id.clone(),
                at: cx.now,
            },
            Write::Audit(entry),
        ],
    )
    .await?;
    let mut after = w.clone();
    after.ws.settings = document;
    after.ws.settings_version = version;
    Ok(Reply::json(to_text(&settings_dto(
        &after,
        w.me.user_id.clone(),
        cx.now,
    )?)))
}
