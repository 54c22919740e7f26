//! JSON helpers: decoding with field paths, and a tiny string escaper for the SDK's batch body.

use serde::de::DeserializeOwned;

use crate::error::{ErrorCode, Problem};
use crate::json_path::{offset_of, path_at};

/// Decodes `text` as `T`, turning serde's error into a [`Problem`] that names the field
/// (read back from the text at the error's position: see [`crate::json_path`]).
pub(crate) fn decode<T: DeserializeOwned>(text: &str) -> Result<T, Problem> {
    serde_json::from_str(text).map_err(|inner| {
        let msg = inner.to_string();
        // Strip serde_json's " at line L column C" suffix: the path says where.
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
        // serde_json reports a wrong type where an enum is expected (`"surface":3`) as a
        // syntax error: text that parses as JSON has a type error, named by its field.
        let syntax = inner.is_syntax() || inner.is_eof();
        if syntax && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
            let path = path_at(text, offset_of(text, inner.line(), inner.column()));
            return Problem::new(
                ErrorCode::InvalidType,
                path,
                "not one of the allowed values",
            );
        }
        if syntax {
            return Problem::new(
                ErrorCode::MalformedJson,
                "",
                format!("body is not valid JSON: {inner}"),
            );
        }
        let path = path_at(text, offset_of(text, inner.line(), inner.column()));
        let (code, field) = if let Some(name) = between(&msg, "missing field `", "`") {
            (ErrorCode::MissingField, join(&path, name))
        } else if msg.starts_with("unknown field") {
            // The path already ends with the unknown field's name.
            (ErrorCode::UnknownField, path)
        } else if msg.starts_with("invalid type") {
            (ErrorCode::InvalidType, path)
        } else {
            (ErrorCode::InvalidValue, path)
        };
        Problem::new(code, field, msg)
    })
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &s[s.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

fn join(path: &str, name: &str) -> String {
    match path {
        "" => name.to_owned(),
        p => format!("{p}.{name}"),
    }
}

/// Writes `s` as a JSON string literal (with quotes).
pub fn escape_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON scalar as a `rules` value; `None` for arrays and objects.
pub(crate) fn scalar(v: &serde_json::Value) -> Option<rules::Value> {
    Some(match v {
        serde_json::Value::Null => rules::Value::Null,
        serde_json::Value::Bool(b) => rules::Value::Bool(*b),
        serde_json::Value::Number(n) => rules::Value::Number(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => rules::Value::Text(s.clone()),
        _ => return None,
    })
}
