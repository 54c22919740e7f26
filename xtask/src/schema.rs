//! `cargo xtask schema`: writes the JSON Schemas of campaign and settings documents into
//! `docs/schema/`, generated from `protocol`'s own types, so they cannot drift from what the
//! edge accepts; a test fails when the committed files are stale.

use protocol::v1::{CampaignDoc, WorkspaceSettings};

use crate::run::{Result, root};

/// `(file name, schema JSON)` of every documented document type.
pub(crate) fn schemas() -> Vec<(&'static str, String)> {
    let pretty = |v: schemars::Schema| {
        let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
        text.push('\n');
        text
    };
    vec![
        (
            "campaign.schema.json",
            pretty(schemars::schema_for!(CampaignDoc)),
        ),
        (
            "settings.schema.json",
            pretty(schemars::schema_for!(WorkspaceSettings)),
        ),
    ]
}

/// Writes the schemas into `docs/schema/`.
pub(crate) fn write() -> Result {
    let dir = root().join("docs/schema");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (name, text) in schemas() {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote docs/schema/{name}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::schemas;
    use crate::run::root;

    #[test]
    fn committed_schemas_are_current() {
        for (name, text) in schemas() {
            let committed =
                std::fs::read_to_string(root().join("docs/schema").join(name)).unwrap_or_default();
            assert!(
                committed == text,
                "docs/schema/{name} is stale: run `cargo xtask schema`"
            );
        }
    }
}
