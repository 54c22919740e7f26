//! A field-level diff of two campaign documents: the paths that were added, removed or
//! replaced (`content.title`, `audience.all[0].gte[1].value`).

use serde::Serialize;
use serde_json::Value;

/// One changed field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Field path.
    pub path: String,
    /// `add`, `remove` or `replace`.
    pub op: &'static str,
    /// The value before (not for `add`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The value after (not for `remove`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// The changes from `before` to `after` (documents as JSON text; invalid text reads as null).
pub fn diff_documents(before: &str, after: &str) -> Vec<Change> {
    let a: Value = serde_json::from_str(before).unwrap_or(Value::Null);
    let b: Value = serde_json::from_str(after).unwrap_or(Value::Null);
    let mut out = Vec::new();
    walk("", &a, &b, &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// One member of an object or array, present on either side or both.
fn member(path: String, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Change>) {
    match (a, b) {
        (Some(va), Some(vb)) => walk(&path, va, vb, out),
        (a, b) if a.is_some() || b.is_some() => out.push(Change {
            path,
            op: if a.is_some() { "remove" } else { "add" },
            before: a.cloned(),
            after: b.cloned(),
        }),
        _ => {}
    }
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<Change>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = join(path, k);
                member(p, x.get(k), y.get(k), out);
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let p = format!("{path}[{i}]");
                member(p, x.get(i), y.get(i), out);
            }
        }
        _ if a == b => {}
        _ => out.push(Change {
            path: path.to_owned(),
            op: "replace",
            before: Some(a.clone()),
            after: Some(b.clone()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs() {
        type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);
        let cases: [Case<'_>; 4] = [
            (r#"{"a":1}"#, r#"{"a":1}"#, &[]),
            (
                r#"{"c":{"t":"x"}}"#,
                r#"{"c":{"t":"y"}}"#,
                &[("c.t", "replace")],
            ),
            (r#"{"l":[1,2]}"#, r#"{"l":[1]}"#, &[("l[1]", "remove")]),
            (r#"{"a":1}"#, r#"{"a":1,"b":{"x":2}}"#, &[("b", "add")]),
        ];
        for (a, b, want) in cases {
            let got: Vec<(String, &str)> = diff_documents(a, b)
                .into_iter()
                .map(|c| (c.path, c.op))
                .collect();
            let want: Vec<(String, &str)> =
                want.iter().map(|(p, o)| ((*p).to_owned(), *o)).collect();
            assert_eq!(got, want, "{a} → {b}");
        }
    }
}
