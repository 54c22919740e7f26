//! The workspace settings editor's pure part: the form's numbers (budget and value-tier
//! thresholds) read from and written into the settings document, the document validated with
//! `protocol::v1::parse_settings` (as the edge validates it), refusals placed at their input,
//! and the body of `PUT …/settings`. Natively tested.

use protocol::v1::control::{SettingsBody, to_text};
use protocol::{ErrorCode, Problem};
use serde_json::{Map, Number, Value};

/// A number of the settings form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// `budget.max_campaigns`.
    MaxCampaigns,
    /// `budget.window_hours`.
    WindowHours,
    /// `budget.interruptive_per_session`.
    InterruptivePerSession,
    /// `value_tiers.high`.
    TierHigh,
    /// `value_tiers.medium`.
    TierMedium,
}

impl Field {
    /// Every field, in the form's order.
    pub(crate) const ALL: [Field; 5] = [
        Field::MaxCampaigns,
        Field::WindowHours,
        Field::InterruptivePerSession,
        Field::TierHigh,
        Field::TierMedium,
    ];

    /// Its path in the document (and in refusals).
    pub(crate) fn path(self) -> &'static str {
        match self {
            Field::MaxCampaigns => "budget.max_campaigns",
            Field::WindowHours => "budget.window_hours",
            Field::InterruptivePerSession => "budget.interruptive_per_session",
            Field::TierHigh => "value_tiers.high",
            Field::TierMedium => "value_tiers.medium",
        }
    }

    /// Its input's id.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Field::MaxCampaigns => "max-campaigns",
            Field::WindowHours => "window-hours",
            Field::InterruptivePerSession => "interruptive-per-session",
            Field::TierHigh => "tier-high",
            Field::TierMedium => "tier-medium",
        }
    }

    /// Its label.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Field::MaxCampaigns => "Campaigns per window (max_campaigns)",
            Field::WindowHours => "Window in hours (window_hours, 1-2160)",
            Field::InterruptivePerSession => "Modals per session (interruptive_per_session)",
            Field::TierHigh => "High tier from (value_tiers.high)",
            Field::TierMedium => "Medium tier from (value_tiers.medium)",
        }
    }

    /// Whether it is a budget number (a whole number; its default applies when absent).
    fn is_budget(self) -> bool {
        matches!(
            self,
            Field::MaxCampaigns | Field::WindowHours | Field::InterruptivePerSession
        )
    }

    /// `(section, key)` in the document.
    fn keys(self) -> (&'static str, &'static str) {
        self.path().split_once('.').unwrap_or(("", ""))
    }

    /// The value the edge uses when the document has none (`budget`'s defaults).
    fn default(self) -> Option<u32> {
        match self {
            Field::MaxCampaigns => Some(3),
            Field::WindowHours => Some(24),
            Field::InterruptivePerSession => Some(1),
            Field::TierHigh | Field::TierMedium => None,
        }
    }

    /// The field a refusal is about (`budget.window_hours`, or the edge's
    /// `document.budget.window_hours`).
    pub(crate) fn of(problem_field: &str) -> Option<Field> {
        let path = problem_field
            .strip_prefix("document.")
            .unwrap_or(problem_field);
        Field::ALL.into_iter().find(|f| f.path() == path)
    }
}

/// The editor's verdict on the document being typed: `None` when the edge would take it.
pub(crate) fn check(text: &str) -> Option<Problem> {
    protocol::v1::parse_settings(text).err()
}

/// A problem as one line: `at budget.window_hours: must be 1-2160`.
pub(crate) fn describe(p: &Problem) -> String {
    let field = p.field.strip_prefix("document.").unwrap_or(&p.field);
    if field.is_empty() || field == "document" {
        p.message.clone()
    } else {
        format!("at {field}: {}", p.message)
    }
}

/// A stored document (compact JSON) laid out for editing.
pub(crate) fn pretty(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_owned())
}

fn object(text: &str) -> Option<Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// What the form shows for `field`: the document's number, the edge's default for a budget
/// number, or nothing.
pub(crate) fn value(text: &str, field: Field) -> String {
    let (section, key) = field.keys();
    let found = object(text).and_then(|m| m.get(section)?.get(key).cloned());
    match (found, field.default()) {
        (Some(v), _) => v.to_string(),
        (None, Some(d)) if object(text).is_some() => d.to_string(),
        _ => String::new(),
    }
}

fn invalid(field: Field, message: &str) -> Problem {
    Problem::new(ErrorCode::InvalidValue, field.path(), message)
}

/// The number typed into `field`, as JSON.
fn number(field: Field, input: &str) -> Result<Number, Problem> {
    let s = input.trim();
    if field.is_budget() {
        return s
            .parse::<u32>()
            .map(Number::from)
            .map_err(|_| invalid(field, "a whole number, 0 or more"));
    }
    if let Ok(n) = s.parse::<i64>() {
        return Ok(Number::from(n));
    }
    // serde_json's number parser (already in the console), not core's (~8 KB gzip more).
    serde_json::from_str::<f64>(s)
        .ok()
        .and_then(Number::from_f64)
        .ok_or_else(|| invalid(field, "a number"))
}

/// The document with `input` typed into `field` (laid out for editing), or why not.
pub(crate) fn set(text: &str, field: Field, input: &str) -> Result<String, Problem> {
    let n = number(field, input)?;
    let mut doc = object(text).ok_or_else(|| {
        invalid(
            field,
            "the document below is not a JSON object: fix it there first",
        )
    })?;
    let (section, key) = field.keys();
    let part = doc
        .entry(section)
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(part) = part else {
        return Err(invalid(
            field,
            &format!("`{section}` in the document is not an object"),
        ));
    };
    if !field.is_budget() && !part.contains_key("value") {
        return Err(invalid(
            field,
            "the document has no value_tiers.value (what ranks accounts): define it in the JSON first",
        ));
    }
    part.insert(key.to_owned(), Value::Number(n));
    Ok(serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default())
}

/// The body of `PUT …/settings`, or why the text cannot be sent.
pub(crate) fn put_body(base_version: u32, text: &str) -> Result<String, Problem> {
    if let Some(p) = check(text) {
        return Err(p.within("document"));
    }
    let document = serde_json::value::RawValue::from_string(text.to_owned())
        .map_err(|e| Problem::new(ErrorCode::MalformedJson, "document", e.to_string()))?;
    Ok(to_text(&SettingsBody {
        base_version,
        document,
    }))
}

/// What a valid document defines, for people: the lifecycle's stages (the default ones when
/// it sets none) and the health scorecard's components with their weights.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Summary {
    /// Stage names, first to last.
    pub(crate) stages: Vec<String>,
    /// Whether the stages are the default ones.
    pub(crate) default_stages: bool,
    /// `(name, weight)` of each health component.
    pub(crate) health: Vec<(String, f64)>,
    /// `(green_at, yellow_at)` of the scorecard.
    pub(crate) health_bands: Option<(f64, f64)>,
}

/// The summary of a valid document.
pub(crate) fn summary(text: &str) -> Option<Summary> {
    let (s, _, model) = protocol::v1::parse_settings(text).ok()?;
    Some(Summary {
        stages: model.lifecycle.iter().map(|st| st.name.clone()).collect(),
        default_stages: s.lifecycle.is_none(),
        health: s
            .health
            .as_ref()
            .map(|h| {
                h.components
                    .iter()
                    .map(|c| (c.name.clone(), c.weight))
                    .collect()
            })
            .unwrap_or_default(),
        health_bands: s.health.as_ref().map(|h| (h.green_at, h.yellow_at)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIERS: &str =
        r#"{"value_tiers":{"value":{"account_trait":"arr"},"high":50000,"medium":10000}}"#;

    #[test]
    fn the_form_reads_the_document_or_the_defaults() {
        let cases = [
            ("{}", Field::MaxCampaigns, "3"),
            ("{}", Field::WindowHours, "24"),
            ("{}", Field::InterruptivePerSession, "1"),
            ("{}", Field::TierHigh, ""),
            (
                r#"{"budget":{"max_campaigns":5}}"#,
                Field::MaxCampaigns,
                "5",
            ),
            (
                r#"{"budget":{"max_campaigns":5}}"#,
                Field::WindowHours,
                "24",
            ),
            (TIERS, Field::TierHigh, "50000"),
            (TIERS, Field::TierMedium, "10000"),
            ("not json", Field::MaxCampaigns, ""),
        ];
        for (doc, field, shown) in cases {
            assert_eq!(value(doc, field), shown, "{doc} {field:?}");
        }
    }

    #[test]
    fn typing_into_the_form_writes_the_document() {
        let cases: [(&str, Field, &str, Result<&str, &str>); 10] = [
            ("{}", Field::MaxCampaigns, "5", Ok("5")),
            ("{}", Field::WindowHours, " 48 ", Ok("48")),
            ("{}", Field::MaxCampaigns, "", Err("budget.max_campaigns")),
            ("{}", Field::MaxCampaigns, "-1", Err("budget.max_campaigns")),
            (
                "{}",
                Field::MaxCampaigns,
                "2.5",
                Err("budget.max_campaigns"),
            ),
            (TIERS, Field::TierHigh, "60000.5", Ok("60000.5")),
            (TIERS, Field::TierMedium, "abc", Err("value_tiers.medium")),
            ("{}", Field::TierHigh, "5", Err("value_tiers.high")),
            ("[1]", Field::WindowHours, "5", Err("budget.window_hours")),
            (
                r#"{"budget":3}"#,
                Field::WindowHours,
                "5",
                Err("budget.window_hours"),
            ),
        ];
        for (doc, field, input, want) in cases {
            let got = set(doc, field, input);
            match (got, want) {
                (Ok(text), Ok(shown)) => assert_eq!(value(&text, field), shown, "{doc} {input}"),
                (Err(p), Err(path)) => assert_eq!(p.field, path, "{doc} {input}"),
                (got, want) => panic!("{doc} {field:?} {input}: {got:?}, wanted {want:?}"),
            }
        }
    }

    #[test]
    fn the_form_keeps_the_rest_of_the_document() {
        let doc = r#"{"budget":{"max_campaigns":3,"caps":[{"max":1,"window_hours":168}]},"key_features":["export"]}"#;
        let text = set(doc, Field::MaxCampaigns, "4").expect("set");
        let v: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["budget"]["caps"][0]["window_hours"], 168);
        assert_eq!(v["key_features"][0], "export");
        assert_eq!(v["budget"]["max_campaigns"], 4);
        assert!(check(&text).is_none());
    }

    #[test]
    fn the_document_is_validated_as_the_edge_does_with_errors_at_their_path() {
        let cases = [
            ("{}", None),
            (TIERS, None),
            (
                r#"{"budget":{"window_hours":0}}"#,
                Some("budget.window_hours"),
            ),
            (r#"{"budget":{"bogus":1}}"#, Some("budget.bogus")),
            (
                r#"{"value_tiers":{"value":{"account_trait":"arr"},"high":1,"medium":2}}"#,
                Some("value_tiers.high"),
            ),
            (
                r#"{"health":{"components":[],"green_at":70,"yellow_at":40}}"#,
                Some("health.components"),
            ),
            (
                r#"{"lifecycle":[{"stage":"a"},{"stage":"b"}]}"#,
                Some("lifecycle[1].when"),
            ),
            ("{", Some("")),
        ];
        for (doc, field) in cases {
            assert_eq!(
                check(doc).map(|p| p.field),
                field.map(str::to_owned),
                "{doc}"
            );
        }
    }

    #[test]
    fn refusals_land_at_their_input() {
        let cases = [
            ("document.budget.window_hours", Some(Field::WindowHours)),
            ("budget.max_campaigns", Some(Field::MaxCampaigns)),
            ("value_tiers.medium", Some(Field::TierMedium)),
            ("document.health.green_at", None),
            ("base_version", None),
        ];
        for (field, want) in cases {
            assert_eq!(Field::of(field), want, "{field}");
        }
        let p = Problem::new(
            ErrorCode::InvalidValue,
            "document.budget.window_hours",
            "must be 1-2160",
        );
        assert_eq!(describe(&p), "at budget.window_hours: must be 1-2160");
        let p = Problem::new(ErrorCode::StaleVersion, "base_version", "now 3");
        assert_eq!(describe(&p), "at base_version: now 3");
        for f in Field::ALL {
            assert!(
                f.label()
                    .contains(f.path().rsplit('.').next().unwrap_or_default())
            );
        }
    }

    #[test]
    fn the_put_body_carries_the_base_version_and_is_refused_when_invalid() {
        let body = put_body(7, "{\n  \"budget\": {\"max_campaigns\": 2}\n}").expect("valid");
        let parsed: SettingsBody =
            protocol::v1::control::parse_body(&body).expect("edge parses it");
        assert_eq!(parsed.base_version, 7);
        let e = put_body(7, r#"{"budget":{"window_hours":0}}"#).expect_err("invalid");
        assert_eq!(e.field, "document.budget.window_hours");
    }

    #[test]
    fn a_valid_document_is_summarised() {
        let s = summary("{}").expect("valid");
        assert!(s.default_stages);
        assert_eq!(s.stages.first().map(String::as_str), Some("onboarding"));
        assert_eq!(s.stages.len(), 5);
        assert!(s.health.is_empty());
        let doc = r#"{"lifecycle":[{"stage":"new"}],"health":{"components":[{"name":"usage","weight":2,"value":{"account_trait":"usage"},"red_at":0,"green_at":10}],"green_at":70,"yellow_at":40}}"#;
        let s = summary(doc).expect("valid");
        assert_eq!(s.stages, ["new"]);
        assert!(!s.default_stages);
        assert_eq!(s.health, [("usage".to_owned(), 2.0)]);
        assert_eq!(s.health_bands, Some((70.0, 40.0)));
        assert_eq!(summary("{\"x\":1}"), None);
        assert_eq!(pretty(r#"{"a":1}"#), "{\n  \"a\": 1\n}");
    }
}
