//! The field path (`a.b[0].c`) of a byte offset in a JSON text: where serde_json's error
//! position points, said the way an API error names a field.
//!
//! serde_json reports the position of the last byte it read when a value did not fit:
//! - a value of the wrong type or out of range: its last byte, or, for an object or array
//!   given where a scalar belongs, the byte before its bracket (the path is still the field's);
//! - an unknown field: the closing quote of its key (the path ends with the key);
//! - a missing field, or a whole object refused: the object's closing brace (the path is the
//!   object's).
//!
//! Reading the path back from the text costs one scan when a document is refused, instead of
//! tracking paths through every deserializer of every type (which `serde_path_to_error` did,
//! at ~110 KB of wasm in the console).

/// One level of nesting on the way to the offset.
#[derive(Debug)]
enum Level {
    /// Inside an object: the key whose value is being read, once its closing quote is passed.
    Object(Option<String>),
    /// Inside an array: the index of the element being read.
    Array(usize),
}

/// The path of the value (or key) at byte `offset` of `text`; `""` for the root. Text after
/// the offset is never read, so a refused document need not be valid past it.
pub(crate) fn path_at(text: &str, offset: usize) -> String {
    let bytes = text.as_bytes();
    let mut stack: Vec<Level> = Vec::new();
    let mut i = 0;
    while i < bytes.len() && i <= offset {
        match bytes[i] {
            b'{' => stack.push(Level::Object(None)),
            b'[' => stack.push(Level::Array(0)),
            b'}' | b']' => {
                if i == offset {
                    // The closing bracket: the container itself (a missing field, a refusal
                    // of the whole object).
                    if let Some(Level::Object(key)) = stack.last_mut() {
                        *key = None;
                    }
                    break;
                }
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Level::Array(n)) => *n += 1,
                Some(Level::Object(key)) => *key = None,
                None => {}
            },
            b'"' => {
                let end = string_end(bytes, i);
                if let Some(Level::Object(key @ None)) = stack.last_mut() {
                    // A key: its value (or the key itself, for an unknown field) is named by it.
                    *key = Some(unescape(text.get(i + 1..end).unwrap_or_default()));
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    render(&stack)
}

/// The index of the quote closing the string opened at `open` (or the text's end).
fn string_end(bytes: &[u8], open: usize) -> usize {
    let mut j = open + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return j,
            _ => j += 1,
        }
    }
    bytes.len()
}

/// A key as written between its quotes, with its escapes resolved where JSON allows them.
fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_owned();
    }
    serde_json::from_str::<String>(&["\"", raw, "\""].concat()).unwrap_or_else(|_| raw.to_owned())
}

fn render(stack: &[Level]) -> String {
    let mut out = String::new();
    for level in stack {
        match level {
            Level::Object(Some(key)) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Level::Object(None) => break,
            Level::Array(n) => {
                out.push('[');
                out.push_str(&n.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// The byte offset of serde_json's `(line, column)` (both 1-based; the column counts bytes
/// and names the last byte read).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column).saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, the byte marked by `^` in the comment, the expected path)
    #[test]
    fn paths_at_offsets() {
        let cases: [(&str, &str, &str); 12] = [
            (r#"{"a":1}"#, "1", "a"),
            (r#"{"a":{"b":"x"}}"#, "\"}", "a.b"),
            (r#"{"a":[1,2,{"c":true}]}"#, "e}", "a[2].c"),
            (r#"{"a":[1,2,{"c":true}]}"#, "2", "a[1]"),
            // The closing brace of an object: the object.
            (r#"{"a":{"b":1}}"#, "}}", "a"),
            (r#"{"a":{"b":1}}"#, "}", ""),
            // An unknown key: its closing quote.
            (r#"{"a":{"zz":1}}"#, "z\":", "a.zz"),
            // The byte before an object given where a scalar belongs.
            (r#"{"a": {"b":1}}"#, " {", "a"),
            (r#"{"a":[0, [1]]}"#, " [1", "a[1]"),
            // Quotes and brackets inside strings are text.
            (r#"{"a\"{[":{"b":"]}","c":1}}"#, "1}", "a\"{[.c"),
            (r#"[{"a":1},{"a":2}]"#, "2", "[1].a"),
            ("{\n  \"a\": 1,\n  \"b\": 2\n}", "2", "b"),
        ];
        for (text, mark, path) in cases {
            let at = text.rfind(mark).expect("marked");
            assert_eq!(path_at(text, at), path, "{text} at {mark:?}");
        }
    }

    #[test]
    fn line_and_column_become_an_offset() {
        let text = "{\n  \"a\": 1,\n  \"b\": 2\n}";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(&text[offset_of(text, 3, 8)..][..1], "2");
    }
}
