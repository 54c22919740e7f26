//! The demo's documents (campaigns in `demo-app/seed/campaigns/`, settings in
//! `demo-app/seed/settings.json`), validated by `protocol` exactly as the edge validates them,
//! so a broken file fails before anything starts, with its path. They reach the edge through
//! the control-plane API (`xtask/js/bootstrap.mjs`), never as SQL.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::run::{Result, root};

/// Hex SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `n` random bytes from the OS's entropy, in lowercase hex (control keys, passwords).
pub(crate) fn random_hex(n: usize) -> Result<String> {
    let mut buf = vec![0u8; n];
    use std::io::Read as _;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    Ok(hex(&buf))
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

/// Validates every document the bootstrap publishes (the demo's, and the test fixtures').
pub(crate) fn validate() -> Result {
    settings()?;
    campaigns()?;
    let path = root().join("tests/fixtures/hostile.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    protocol::v1::parse_campaign(&text).map_err(|p| format!("{}: {p}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documents_are_valid() {
        validate().expect("the demo's documents and the test fixtures are valid");
        assert!(campaigns().expect("campaigns").len() >= 2);
        assert_eq!(random_hex(16).expect("entropy").len(), 32);
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
