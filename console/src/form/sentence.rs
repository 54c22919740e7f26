//! An audience as one sentence for people: `account uses of create_expense this month ≥ 3`,
//! groups joined by "and" / "or", negations as `not (…)`. Lenient: what it cannot read is `…`.

use serde_json::Value;

use super::audience::{COMPUTED, OPS};

/// The sentence of an audience (`None`: everyone).
pub(crate) fn audience(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "Everyone".to_owned(),
        Some(c) => condition(c, false),
    }
}

fn single(v: &Value) -> Option<(&str, &Value)> {
    let o = v.as_object().filter(|o| o.len() == 1)?;
    o.iter().next().map(|(k, v)| (k.as_str(), v))
}

fn condition(v: &Value, nested: bool) -> String {
    let Some((k, arg)) = single(v) else {
        return "…".to_owned();
    };
    match k {
        "all" | "any" => {
            let children = arg.as_array().map(Vec::as_slice).unwrap_or_default();
            match children {
                [] if k == "all" => "everyone".to_owned(),
                [] => "no one".to_owned(),
                [only] => condition(only, nested),
                _ => {
                    let joined = children
                        .iter()
                        .map(|c| condition(c, true))
                        .collect::<Vec<_>>()
                        .join(if k == "all" { " and " } else { " or " });
                    if nested {
                        format!("({joined})")
                    } else {
                        joined
                    }
                }
            }
        }
        "not" => format!("not ({})", condition(arg, false)),
        "page" => format!("on page {}", arg.as_str().unwrap_or("…")),
        op => match (OPS.iter().find(|(o, _, _)| *o == op), arg.as_array()) {
            (Some((_, symbol, _)), Some(pair)) if pair.len() == 2 => {
                format!("{} {symbol} {}", operand(&pair[0]), operand(&pair[1]))
            }
            _ => "…".to_owned(),
        },
    }
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("…")
}

fn n(v: &Value, k: &str, default: &str) -> String {
    v.get(k).map_or_else(|| default.to_owned(), literal)
}

fn scope(v: &Value) -> &str {
    v.get("scope").and_then(Value::as_str).unwrap_or("account")
}

fn window(w: Option<&Value>, default: &str) -> String {
    match w {
        None => default.to_owned(),
        Some(Value::String(w)) => match w.as_str() {
            "today" => "today".to_owned(),
            "month" => "this month".to_owned(),
            "all_time" => "of all time".to_owned(),
            other => other.to_owned(),
        },
        Some(w) => format!("in the last {} days", n(w, "last_days", "…")),
    }
}

fn literal(v: &Value) -> String {
    match v {
        Value::String(s) => format!("“{s}”"),
        other => other.to_string(),
    }
}

/// One operand for people.
pub(crate) fn operand(v: &Value) -> String {
    let Some((k, a)) = single(v) else {
        return "…".to_owned();
    };
    match k {
        "value" => literal(a),
        "user_trait" => format!("user's {}", a.as_str().unwrap_or("…")),
        "account_trait" => a.as_str().unwrap_or("…").to_owned(),
        "usage" => format!(
            "{} uses of {} {}",
            scope(a),
            s(a, "feature"),
            window(a.get("window"), "…")
        ),
        "active_days" => format!(
            "{} active days in the last {} days",
            scope(a),
            n(a, "days", "…")
        ),
        "active_users" => format!("active users in the last {} days", n(a, "days", "…")),
        "engagement_trend" => format!(
            "{} engagement trend over {} days (%)",
            scope(a),
            n(a, "days", "…")
        ),
        "limit_usage" => format!(
            "% of {} used by {} this month",
            s(a, "limit_trait"),
            s(a, "feature")
        ),
        "seat_utilisation" => format!(
            "% of {} seats active in the last {} days",
            s(a, "seats_trait"),
            n(a, "days", "28")
        ),
        "adoption_breadth" => format!(
            "% of key features {} used in the last {} days",
            scope(a),
            n(a, "days", "…")
        ),
        "event_count" => {
            let filters = a
                .get("where")
                .and_then(Value::as_array)
                .map(|fs| {
                    fs.iter()
                        .map(|f| {
                            let op = OPS
                                .iter()
                                .find(|(o, _, _)| Some(*o) == f.get("op").and_then(Value::as_str))
                                .map_or("?", |(_, sym, _)| sym);
                            format!("{} {op} {}", s(f, "property"), n(f, "value", "…"))
                        })
                        .collect::<Vec<_>>()
                        .join(" and ")
                })
                .filter(|f| !f.is_empty())
                .map(|f| format!(" where {f}"))
                .unwrap_or_default();
            format!(
                "{} {} events {}{filters}",
                scope(a),
                s(a, "name"),
                window(a.get("window"), "in the last 90 days")
            )
        }
        "days_since_first" | "days_since_last" => format!(
            "days since {} {} {}",
            scope(a),
            if k == "days_since_first" {
                "first"
            } else {
                "last"
            },
            s(a, "name")
        ),
        "survey_score" => format!("user's score on survey {}", s(a, "campaign")),
        "nps" => format!(
            "NPS of survey {} over {} days",
            s(a, "campaign"),
            n(a, "days", "365")
        ),
        "computed" => COMPUTED
            .iter()
            .find(|(c, _)| Some(*c) == a.as_str())
            .map_or("…", |(_, label)| label)
            .to_owned(),
        _ => "…".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn usage() -> Value {
        json!({ "usage": { "feature": "create_expense", "scope": "account", "window": "month" } })
    }

    #[test]
    fn every_operand_reads_as_words() {
        let cases = [
            (json!({ "value": 3 }), "3"),
            (json!({ "value": "pro" }), "“pro”"),
            (json!({ "value": true }), "true"),
            (json!({ "user_trait": "role" }), "user's role"),
            (
                json!({ "account_trait": "plan_expense_limit" }),
                "plan_expense_limit",
            ),
            (usage(), "account uses of create_expense this month"),
            (
                json!({ "usage": { "feature": "f", "scope": "user", "window": "today" } }),
                "user uses of f today",
            ),
            (
                json!({ "usage": { "feature": "f", "window": "all_time" } }),
                "account uses of f of all time",
            ),
            (
                json!({ "usage": { "feature": "f", "window": { "last_days": 7 } } }),
                "account uses of f in the last 7 days",
            ),
            (
                json!({ "active_days": { "scope": "user", "days": 7 } }),
                "user active days in the last 7 days",
            ),
            (
                json!({ "active_users": { "days": 28 } }),
                "active users in the last 28 days",
            ),
            (
                json!({ "engagement_trend": { "days": 7 } }),
                "account engagement trend over 7 days (%)",
            ),
            (
                json!({ "limit_usage": { "feature": "f", "limit_trait": "lim" } }),
                "% of lim used by f this month",
            ),
            (
                json!({ "seat_utilisation": { "seats_trait": "seats" } }),
                "% of seats seats active in the last 28 days",
            ),
            (
                json!({ "adoption_breadth": { "scope": "account", "days": 28 } }),
                "% of key features account used in the last 28 days",
            ),
            (
                json!({ "event_count": { "name": "submit", "scope": "user" } }),
                "user submit events in the last 90 days",
            ),
            (
                json!({ "event_count": { "name": "submit", "window": "month", "where": [{ "property": "amount", "op": "gte", "value": 1000 }] } }),
                "account submit events this month where amount ≥ 1000",
            ),
            (
                json!({ "days_since_first": { "name": "e", "scope": "user" } }),
                "days since user first e",
            ),
            (
                json!({ "days_since_last": { "name": "e" } }),
                "days since account last e",
            ),
            (
                json!({ "survey_score": { "campaign": "nps" } }),
                "user's score on survey nps",
            ),
            (
                json!({ "nps": { "campaign": "nps" } }),
                "NPS of survey nps over 365 days",
            ),
            (json!({ "computed": "value_tier" }), "value tier"),
            (json!({ "computed": "lifecycle_stage" }), "lifecycle stage"),
            (json!({ "computed": "health_score" }), "health score"),
            (json!({ "computed": "health" }), "health"),
            (json!({ "bogus": 1 }), "…"),
        ];
        for (v, want) in cases {
            assert_eq!(operand(&v), want, "{v}");
        }
    }

    #[test]
    fn conditions_read_as_a_sentence() {
        let cases = [
            (
                json!({ "gte": [usage(), { "value": 3 }] }),
                "account uses of create_expense this month ≥ 3",
            ),
            (
                json!({ "gt": [usage(), { "account_trait": "plan_expense_limit" }] }),
                "account uses of create_expense this month > plan_expense_limit",
            ),
            (
                json!({ "eq": [{ "user_trait": "role" }, { "value": "admin" }] }),
                "user's role = “admin”",
            ),
            (
                json!({ "ne": [{ "computed": "health" }, { "value": "red" }] }),
                "health ≠ “red”",
            ),
            (json!({ "lt": [{ "value": 1 }, { "value": 2 }] }), "1 < 2"),
            (json!({ "lte": [{ "value": 1 }, { "value": 2 }] }), "1 ≤ 2"),
            (json!({ "page": "/reports/*" }), "on page /reports/*"),
            (
                json!({ "all": [{ "page": "/a" }, { "any": [{ "page": "/b" }, { "page": "/c" }] }] }),
                "on page /a and (on page /b or on page /c)",
            ),
            (
                json!({ "not": { "any": [{ "page": "/b" }, { "page": "/c" }] } }),
                "not (on page /b or on page /c)",
            ),
            (json!({ "all": [] }), "everyone"),
            (json!({ "any": [] }), "no one"),
            (json!({ "all": [{ "page": "/a" }] }), "on page /a"),
            (json!({ "gte": [usage()] }), "…"),
        ];
        for (v, want) in cases {
            assert_eq!(audience(Some(&v)), want, "{v}");
        }
        assert_eq!(audience(None), "Everyone");
    }
}
