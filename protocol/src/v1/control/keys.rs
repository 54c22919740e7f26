//! A workspace's keys and settings on the wire: write keys (rotation), secret keys (shown
//! once), allowed origins, identity and webhook settings, and settings versions.

use serde::{Deserialize, Serialize};

use super::{Checked, text_field};
use crate::error::{ErrorCode, Problem};

/// A write key (public: it ships in the browser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteKeyDto {
    /// `wk_…`.
    pub key: String,
    /// Label.
    pub label: String,
    /// Whether it may ask for per-campaign verdicts.
    pub debug: bool,
    /// Created (ms).
    pub created_at: i64,
    /// Stops working then (rotation overlap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// Revoked (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
}

/// `GET …/write-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteKeyList {
    /// The workspace's write keys, revoked ones included.
    pub write_keys: Vec<WriteKeyDto>,
}

/// The answer of `POST …/write-keys` and `PATCH …/write-keys/{key}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteKeyAnswer {
    /// The key as it is now.
    pub write_key: WriteKeyDto,
}

/// `POST …/write-keys`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateWriteKey {
    /// Label.
    #[serde(default)]
    pub label: String,
    /// Debug verdicts.
    #[serde(default)]
    pub debug: bool,
}

impl Checked for CreateWriteKey {
    fn check(mut self) -> Result<Self, Problem> {
        self.label = label(&self.label)?;
        Ok(self)
    }
}

fn label(s: &str) -> Result<String, Problem> {
    if s.trim().is_empty() {
        Ok(String::new())
    } else {
        text_field("label", s, 100)
    }
}

/// `PATCH …/write-keys/{key}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchWriteKey {
    /// Debug verdicts.
    pub debug: bool,
}

impl Checked for PatchWriteKey {
    fn check(self) -> Result<Self, Problem> {
        Ok(self)
    }
}

/// `POST …/write-keys/{key}/rotate`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotateBody {
    /// Hours the old key keeps working (0-720; default 24).
    #[serde(default = "default_overlap")]
    pub overlap_hours: u32,
}

fn default_overlap() -> u32 {
    24
}

impl Checked for RotateBody {
    fn check(self) -> Result<Self, Problem> {
        if self.overlap_hours > 720 {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "overlap_hours",
                "0-720",
            ));
        }
        Ok(self)
    }
}

/// The answer of a rotation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RotatedKey {
    /// The new key.
    pub write_key: WriteKeyDto,
    /// The old one, with its `expires_at`.
    pub old: WriteKeyDto,
}

/// A secret key's metadata (the secret itself is shown once, then only its hash is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretKeyDto {
    /// `sk_id_…`.
    pub id: String,
    /// Label.
    pub label: String,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    /// Created (ms).
    pub created_at: i64,
    /// Last used (ms, to the minute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<i64>,
    /// Revoked (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
}

/// `GET …/secret-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretKeyList {
    /// The workspace's secret keys (never the secrets).
    pub secret_keys: Vec<SecretKeyDto>,
}

/// The answer of `POST …/secret-keys`: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretKeyCreated {
    /// The new key's metadata.
    pub secret_key: SecretKeyDto,
    /// `sk_…`, shown once (only its SHA-256 is kept).
    pub secret: String,
}

/// `POST …/secret-keys`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateSecretKey {
    /// Label.
    pub label: String,
}

impl Checked for CreateSecretKey {
    fn check(mut self) -> Result<Self, Problem> {
        self.label = text_field("label", &self.label, 100)?;
        Ok(self)
    }
}

/// `PUT …/origins` and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginsBody {
    /// `scheme://host[:port]`, at most 50.
    pub origins: Vec<String>,
}

impl Checked for OriginsBody {
    fn check(mut self) -> Result<Self, Problem> {
        if self.origins.len() > 50 {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "origins",
                "at most 50",
            ));
        }
        for (i, o) in self.origins.iter_mut().enumerate() {
            *o = check_origin(&format!("origins[{i}]"), o)?;
        }
        self.origins.sort();
        self.origins.dedup();
        Ok(self)
    }
}

/// An origin as browsers send it: `http(s)://host[:port]`, lower case, no path.
fn check_origin(field: &str, origin: &str) -> Result<String, Problem> {
    let o = origin.trim().to_ascii_lowercase();
    let rest = o
        .strip_prefix("https://")
        .or_else(|| o.strip_prefix("http://"));
    let ok = rest.is_some_and(|hp| {
        let (host, port) = match hp.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || hp.starts_with('[') => (h, Some(p)),
            _ => (hp, None),
        };
        !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b))
            && port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0))
    });
    if ok && o.len() <= 200 {
        Ok(o)
    } else {
        Err(Problem::new(
            ErrorCode::InvalidValue,
            field,
            "an origin: http(s)://host[:port], no path",
        ))
    }
}

/// `GET …/identity`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentityDto {
    /// Whether signed identities are required.
    pub enforce: bool,
    /// The secret, only in the answer of a rotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// `PUT …/identity`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnforceBody {
    /// Require signed identities.
    pub enforce: bool,
}

impl Checked for EnforceBody {
    fn check(self) -> Result<Self, Problem> {
        Ok(self)
    }
}

/// `PUT …/webhook`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookBody {
    /// `http(s)://…`.
    pub url: String,
}

impl Checked for WebhookBody {
    fn check(mut self) -> Result<Self, Problem> {
        let u = self.url.trim();
        if !(u.starts_with("https://") || u.starts_with("http://"))
            || u.len() > 2000
            || u.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "url",
                "an http(s) URL",
            ));
        }
        self.url = u.to_owned();
        Ok(self)
    }
}

/// `GET` / `PUT …/webhook`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookDto {
    /// The endpoint, if set.
    pub url: Option<String>,
    /// The signing secret, only in the answer of a PUT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// `PUT …/settings`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    /// The version this change is based on.
    pub base_version: u32,
    /// The settings document.
    pub document: Box<serde_json::value::RawValue>,
}

impl Checked for SettingsBody {
    fn check(self) -> Result<Self, Problem> {
        let (settings, _, _) =
            crate::v1::parse_settings(self.document.get()).map_err(|p| p.within("document"))?;
        crate::v1::touch::check_touch_plans(&settings.touch_plans)
            .map_err(|p| p.within("document"))?;
        Ok(self)
    }
}

/// `GET …/settings`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SettingsDto {
    /// 0 before the first change.
    pub version: u32,
    /// SHA-256 of the canonical document.
    pub hash: String,
    /// The document.
    pub document: Box<serde_json::value::RawValue>,
    /// When (ms).
    pub updated_at: i64,
    /// By whom (user id).
    pub updated_by: String,
}

/// One entry of `GET …/settings/versions`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SettingsVersionDto {
    /// Version.
    pub version: u32,
    /// Hash.
    pub hash: String,
    /// When (ms).
    pub updated_at: i64,
    /// By whom.
    pub updated_by: String,
}

/// `GET …/settings/versions`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SettingsVersionList {
    /// Every version, newest first.
    pub versions: Vec<SettingsVersionDto>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_decode_as_they_are_written() {
        use crate::v1::control::{from_text, to_text};
        let key = WriteKeyDto {
            key: "wk_1".into(),
            label: "web".into(),
            debug: true,
            created_at: 1,
            expires_at: None,
            revoked_at: Some(2),
        };
        let list = WriteKeyList {
            write_keys: vec![key.clone()],
        };
        let text = to_text(&list);
        assert_eq!(
            text,
            r#"{"write_keys":[{"key":"wk_1","label":"web","debug":true,"created_at":1,"revoked_at":2}]}"#
        );
        assert_eq!(from_text::<WriteKeyList>(&text).expect("decodes"), list);
        // The console's reader (no path tracking) reads the same.
        assert_eq!(
            crate::v1::control::from_answer::<WriteKeyList>(&text).expect("decodes"),
            list
        );
        assert!(crate::v1::control::from_answer::<WriteKeyList>("{}").is_err());
        let created: SecretKeyCreated =
            from_text(r#"{"secret_key":{"id":"sk_id_1","label":"ci","prefix":"sk_0123456","created_at":5},"secret":"sk_x"}"#)
                .expect("decodes");
        assert_eq!(
            (created.secret_key.prefix.as_str(), created.secret.as_str()),
            ("sk_0123456", "sk_x")
        );
        let identity: IdentityDto = from_text(r#"{"enforce":true}"#).expect("decodes");
        assert!(identity.enforce && identity.secret.is_none());
        let hook: WebhookDto = from_text(r#"{"url":null}"#).expect("decodes");
        assert!(hook.url.is_none() && hook.secret.is_none());
        let settings: SettingsDto = from_text(
            r#"{"version":2,"hash":"h","document":{"budget":{"max_campaigns":4}},"updated_at":3,"updated_by":"u"}"#,
        )
        .expect("decodes");
        assert_eq!(settings.document.get(), r#"{"budget":{"max_campaigns":4}}"#);
    }

    #[test]
    fn origins() {
        for (o, ok) in [
            ("https://app.example.com", true),
            ("http://127.0.0.1:8787", true),
            ("HTTPS://App.Example.com", true),
            ("https://app.example.com/path", false),
            ("ftp://x", false),
            ("https://", false),
            ("http://x:0", false),
            ("http://x:99999", false),
        ] {
            assert_eq!(check_origin("o", o).is_ok(), ok, "{o}");
        }
    }
}
