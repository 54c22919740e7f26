//! What an input holds ↔ what the document holds: numbers (kept as typed when they are not
//! numbers, so the protocol names the field), literals of comparisons, and `datetime-local`
//! values ↔ milliseconds since the epoch (UTC).

use serde_json::Value;

/// A number input's text as a document value: a number when it is one, else the text as
/// typed (the protocol then reports the field); empty: absent.
pub(crate) fn number(text: &str) -> Option<Value> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(n) = t.parse::<i64>() {
        return Some(Value::from(n));
    }
    // serde_json's number parser, already in the console: `str::parse::<f64>` would add
    // core's float parser and its tables (~8 KB gzip) to the wasm.
    match serde_json::from_str::<f64>(t) {
        Ok(f) if f.is_finite() && !t.contains(['e', 'E']) => {
            serde_json::Number::from_f64(f).map(Value::Number)
        }
        _ => Some(Value::String(t.to_owned())),
    }
}

/// A document value in a number input.
pub(crate) fn number_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// A comparison's literal as typed: `3` a number, `true`/`false`/`null`, `"3"` the string
/// `3`, anything else a string.
pub(crate) fn literal(text: &str) -> Value {
    let t = text.trim();
    match t {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ => {
            if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
                return Value::String(t[1..t.len() - 1].to_owned());
            }
            match number(t) {
                Some(n @ Value::Number(_)) => n,
                _ => Value::String(text.to_owned()),
            }
        }
    }
}

/// A literal in its input: strings that would read as something else are quoted.
pub(crate) fn literal_text(v: Option<&Value>) -> String {
    match v {
        None => String::new(),
        Some(Value::String(s)) => {
            if matches!(literal(s), Value::String(ref back) if back == s) {
                s.clone()
            } else {
                format!("\"{s}\"")
            }
        }
        Some(other) => other.to_string(),
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// `2026-12-01T09:30` (UTC) → ms since the epoch; `None` when it is not such a value.
pub(crate) fn ms_of_local(text: &str) -> Option<i64> {
    let (date, time) = text.trim().split_once('T')?;
    let mut d = date.splitn(3, '-').map(str::parse::<i64>);
    let (y, m, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let mut t = time.split(':');
    let h = t.next()?.parse::<i64>().ok()?;
    let min = t.next()?.parse::<i64>().ok()?;
    let ms = t.next().map_or(Some(0), seconds_ms)?;
    let ok = (1..=12).contains(&m) && (1..=31).contains(&day) && h < 24 && min < 60;
    ok.then(|| ((days_from_civil(y, m, day) * 24 + h) * 60 + min) * 60_000 + ms)
}

/// `SS` or `SS.sss` (seconds) in milliseconds.
fn seconds_ms(text: &str) -> Option<i64> {
    let (s, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if s.is_empty() || !digits(s) || !digits(frac) {
        return None;
    }
    let mut ms = s.parse::<i64>().ok()? * 1000;
    for (i, b) in frac.bytes().take(3).enumerate() {
        ms += i64::from(b - b'0') * [100, 10, 1][i];
    }
    Some(ms)
}

/// ms since the epoch → `2026-12-01T09:30` (UTC; seconds when there are any).
pub(crate) fn local_of_ms(ms: i64) -> String {
    let (days, rest) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let (h, min, s) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60);
    if s == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_keep_what_was_typed() {
        let cases = [
            ("", None),
            ("  ", None),
            ("3", Some(json!(3))),
            ("-20", Some(json!(-20))),
            ("2.5", Some(json!(2.5))),
            ("abc", Some(json!("abc"))),
            ("1e3", Some(json!("1e3"))),
            ("-0.125", Some(json!(-0.125))),
            ("NaN", Some(json!("NaN"))),
            ("inf", Some(json!("inf"))),
        ];
        for (text, want) in cases {
            assert_eq!(number(text), want, "{text}");
            if let Some(v) = &want {
                assert_eq!(number_text(Some(v)), text.trim());
            }
        }
        assert_eq!(number_text(None), "");
    }

    #[test]
    fn literals_round_trip() {
        let cases = [
            ("3", json!(3)),
            ("true", json!(true)),
            ("null", json!(null)),
            ("pro", json!("pro")),
            ("\"3\"", json!("3")),
            ("\"true\"", json!("true")),
            ("plan b", json!("plan b")),
        ];
        for (text, want) in cases {
            assert_eq!(literal(text), want, "{text}");
            assert_eq!(literal_text(Some(&want)), text, "{want}");
        }
    }

    #[test]
    fn datetimes_are_utc_milliseconds() {
        let cases = [
            ("1970-01-01T00:00", 0),
            ("2026-12-01T09:30", 1_796_117_400_000),
            ("2000-02-29T23:59", 951_868_740_000),
            ("1969-12-31T23:00", -3_600_000),
        ];
        for (text, ms) in cases {
            assert_eq!(ms_of_local(text), Some(ms), "{text}");
            assert_eq!(local_of_ms(ms), text);
        }
        assert_eq!(ms_of_local("2026-12-01T09:30:15"), Some(1_796_117_415_000));
        assert_eq!(local_of_ms(1_796_117_415_000), "2026-12-01T09:30:15");
        assert_eq!(
            ms_of_local("2026-12-01T09:30:15.25"),
            Some(1_796_117_415_250)
        );
        assert_eq!(ms_of_local("1970-01-01T00:00:00.1234"), Some(123));
        assert_eq!(ms_of_local(""), None);
        assert_eq!(ms_of_local("2026-13-01T00:00"), None);
        assert_eq!(ms_of_local("2026-12-01T09:30:1x"), None);
        assert_eq!(ms_of_local("2026-12-01T09:30:.5"), None);
    }
}
