//! The demo workspace seed: campaign documents from `demo-app/seed/campaigns/`, validated
//! by `protocol` exactly as the edge validates them, written as SQL for the local D1.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::run::{Result, root};

/// Public write key of the demo workspace (debug verdicts allowed).
pub(crate) const DEMO_WRITE_KEY: &str = "wk_demo_public";
/// Public write key of a second workspace, used to prove isolation.
pub(crate) const OTHER_WRITE_KEY: &str = "wk_other_public";

/// Hex SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A fresh random secret key (from the OS's entropy).
pub(crate) fn new_secret() -> Result<String> {
    let mut buf = [0u8; 24];
    use std::io::Read as _;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    Ok(format!("sk_{}", sha256_hex(&buf)[..40].to_owned()))
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Reads and validates every campaign document; fails with the file and field path.
pub(crate) fn campaigns() -> Result<Vec<String>> {
    let dir = root().join("demo-app/seed/campaigns");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            protocol::v1::parse_campaign(&text).map_err(|p| format!("{}: {p}", path.display()))?;
            Ok(text)
        })
        .collect()
}

/// The demo workspace's settings, validated like the edge validates them, on one line.
pub(crate) fn settings() -> Result<String> {
    let path = root().join("demo-app/seed/settings.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    protocol::v1::parse_settings(&text).map_err(|p| format!("{}: {p}", path.display()))?;
    Ok(text.lines().map(str::trim).collect::<Vec<_>>().join(" "))
}

/// SQL that (re)creates the demo workspace and a second, isolated workspace. Idempotent.
pub(crate) fn sql(origins: &[String], secret_key: &str, now_ms: u128) -> Result<String> {
    let settings = settings()?;
    let mut s = String::new();
    let mut line = |l: String| {
        s.push_str(&l);
        s.push('\n');
    };
    for (id, name, key, debug) in [
        ("demo", "Expensely (demo)", DEMO_WRITE_KEY, 1),
        ("other", "Another vendor", OTHER_WRITE_KEY, 0),
    ] {
        let settings_doc = if id == "demo" {
            settings.as_str()
        } else {
            "{}"
        };
        line(format!(
            "INSERT INTO workspaces (id, name, settings, created_at) VALUES ({}, {}, {}, {now_ms}) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, settings = excluded.settings;",
            q(id),
            q(name),
            q(settings_doc)
        ));
        line(format!(
            "INSERT OR REPLACE INTO write_keys (key, workspace_id, debug) VALUES ({}, {}, {debug});",
            q(key),
            q(id)
        ));
        line(format!(
            "DELETE FROM allowed_origins WHERE workspace_id = {};",
            q(id)
        ));
        line(format!(
            "DELETE FROM campaigns WHERE workspace_id = {};",
            q(id)
        ));
    }
    line(format!(
        "INSERT OR REPLACE INTO secret_keys (key_hash, workspace_id, label) VALUES ({}, 'demo', 'local');",
        q(&sha256_hex(secret_key.as_bytes()))
    ));
    for origin in origins {
        line(format!(
            "INSERT INTO allowed_origins (workspace_id, origin) VALUES ('demo', {});",
            q(origin)
        ));
    }
    line("INSERT INTO allowed_origins (workspace_id, origin) VALUES ('other', 'https://other.example');".to_owned());
    for doc in campaigns()? {
        let (parsed, _) = protocol::v1::parse_campaign(&doc).map_err(|p| p.to_string())?;
        // Stored compact: one line per document keeps the SQL file simple.
        let compact: String = doc.lines().map(str::trim).collect::<Vec<_>>().join(" ");
        line(format!(
            "INSERT INTO campaigns (workspace_id, id, definition, updated_at) VALUES ('demo', {}, {}, {now_ms});",
            q(&parsed.id),
            q(&compact)
        ));
    }
    Ok(s)
}

/// Tests only: a workspace (`wk_hostile`) whose one campaign carries markup, event handlers
/// and `javascript:` links in every text, to prove the SDK renders them as inert text; and a
/// workspace without campaigns (`wk_quiet`), where the SDK only tracks; one that enforces
/// signed identities (`wk_verified`); and known collaboration secrets.
pub(crate) fn test_sql(port: u16) -> String {
    let mut sql = String::new();
    for (id, campaign) in [
        ("hostile", Some(HOSTILE)),
        ("quiet", None),
        ("verified", None),
    ] {
        sql.push_str(&format!(
            "INSERT INTO workspaces (id, name, settings, created_at) VALUES ('{id}', '{id}', '{{}}', 0);\n\
             INSERT OR REPLACE INTO write_keys (key, workspace_id, debug) VALUES ('wk_{id}', '{id}', 0);\n"
        ));
        if let Some(doc) = campaign {
            sql.push_str(&format!(
                "INSERT INTO campaigns (workspace_id, id, definition, updated_at) VALUES ('{id}', '{id}', {}, 0);\n",
                q(doc)
            ));
        }
        for origin in [
            format!("http://127.0.0.1:{port}"),
            format!("http://localhost:{port}"),
        ] {
            sql.push_str(&format!(
                "INSERT INTO allowed_origins (workspace_id, origin) VALUES ('{id}', {});\n",
                q(&origin)
            ));
        }
    }
    // Known collaboration secrets, so tests can sign identities (and forge expired links);
    // `verified` enforces signed identities.
    for (id, enforce) in [("demo", 0), ("verified", 1)] {
        sql.push_str(&format!(
            "INSERT OR REPLACE INTO workspace_secrets (workspace_id, token_key, identity_secret, \
             enforce_identity) VALUES ('{id}', 'tk_{id}_test', 'id_{id}_test', {enforce});\n"
        ));
    }
    sql
}

/// The hostile campaign (valid: content is text, whatever it looks like).
const HOSTILE: &str = r##"{"id":"hostile","surface":"modal","recurrence":"once","content":{"title":"<script>window.__pwned=1</script>","body":"<img src=x onerror=\"window.__pwned=1\"> [click](javascript:window.__pwned=1)","cta":{"label":"<b onmouseover=window.__pwned=1>Go</b>","url":"#ok"},"dismiss_label":"<svg onload=window.__pwned=1>"}}"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_valid_and_quotes_strings() {
        let sql = sql(&["http://127.0.0.1:8787".into()], "sk_test", 1).expect("seed builds");
        assert!(sql.contains("'wk_demo_public'"));
        protocol::v1::parse_campaign(HOSTILE).expect("the hostile campaign is a valid document");
        assert!(sql.contains(&sha256_hex(b"sk_test")));
        assert!(
            !sql.contains("sk_test'"),
            "the secret itself is never stored"
        );
        assert_eq!(q("it's"), "'it''s'");
        assert!(campaigns().expect("campaigns").len() >= 2);
    }
}
