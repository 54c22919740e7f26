//! The console's CSV import of account traits: RFC 4180 text (quoted fields, `""` escapes,
//! CRLF or LF, an optional byte-order mark) whose header names `account_id` and the traits.
//! Each row is checked alone; a bad row is refused with its line and field and nothing of it
//! is stored, the good rows are stored. Known commercial columns are typed, the others are
//! text; an empty cell sets nothing. A row that sets a subjective input (executive
//! relationship, champion strength) needs a `note`, which goes to the audit log.

use crate::error::{ErrorCode, Problem};
use crate::v1::event::JsonMap;

/// At most this many bytes of CSV.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;
/// At most this many rows (the header aside): each is one call to its account's object
/// within the request, so a file stays well within a Worker's subrequests.
pub const MAX_IMPORT_ROWS: usize = 500;

/// Number columns.
const NUMBERS: [&str; 8] = [
    "arr",
    "employees",
    "renewals",
    "cac",
    "gross_margin",
    "seats",
    "cs_executive_relationship",
    "cs_champion_strength",
];
/// Date columns (`YYYY-MM-DD`).
const DATES: [&str; 5] = [
    "renewal_date",
    "customer_since",
    "last_touch_on",
    "churned_on",
    "contracted_on",
];
/// Subjective inputs a CSM sets with a note: 0-10.
pub const SUBJECTIVE: [&str; 2] = ["cs_executive_relationship", "cs_champion_strength"];

/// The body of `POST …/{ws}/accounts/import`: the file's text (the console sends JSON only).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportBody {
    /// The CSV text.
    pub csv: String,
}

/// One good row: its line in the file (the header is line 1), account and traits.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// Line number.
    pub line: usize,
    /// The account.
    pub account_id: String,
    /// The traits it sets (as the admin API's body).
    pub traits: JsonMap,
    /// The CSM's note, for the audit log.
    pub note: Option<String>,
}

impl ImportRow {
    /// Each trait set, with its value as text (for the audit log).
    pub fn trait_texts(&self) -> Vec<(String, String)> {
        self.traits
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect()
    }

    /// Whether the row sets a subjective input.
    pub fn subjective(&self) -> bool {
        SUBJECTIVE.iter().any(|s| self.traits.contains_key(*s))
    }
}

/// One refused row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowProblem {
    /// Line number.
    pub line: usize,
    /// The account, when the row named one.
    pub account_id: String,
    /// What is wrong, at which column.
    pub problem: Problem,
}

/// Splits CSV text into records of fields, each with the line it starts on.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let (mut line, mut start) = (1, 1);
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut record)));
                line += 1;
                start = line;
            }
            (_, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
        }
    }
    if quoted {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "csv",
            format!("line {start}: a quoted field is not closed"),
        ));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        out.push((start, record));
    }
    // Blank lines are no rows.
    out.retain(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()));
    Ok(out)
}

fn cell(column: &str, raw: &str) -> Result<serde_json::Value, Problem> {
    let bad = |what: &str| Problem::new(ErrorCode::InvalidValue, column, what);
    if NUMBERS.contains(&column) {
        let n: f64 = raw
            .replace('_', "")
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite())
            .ok_or_else(|| bad("a number"))?;
        if SUBJECTIVE.contains(&column) && !(0.0..=10.0).contains(&n) {
            return Err(bad("a score from 0 to 10"));
        }
        // Whole numbers stay whole (`8`, not `8.0`, in the audit log and the tables).
        if n.fract() == 0.0 && n.abs() < 9e15 {
            return Ok(serde_json::Value::from(n as i64));
        }
        return serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .ok_or_else(|| bad("a number"));
    }
    if DATES.contains(&column) {
        crate::v1::parse_day(column, raw)?;
    }
    if raw.chars().count() > 1000 {
        return Err(bad("at most 1,000 characters"));
    }
    Ok(serde_json::Value::String(raw.to_owned()))
}

/// Checks one record against the `header`.
fn row(
    header: &[String],
    fields: &[String],
    line: usize,
    churn_reasons: &[String],
) -> Result<ImportRow, Problem> {
    if fields.len() != header.len() {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "csv",
            format!(
                "{} fields where the header has {}",
                fields.len(),
                header.len()
            ),
        ));
    }
    let (mut account_id, mut note, mut traits) = (String::new(), None, JsonMap::new());
    for (column, raw) in header.iter().zip(fields) {
        let raw = raw.trim();
        match column.as_str() {
            "account_id" => account_id = raw.to_owned(),
            "note" => note = Some(raw.to_owned()).filter(|n| !n.is_empty()),
            _ if raw.is_empty() => {}
            _ => {
                traits.insert(column.clone(), cell(column, raw)?);
            }
        }
    }
    crate::v1::check_id("account_id", &account_id)?;
    if traits.is_empty() {
        return Err(Problem::new(
            ErrorCode::MissingField,
            "csv",
            "the row sets no trait",
        ));
    }
    if note.is_none() && SUBJECTIVE.iter().any(|s| traits.contains_key(*s)) {
        return Err(Problem::new(
            ErrorCode::MissingField,
            "note",
            "a subjective input needs a note saying why",
        ));
    }
    let values = crate::v1::admin_traits(&traits)?;
    crate::v1::check_churn_traits(&values, churn_reasons)?;
    crate::v1::check_call_override(&values)?;
    Ok(ImportRow {
        line,
        account_id,
        traits,
        note,
    })
}

/// Parses the body of an import (see [`parse_import`]).
pub fn parse_import_body(
    body: &str,
    churn_reasons: &[String],
) -> Result<(Vec<ImportRow>, Vec<RowProblem>), Problem> {
    let b: ImportBody = crate::json::decode(body)?;
    parse_import(&b.csv, churn_reasons)
}

/// Parses an import: the good rows and the refused ones, in file order. The whole file is
/// refused (nothing stored) when it is too large, has no rows, or its header is wrong.
pub fn parse_import(
    text: &str,
    churn_reasons: &[String],
) -> Result<(Vec<ImportRow>, Vec<RowProblem>), Problem> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "csv",
            format!("at most {MAX_IMPORT_BYTES} bytes"),
        ));
    }
    let mut all = records(text)?.into_iter();
    let Some((_, header)) = all.next() else {
        return Err(Problem::new(
            ErrorCode::MissingField,
            "csv",
            "the file is empty",
        ));
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    if !header.iter().any(|h| h == "account_id") {
        return Err(Problem::new(
            ErrorCode::MissingField,
            "account_id",
            "the header needs an account_id column",
        ));
    }
    for (i, h) in header.iter().enumerate() {
        if h.is_empty() || h.len() > 64 || h.chars().any(char::is_control) {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "csv",
                format!("column {}: a name of 1-64 characters", i + 1),
            ));
        }
        if header[..i].contains(h) {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                h.as_str(),
                "the column is named twice",
            ));
        }
    }
    let rows: Vec<(usize, Vec<String>)> = all.collect();
    if rows.is_empty() || rows.len() > MAX_IMPORT_ROWS {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "csv",
            format!("1-{MAX_IMPORT_ROWS} rows after the header"),
        ));
    }
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    for (line, fields) in rows {
        match row(&header, &fields, line, churn_reasons) {
            Ok(r) => good.push(r),
            Err(problem) => bad.push(RowProblem {
                line,
                account_id: header
                    .iter()
                    .position(|h| h == "account_id")
                    .and_then(|i| fields.get(i))
                    .map(|a| a.trim().to_owned())
                    .unwrap_or_default(),
                problem,
            }),
        }
    }
    Ok((good, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons() -> Vec<String> {
        vec!["price".to_owned()]
    }

    #[test]
    fn good_rows_typed_and_bad_rows_named() {
        let csv = "\u{feff}account_id,arr,renewal_date,industry,note,cs_champion_strength\r\n\
                   acme,\"60000\",2027-03-01,\"Retail, online\",,\r\n\
                   \r\n\
                   beta,lots,2027-03-01,Retail,,\n\
                   gamma,100,2027-02-30,,,\n\
                   delta,5,,,,7\n\
                   eps,5,,\"said \"\"hi\"\"\nthen left\",Met the CFO,7\n\
                   ,5,,,,\n\
                   zeta,,,,,\n\
                   eta,1\n";
        let (good, bad) = parse_import(csv, &reasons()).expect("parsed");
        let ids: Vec<(usize, &str)> = good
            .iter()
            .map(|r| (r.line, r.account_id.as_str()))
            .collect();
        assert_eq!(ids, [(2, "acme"), (7, "eps")]);
        assert_eq!(good[0].traits["arr"], serde_json::json!(60000));
        assert_eq!(good[0].traits["industry"], "Retail, online");
        assert!(
            !good[0].traits.contains_key("cs_champion_strength"),
            "empty: not set"
        );
        assert_eq!(good[1].traits["industry"], "said \"hi\"\nthen left");
        assert_eq!(good[1].note.as_deref(), Some("Met the CFO"));
        // (line, account, field, code)
        let named: Vec<(usize, &str, &str, &str)> = bad
            .iter()
            .map(|b| {
                (
                    b.line,
                    b.account_id.as_str(),
                    b.problem.field.as_str(),
                    b.problem.code.as_str(),
                )
            })
            .collect();
        assert_eq!(
            named,
            [
                (4, "beta", "arr", "invalid_value"),
                (5, "gamma", "renewal_date", "invalid_value"),
                (6, "delta", "note", "missing_field"),
                (9, "", "account_id", "invalid_value"),
                (10, "zeta", "csv", "missing_field"),
                (11, "eta", "csv", "invalid_value"),
            ]
        );
    }

    #[test]
    fn churn_marks_and_calls_are_checked_per_row() {
        let csv = "account_id,churned_on,churn_reason,cs_call,cs_call_reason,cs_executive_relationship,note\n\
                   a,2026-11-01,price,,,,\n\
                   b,2026-11-01,they left,,,,\n\
                   c,,,upside,,,\n\
                   d,,,,,11,too high\n";
        let (good, bad) = parse_import(csv, &reasons()).expect("parsed");
        assert_eq!(good.len(), 1);
        let fields: Vec<&str> = bad.iter().map(|b| b.problem.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "churn_reason",
                "cs_call_reason",
                "cs_executive_relationship"
            ]
        );
    }

    #[test]
    fn the_whole_file_is_refused_for_its_shape() {
        // (csv, field)
        let cases = [
            ("", "csv"),
            ("arr\n5\n", "account_id"),
            ("account_id,arr,arr\na,1,2\n", "arr"),
            ("account_id,\na,1\n", "csv"),
            ("account_id,arr\n", "csv"),
            ("account_id,arr\n\"a,1\n", "csv"),
        ];
        for (csv, field) in cases {
            let p = parse_import(csv, &reasons()).expect_err(csv);
            assert_eq!(p.field, field, "{csv:?}: {}", p.message);
        }
        let many = format!("account_id,arr\n{}", "a,1\n".repeat(MAX_IMPORT_ROWS + 1));
        assert_eq!(
            parse_import(&many, &reasons()).expect_err("too many").field,
            "csv"
        );
    }
}
