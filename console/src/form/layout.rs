//! The document laid out as text after a form change: 2-space indentation, keys in the
//! order of the protocol's types (as in the starter document), unknown keys (locale tags)
//! after them, alphabetically; so the JSON view does not reshuffle as the form edits.

use serde_json::Value;

/// The order of keys in a laid-out document: the order of the protocol's types (as in the
/// starter document); keys it does not know (locale tags) follow, alphabetically.
const ORDER: &[&str] = &[
    "id",
    "weight",
    "surface",
    "category",
    "priority",
    "trigger",
    "delay_seconds",
    "recurrence",
    "snooze_hours",
    "account_cap",
    "experiment",
    "audience",
    "content",
    "starts_at",
    "ends_at",
    "title",
    "body",
    "label",
    "event",
    "url",
    "cta",
    "cta_label",
    "dismiss_label",
    "survey",
    "anchor",
    "page",
    "steps",
    "tasks",
    "locales",
    "question",
    "low_label",
    "high_label",
    "comment_label",
    "name",
    "selector",
    "element",
    "fact",
    "within_hours",
    "max",
    "every_days",
    "days",
    "max_users",
    "window_hours",
    "holdout_percent",
    "variants",
    "feature",
    "limit_trait",
    "seats_trait",
    "campaign",
    "scope",
    "window",
    "where",
    "property",
    "op",
    "value",
];

fn rank(k: &str) -> usize {
    ORDER.iter().position(|o| *o == k).unwrap_or(ORDER.len())
}

/// The document as text: 2-space indentation, keys in the stable order of [`ORDER`].
pub(crate) fn pretty(doc: &Value) -> String {
    let mut out = String::new();
    write(doc, 0, &mut out);
    out
}

fn write(v: &Value, depth: usize, out: &mut String) {
    let pad = |d: usize, out: &mut String| out.extend(std::iter::repeat_n("  ", d));
    match v {
        Value::Array(a) if !a.is_empty() => {
            out.push_str("[\n");
            for (i, x) in a.iter().enumerate() {
                pad(depth + 1, out);
                write(x, depth + 1, out);
                out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            pad(depth, out);
            out.push(']');
        }
        Value::Object(o) if !o.is_empty() => {
            let mut keys: Vec<&String> = o.keys().collect();
            // An insertion sort: objects are small, and `slice::sort` would cost the console's
            // wasm another instance of the standard sort (about 4 KB).
            for i in 1..keys.len() {
                let mut j = i;
                while j > 0 && (rank(keys[j - 1]), keys[j - 1]) > (rank(keys[j]), keys[j]) {
                    keys.swap(j - 1, j);
                    j -= 1;
                }
            }
            out.push_str("{\n");
            for (i, k) in keys.iter().enumerate() {
                pad(depth + 1, out);
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push_str(": ");
                write(&o[k.as_str()], depth + 1, out);
                out.push_str(if i + 1 < keys.len() { ",\n" } else { "\n" });
            }
            pad(depth, out);
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_layout_is_stable_and_matches_the_starter() {
        let starter: Value = serde_json::from_str(crate::doc::STARTER).expect("json");
        assert_eq!(pretty(&starter), crate::doc::STARTER);
        let doc = json!({ "content": { "locales": { "fr": {}, "ar": { "title": "x" } },
            "cta": { "url": "/", "label": "Go" }, "body": "b", "title": "t" }, "surface": "banner",
            "id": "x", "audience": { "all": [] }, "recurrence": { "times": { "every_days": 1, "max": 2 } } });
        let text = pretty(&doc);
        assert_eq!(serde_json::from_str::<Value>(&text).expect("json"), doc);
        let at = |s: &str| text.find(s).expect(s);
        assert!(at("\"id\"") < at("\"surface\""));
        assert!(at("\"recurrence\"") < at("\"audience\""));
        assert!(at("\"audience\"") < at("\"content\""));
        assert!(at("\"title\"") < at("\"body\""));
        assert!(at("\"label\"") < at("\"url\""));
        assert!(at("\"max\"") < at("\"every_days\""));
        assert!(at("\"ar\"") < at("\"fr\""));
        assert!(text.contains("\"all\": []"));
        assert!(text.contains("\"fr\": {}"));
    }
}
