//! Console authentication: argon2id password hashes (OWASP's minimum: 19 MiB, 2 passes,
//! 1 lane), opaque 256-bit session ids stored as SHA-256, the `__Host-` cookie, and the
//! CSRF check of state-changing requests (Fetch Metadata, else an exact Origin).

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use protocol::{ErrorCode, Problem};
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const COOKIE: &str = "__Host-cairn_session";
/// A session ends after this long without a request.
pub const IDLE_MS: i64 = 2 * 3600 * 1000;
/// A session ends this long after sign-in, whatever happens.
pub const ABSOLUTE_MS: i64 = 12 * 3600 * 1000;

const M_KIB: u32 = 19 * 1024;
const T: u32 = 2;
const P: u32 = 1;

fn argon() -> Argon2<'static> {
    let params = Params::new(M_KIB, T, P, Some(32))
        .unwrap_or_else(|_| unreachable!("constant argon2 parameters are valid"));
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The PHC string of `password` with `salt`: `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`.
pub fn hash_password(password: &str, salt: &[u8; 16]) -> String {
    let mut out = [0u8; 32];
    // Fails only for out-of-range lengths, which these are not.
    let _ = argon().hash_password_into(password.as_bytes(), salt, &mut out);
    format!(
        "$argon2id$v=19$m={M_KIB},t={T},p={P}${}${}",
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(out)
    )
}

/// Whether `password` matches the PHC string `stored` (constant-time comparison; a string
/// with other parameters is refused).
pub fn verify_password(password: &str, stored: &str) -> bool {
    let parts: Vec<&str> = stored.split('$').collect();
    let [_, "argon2id", "v=19", params, salt, hash] = parts.as_slice() else {
        return false;
    };
    if *params != format!("m={M_KIB},t={T},p={P}") {
        return false;
    }
    let (Ok(salt), Ok(want)) = (STANDARD_NO_PAD.decode(salt), STANDARD_NO_PAD.decode(hash)) else {
        return false;
    };
    let mut got = [0u8; 32];
    if argon()
        .hash_password_into(password.as_bytes(), &salt, &mut got)
        .is_err()
    {
        return false;
    }
    constant_eq(&got, &want)
}

/// Compares in time independent of where the bytes differ.
pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new session id (sent once, in the cookie) and its stored SHA-256.
pub fn new_session_id(random: &[u8; 32]) -> (String, String) {
    let id = URL_SAFE_NO_PAD.encode(random);
    let hash = sha256_hex(id.as_bytes());
    (id, hash)
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(id: &str) -> String {
    format!(
        "{COOKIE}={id}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={}",
        ABSOLUTE_MS / 1000
    )
}

/// The `Set-Cookie` value that ends one.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The session id from a `Cookie` header.
pub fn session_from_cookie(header: Option<&str>) -> Option<&str> {
    header?
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty() && v.len() <= 64)
}

/// A state-changing request must be same-origin: `Sec-Fetch-Site: same-origin`, or (from
/// clients that send no Fetch Metadata) an `Origin` equal to ours.
pub fn check_csrf(
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    own_origin: &str,
) -> Result<(), Problem> {
    let ok = match sec_fetch_site {
        Some(site) => site == "same-origin",
        None => origin == Some(own_origin),
    };
    if ok {
        Ok(())
    } else {
        Err(Problem::new(
            ErrorCode::CsrfRejected,
            "origin",
            "state-changing console requests must come from the console's own origin",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip_and_compare() {
        let stored = hash_password("correct horse battery", &[7; 16]);
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery", &stored));
        assert!(!verify_password("correct horse batterY", &stored));
        assert!(!verify_password(
            "x",
            "$argon2id$v=19$m=8,t=1,p=1$AAAA$AAAA"
        ));
        assert!(!verify_password("x", "garbage"));
    }

    #[test]
    fn csrf_table() {
        let own = "http://127.0.0.1:8787";
        for (site, origin, ok) in [
            (Some("same-origin"), None, true),
            (Some("same-origin"), Some("https://evil.example"), true),
            (Some("same-site"), Some(own), false),
            (Some("cross-site"), Some(own), false),
            (None, Some(own), true),
            (None, Some("http://127.0.0.1:8788"), false),
            (None, None, false),
        ] {
            assert_eq!(
                check_csrf(site, origin, own).is_ok(),
                ok,
                "{site:?} {origin:?}"
            );
        }
    }

    #[test]
    fn cookies() {
        let c = session_cookie("abc");
        for part in [
            "__Host-cairn_session=abc",
            "Path=/",
            "Secure",
            "HttpOnly",
            "SameSite=Strict",
        ] {
            assert!(c.contains(part), "{c}");
        }
        assert!(!c.contains("Domain"));
        assert_eq!(
            session_from_cookie(Some("a=1; __Host-cairn_session=xyz; b=2")),
            Some("xyz")
        );
        assert_eq!(session_from_cookie(Some("cairn_session=xyz")), None);
    }
}
