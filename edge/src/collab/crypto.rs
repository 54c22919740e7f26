//! The collaboration features' cryptography: signed link tokens (accept an invitation,
//! one-click approve / reject), users' identity hashes, and Standard Webhooks signatures.
//! Every comparison of a secret-derived value is constant-time (`hmac`'s `verify_slice`).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use protocol::{ErrorCode, Problem};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
}

/// What a link token says. `kind` is `i` (accept an invitation), `a` (approve) or `r`
/// (reject).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `i`, `a` or `r`.
    pub kind: String,
    /// The workspace.
    pub workspace_id: String,
    /// The account.
    pub account_id: String,
    /// The invitation or approval.
    pub id: String,
    /// The record's nonce when the token was made (single use: the record's changes).
    pub nonce: String,
    /// Not valid after (ms since the epoch).
    pub expires_at: i64,
}

fn enc(s: &str) -> String {
    URL_SAFE_NO_PAD.encode(s.as_bytes())
}

fn dec(s: &str) -> Option<String> {
    String::from_utf8(URL_SAFE_NO_PAD.decode(s).ok()?).ok()
}

/// `kind.workspace.account.id.nonce.expiry.signature` (fields base64url, signature
/// HMAC-SHA256 of the rest with the workspace's token key).
pub fn sign(key: &str, c: &Claims) -> String {
    let unsigned = [
        enc(&c.kind),
        enc(&c.workspace_id),
        enc(&c.account_id),
        enc(&c.id),
        enc(&c.nonce),
        c.expires_at.to_string(),
    ]
    .join(".");
    let mut m = mac(key.as_bytes());
    m.update(unsigned.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
    format!("{unsigned}.{sig}")
}

fn invalid() -> Problem {
    Problem::new(ErrorCode::InvalidToken, "token", "this link is not valid")
}

/// The claims of a well-formed token, not yet verified (to find the workspace's key).
pub fn peek(token: &str) -> Result<Claims, Problem> {
    let parts: Vec<&str> = token.split('.').collect();
    let [kind, ws, account, id, nonce, exp, _sig] = parts.as_slice() else {
        return Err(invalid());
    };
    Ok(Claims {
        kind: dec(kind).ok_or_else(invalid)?,
        workspace_id: dec(ws).ok_or_else(invalid)?,
        account_id: dec(account).ok_or_else(invalid)?,
        id: dec(id).ok_or_else(invalid)?,
        nonce: dec(nonce).ok_or_else(invalid)?,
        expires_at: exp.parse().map_err(|_| invalid())?,
    })
}

/// The claims of `token` if `key` signed it and it has not expired at `now`.
pub fn verify(key: &str, token: &str, now: i64) -> Result<Claims, Problem> {
    let claims = peek(token)?;
    let (unsigned, sig) = token.rsplit_once('.').ok_or_else(invalid)?;
    let sig = URL_SAFE_NO_PAD.decode(sig).map_err(|_| invalid())?;
    let mut m = mac(key.as_bytes());
    m.update(unsigned.as_bytes());
    m.verify_slice(&sig).map_err(|_| invalid())?;
    if now > claims.expires_at {
        return Err(Problem::new(
            ErrorCode::TokenExpired,
            "token",
            "this link has expired",
        ));
    }
    Ok(claims)
}

/// Hex HMAC-SHA256 of `user_id` with the workspace's identity secret: what the vendor's
/// backend sends as `user_hash`.
pub fn user_hash(secret: &str, user_id: &str) -> String {
    let mut m = mac(secret.as_bytes());
    m.update(user_id.as_bytes());
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks a caller's `user_hash`: required with enforcement on, and never wrong when sent.
pub fn verify_user(
    secret: &str,
    user_id: &str,
    hash: Option<&str>,
    enforce: bool,
) -> Result<(), Problem> {
    let unverified = |m: &str| Problem::new(ErrorCode::IdentityUnverified, "user_hash", m);
    let Some(hash) = hash else {
        return if enforce {
            Err(unverified(
                "this workspace requires a signed identity (user_hash)",
            ))
        } else {
            Ok(())
        };
    };
    let bytes = hex(hash).ok_or_else(|| unverified("user_hash does not match user_id"))?;
    let mut m = mac(secret.as_bytes());
    m.update(user_id.as_bytes());
    m.verify_slice(&bytes)
        .map_err(|_| unverified("user_hash does not match user_id"))
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A new webhook secret from 32 random bytes: `whsec_` + base64.
pub fn webhook_secret(random: &[u8]) -> String {
    format!("whsec_{}", STANDARD.encode(random))
}

/// The Standard Webhooks headers for `body`: `webhook-id`, `webhook-timestamp` (seconds) and
/// `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the
/// secret's base64-decoded bytes).
pub fn webhook_headers(secret: &str, id: &str, now_ms: i64, body: &str) -> [(String, String); 3] {
    let key = secret
        .strip_prefix("whsec_")
        .and_then(|k| STANDARD.decode(k).ok())
        .unwrap_or_else(|| secret.as_bytes().to_vec());
    let ts = (now_ms / 1000).to_string();
    let mut m = mac(&key);
    m.update(format!("{id}.{ts}.{body}").as_bytes());
    let sig = STANDARD.encode(m.finalize().into_bytes());
    [
        ("webhook-id".to_owned(), id.to_owned()),
        ("webhook-timestamp".to_owned(), ts),
        ("webhook-signature".to_owned(), format!("v1,{sig}")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            kind: "i".into(),
            workspace_id: "demo".into(),
            account_id: "acme.corp:1".into(),
            id: "inv_1".into(),
            nonce: "n0".into(),
            expires_at: 1_000,
        }
    }

    fn check(token: &str, key: &str, now: i64, expect: Result<(), ErrorCode>) {
        let got = verify(key, token, now).map(|_| ()).map_err(|p| p.code);
        assert_eq!(got, expect, "{token}");
    }

    #[test]
    fn tokens_are_signed_expiring_and_tamper_evident() {
        let t = sign("k1", &claims());
        assert_eq!(verify("k1", &t, 999).expect("valid"), claims());
        let tampered = t.replacen(&enc("acme.corp:1"), &enc("other"), 1);
        let cases = [
            (t.as_str(), "k1", 1_000, Ok(())),
            (t.as_str(), "k1", 1_001, Err(ErrorCode::TokenExpired)),
            (t.as_str(), "k2", 10, Err(ErrorCode::InvalidToken)),
            (tampered.as_str(), "k1", 10, Err(ErrorCode::InvalidToken)),
            ("a.b.c", "k1", 10, Err(ErrorCode::InvalidToken)),
            ("", "k1", 10, Err(ErrorCode::InvalidToken)),
        ];
        for (token, key, now, expect) in cases {
            check(token, key, now, expect);
        }
    }

    #[test]
    fn user_hashes() {
        let h = user_hash("s", "alice");
        assert_eq!(h.len(), 64);
        let cases = [
            (Some(h.as_str()), true, true),
            (Some(h.as_str()), false, true),
            (None, false, true),
            (None, true, false),
            (Some("00"), false, false),
            (Some("zz"), false, false),
        ];
        for (hash, enforce, ok) in cases {
            assert_eq!(
                verify_user("s", "alice", hash, enforce).is_ok(),
                ok,
                "{hash:?} {enforce}"
            );
        }
        assert!(verify_user("s", "bob", Some(&h), true).is_err());
    }

    #[test]
    fn webhook_signature_follows_standard_webhooks() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let [_, _, (_, sig)] = webhook_headers(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330_000,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
