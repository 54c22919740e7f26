//! The audience builder's vocabulary, pure: the kinds of conditions and operands, the default
//! each kind starts from (valid for the protocol), and the edits of a condition tree (add a
//! condition or a group, change a node's kind, remove it).

use serde_json::{Value, json};

use super::{get, key, set};

/// Comparison operators: (key, symbol, label).
pub(crate) const OPS: [(&str, &str, &str); 6] = [
    ("eq", "=", "= equals"),
    ("ne", "≠", "≠ does not equal"),
    ("gt", ">", "> is more than"),
    ("gte", "≥", "≥ is at least"),
    ("lt", "<", "< is less than"),
    ("lte", "≤", "≤ is at most"),
];

/// Kinds of condition node: (kind, label). Comparisons are `cmp`.
pub(crate) const NODES: [(&str, &str); 5] = [
    ("cmp", "Comparison"),
    ("all", "All of (and)"),
    ("any", "Any of (or)"),
    ("not", "Not"),
    ("page", "On page"),
];

/// Operand kinds: (key, label).
pub(crate) const OPERANDS: [(&str, &str); 17] = [
    ("value", "Value"),
    ("user_trait", "User trait"),
    ("account_trait", "Account trait"),
    ("usage", "Feature usage"),
    ("active_days", "Active days"),
    ("active_users", "Active users"),
    ("engagement_trend", "Engagement trend (%)"),
    ("limit_usage", "Limit used (%)"),
    ("seat_utilisation", "Seat utilisation (%)"),
    ("adoption_breadth", "Adoption breadth (%)"),
    ("event_count", "Event count"),
    ("days_since_first", "Days since first event"),
    ("days_since_last", "Days since last event"),
    ("survey_score", "Survey score"),
    ("nps", "NPS"),
    ("computed", "Computed account fact"),
    ("", "Other (edit in JSON)"),
];

/// The operators for a select: (key, label).
pub(crate) fn op_choices() -> Vec<(&'static str, &'static str)> {
    OPS.iter().map(|(k, _, label)| (*k, *label)).collect()
}

/// The `computed` facts: (key, label).
pub(crate) const COMPUTED: [(&str, &str); 4] = [
    ("value_tier", "value tier"),
    ("lifecycle_stage", "lifecycle stage"),
    ("health_score", "health score"),
    ("health", "health"),
];

/// Usage windows: (key, label); `last_days` carries a number.
pub(crate) const WINDOWS: [(&str, &str); 4] = [
    ("today", "Today"),
    ("month", "This month"),
    ("all_time", "All time"),
    ("last_days", "Last N days"),
];

/// The operand a kind starts as.
pub(crate) fn operand(kind: &str) -> Value {
    match kind {
        "value" => json!({ "value": 1 }),
        "user_trait" => json!({ "user_trait": "role" }),
        "account_trait" => json!({ "account_trait": "plan" }),
        "usage" => {
            json!({ "usage": { "feature": "feature_name", "scope": "account", "window": "month" } })
        }
        "active_days" | "engagement_trend" | "adoption_breadth" => {
            json!({ kind: { "scope": "account", "days": 28 } })
        }
        "active_users" => json!({ "active_users": { "days": 28 } }),
        "limit_usage" => {
            json!({ "limit_usage": { "feature": "feature_name", "limit_trait": "plan_limit" } })
        }
        "seat_utilisation" => json!({ "seat_utilisation": { "seats_trait": "seats", "days": 28 } }),
        "event_count" => json!({ "event_count": { "name": "event_name", "scope": "account" } }),
        "days_since_first" | "days_since_last" => {
            json!({ kind: { "name": "event_name", "scope": "account" } })
        }
        "survey_score" => json!({ "survey_score": { "campaign": "nps" } }),
        "nps" => json!({ "nps": { "campaign": "nps", "days": 365 } }),
        "computed" => json!({ "computed": "health" }),
        _ => json!({ "value": null }),
    }
}

/// The kind of the operand `v` (`""` when it is none the builder knows).
pub(crate) fn operand_kind(v: Option<&Value>) -> &'static str {
    let k = v
        .and_then(Value::as_object)
        .filter(|o| o.len() == 1)
        .and_then(|o| o.keys().next());
    OPERANDS
        .iter()
        .map(|(kind, _)| *kind)
        .find(|kind| !kind.is_empty() && Some(*kind) == k.map(String::as_str))
        .unwrap_or("")
}

/// The kind of the condition `v`: `cmp` for comparisons, `""` when unknown.
pub(crate) fn node_kind(v: Option<&Value>) -> &'static str {
    let k = v
        .and_then(Value::as_object)
        .filter(|o| o.len() == 1)
        .and_then(|o| o.keys().next())
        .map_or("", String::as_str);
    if OPS.iter().any(|(op, _, _)| *op == k) {
        "cmp"
    } else {
        NODES
            .iter()
            .map(|(n, _)| *n)
            .find(|n| *n == k)
            .unwrap_or("")
    }
}

/// A new comparison: `account uses of feature_name this month ≥ 1`.
pub(crate) fn comparison() -> Value {
    json!({ "gte": [operand("usage"), operand("value")] })
}

/// The condition a kind starts as; `from` (the node being changed) is kept inside a new
/// group or negation.
pub(crate) fn node(kind: &str, from: Option<&Value>) -> Value {
    let inner = from.cloned().unwrap_or_else(comparison);
    match kind {
        "all" | "any" => {
            // A group becoming the other kind of group keeps its children.
            let children = match from.and_then(|f| f.get("all").or_else(|| f.get("any"))) {
                Some(Value::Array(c)) => c.clone(),
                _ => vec![inner],
            };
            json!({ kind: children })
        }
        "not" => json!({ "not": inner }),
        "page" => json!({ "page": "/" }),
        _ => comparison(),
    }
}

/// Changes the kind of the condition at `path`.
pub(crate) fn set_node_kind(doc: &mut Value, path: &str, kind: &str) {
    let from = get(doc, path).cloned();
    let current = node_kind(from.as_ref());
    if current == kind {
        return;
    }
    // Leaving a group for a comparison keeps nothing; entering one wraps the node.
    let keep = match (current, kind) {
        ("all" | "any", "all" | "any") => from.as_ref(),
        (_, "all" | "any" | "not") if !current.is_empty() => from.as_ref(),
        _ => None,
    };
    let next = node(kind, keep);
    set(doc, path, Some(next));
}

/// Changes the comparison operator of the comparison at `path`, keeping its operands.
pub(crate) fn set_op(doc: &mut Value, path: &str, op: &str) {
    let kind = super::only_key(doc, path);
    if let Some(args) = get(doc, &key(path, &kind)).cloned() {
        set(doc, path, Some(json!({ op: args })));
    }
}

/// Adds a condition (`group`: a group of one) to the group at `path` (`…all` or `…any`).
pub(crate) fn add(doc: &mut Value, group_path: &str, group: bool) {
    let child = if group {
        json!({ "any": [comparison()] })
    } else {
        comparison()
    };
    super::push(doc, group_path, child);
}

/// Removes the condition at `path`: an element of a group, or the whole audience.
pub(crate) fn remove(doc: &mut Value, path: &str) {
    set(doc, path, None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{len_at, pretty};

    fn valid(audience: &Value) -> bool {
        let doc = json!({ "id": "x", "surface": "banner", "recurrence": "once",
            "content": { "title": "t", "body": "b" }, "audience": audience });
        crate::doc::check(&pretty(&doc)).is_none()
    }

    #[test]
    fn every_operand_and_node_kind_starts_valid() {
        for (kind, _) in OPERANDS {
            let o = operand(kind);
            assert_eq!(
                operand_kind(Some(&o)),
                if kind.is_empty() { "value" } else { kind }
            );
            for (op, _, _) in OPS {
                assert!(
                    valid(&json!({ op: [o.clone(), operand("value")] })),
                    "{kind} {op}"
                );
            }
        }
        for (kind, _) in NODES {
            let n = node(kind, None);
            assert_eq!(node_kind(Some(&n)), kind);
            assert!(valid(&n), "{kind}");
        }
        assert_eq!(node_kind(Some(&json!({ "bogus": 1 }))), "");
        assert_eq!(operand_kind(Some(&json!({ "bogus": 1 }))), "");
    }

    #[test]
    fn the_tree_is_edited_in_place() {
        let mut doc = json!({});
        set(&mut doc, "audience", Some(comparison()));
        set_node_kind(&mut doc, "audience", "all");
        assert_eq!(
            len_at(
                &doc,
                &key("audience", &crate::form::only_key(&doc, "audience"))
            ),
            1
        );
        assert_eq!(node_kind(get(&doc, "audience.all[0]")), "cmp");
        add(&mut doc, "audience.all", false);
        add(&mut doc, "audience.all", true);
        assert_eq!(
            len_at(
                &doc,
                &key("audience", &crate::form::only_key(&doc, "audience"))
            ),
            3
        );
        assert_eq!(node_kind(get(&doc, "audience.all[2]")), "any");
        set_node_kind(&mut doc, "audience", "any");
        assert_eq!(
            len_at(
                &doc,
                &key("audience", &crate::form::only_key(&doc, "audience"))
            ),
            3
        );
        set_op(&mut doc, "audience.any[0]", "lt");
        assert_eq!(crate::form::only_key(&doc, "audience.any[0]"), "lt");
        set_node_kind(&mut doc, "audience.any[1]", "not");
        assert_eq!(node_kind(get(&doc, "audience.any[1].not")), "cmp");
        remove(&mut doc, "audience.any[0]");
        assert_eq!(
            len_at(
                &doc,
                &key("audience", &crate::form::only_key(&doc, "audience"))
            ),
            2
        );
        assert!(valid(get(&doc, "audience").expect("audience")));
        set_node_kind(&mut doc, "audience", "page");
        assert_eq!(get(&doc, "audience"), Some(&json!({ "page": "/" })));
        remove(&mut doc, "audience");
        assert!(get(&doc, "audience").is_none());
    }
}
