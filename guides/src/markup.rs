//! The rich-text subset of message bodies, parsed into a tree the renderer builds with DOM
//! APIs (never HTML parsing): paragraphs (blank line), line breaks, `**bold**`, `*italic*`
//! or `_italic_`, `[label](url)` links (http, https and mailto only), `- ` / `* ` and `1. `
//! lists, and `\` escapes. Anything that does not parse is kept as the literal text it was.
//!
//! Variables `{{user.first_name | "fallback"}}` are filled in before parsing, escaped, so a
//! trait's value is only ever text, never markup. Pure: no DOM, no I/O.

/// A block of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    /// A paragraph.
    Para(Vec<Inline>),
    /// A list; `ordered` for `1.` items.
    List {
        /// Numbered (`<ol>`) or bulleted (`<ul>`).
        ordered: bool,
        /// The items' contents.
        items: Vec<Vec<Inline>>,
    },
}

/// Inline content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inline {
    /// Plain text (variables already replaced by their values).
    Text(String),
    /// A line break inside a paragraph.
    Break,
    /// `**…**`.
    Bold(Vec<Inline>),
    /// `*…*` or `_…_`.
    Italic(Vec<Inline>),
    /// `[label](href)` with a safe `href`.
    Link {
        /// `http:`, `https:` or `mailto:`.
        href: String,
        /// The link's text.
        label: Vec<Inline>,
    },
}

/// Characters the parser may read as markup, escaped in variable values.
const SPECIAL: &str = "\\*_[]()-.#";

/// How deep emphasis and links may nest; deeper markers stay literal.
const MAX_DEPTH: u8 = 4;

/// Parses `text` (variables already filled in by [`fill`]).
pub(crate) fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<Vec<Inline>>)> = None;
    let flush_para = |para: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !para.is_empty() {
            let mut inlines = Vec::new();
            for (i, line) in para.iter().enumerate() {
                if i > 0 {
                    inlines.push(Inline::Break);
                }
                inlines.extend(inline(line, 0));
            }
            blocks.push(Block::Para(inlines));
            para.clear();
        }
    };
    for line in text.lines() {
        let line = line.trim_ascii_end();
        let item = list_item(line);
        if line.trim_ascii().is_empty() || item.is_some() {
            flush_para(&mut para, &mut blocks);
        }
        match item {
            Some((ordered, rest)) => {
                let content = inline(rest, 0);
                match &mut list {
                    Some((o, items)) if *o == ordered => items.push(content),
                    _ => {
                        if let Some((ordered, items)) = list.take() {
                            blocks.push(Block::List { ordered, items });
                        }
                        list = Some((ordered, vec![content]));
                    }
                }
            }
            None => {
                if let Some((ordered, items)) = list.take() {
                    blocks.push(Block::List { ordered, items });
                }
                if !line.trim_ascii().is_empty() {
                    para.push(line);
                }
            }
        }
    }
    flush_para(&mut para, &mut blocks);
    if let Some((ordered, items)) = list {
        blocks.push(Block::List { ordered, items });
    }
    blocks
}

/// `text` with its variables replaced by their values (`var` gives a value; `None`: unknown,
/// use the fallback). For a body (`markup`), values are escaped so the parser keeps them as
/// text; titles and labels are text anyway.
pub(crate) fn fill(text: &str, var: &dyn Fn(&str) -> Option<String>, markup: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find(rest, "{{") {
        out.push_str(cut(rest, 0, at));
        match variable(tail(rest, at), var) {
            Some((value, used)) => {
                if markup {
                    for c in value.chars() {
                        if c.is_ascii_control() {
                            out.push(' ');
                            continue;
                        }
                        if c.is_ascii() && SPECIAL.as_bytes().contains(&(c as u8)) {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                } else {
                    out.push_str(&value);
                }
                rest = tail(rest, at + used);
            }
            None => {
                out.push_str("{{");
                rest = tail(rest, at + 2);
            }
        }
    }
    out.push_str(rest);
    out
}

/// `- x`, `* x` → (false, "x"); `12. x` → (true, "x").
fn list_item(line: &str) -> Option<(bool, &str)> {
    let t = line.trim_ascii_start();
    if let Some(rest) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
        return Some((false, rest));
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        return tail(t, digits).strip_prefix(". ").map(|rest| (true, rest));
    }
    None
}

fn push_text(out: &mut Vec<Inline>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Inline::Text(last)) = out.last_mut() {
        last.push_str(text);
    } else {
        out.push(Inline::Text(text.to_owned()));
    }
}

/// The inline markup of one line.
fn inline(s: &str, depth: u8) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut text_from = 0;
    while i < s.len() {
        let rest = tail(s, i);
        if let Some(escaped) = rest.strip_prefix('\\') {
            // An escape: the next character is literal.
            let next = escaped.chars().next().map_or(0, char::len_utf8);
            push_text(&mut out, cut(s, text_from, i));
            push_text(&mut out, cut(escaped, 0, next));
            i += 1 + next;
            text_from = i;
            continue;
        }
        let after_word = cut(s, 0, i).chars().next_back().is_some_and(is_word);
        let parsed = if depth >= MAX_DEPTH {
            None
        } else {
            markup_at(rest, after_word, depth)
        };
        match parsed {
            Some((nodes, used)) => {
                push_text(&mut out, cut(s, text_from, i));
                for node in nodes {
                    match node {
                        Inline::Text(t) => push_text(&mut out, &t),
                        other => out.push(other),
                    }
                }
                i += used;
                text_from = i;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    push_text(&mut out, tail(s, text_from));
    out
}

/// The markup starting `rest`, if any: the nodes it makes and the bytes it used.
fn markup_at(rest: &str, after_word: bool, depth: u8) -> Option<(Vec<Inline>, usize)> {
    if rest.starts_with("**") {
        let (inner, used) = delimited(rest, "**")?;
        return Some((vec![Inline::Bold(inline(inner, depth + 1))], used));
    }
    if rest.starts_with('*') || (rest.starts_with('_') && !after_word) {
        let (inner, used) = delimited(rest, cut(rest, 0, 1))?;
        return Some((vec![Inline::Italic(inline(inner, depth + 1))], used));
    }
    if rest.starts_with('[') {
        let (label, href, used) = link(rest)?;
        let label = inline(label, depth + 1);
        return Some(match href {
            Some(href) => (vec![Inline::Link { href, label }], used),
            // An unsafe link keeps its text, not its target.
            None => (label, used),
        });
    }
    None
}

/// `mark inner mark` at the start of `rest` (inner not empty, not starting or ending with a
/// space): `(inner, bytes used)`.
fn delimited<'a>(rest: &'a str, mark: &str) -> Option<(&'a str, usize)> {
    let body = tail(rest, mark.len());
    let end = find(body, mark)?;
    let inner = cut(body, 0, end);
    let trimmed = !inner.is_empty() && inner.trim_ascii() == inner;
    // `_` closes only at the end of a word (snake_case stays text).
    let closes = mark != "_"
        || tail(body, end + 1)
            .chars()
            .next()
            .is_none_or(|c| !is_word(c));
    (trimmed && closes).then_some((inner, mark.len() * 2 + end))
}

/// `[label](href)` at the start of `rest`: `(label, safe href or None, bytes used)`.
fn link(rest: &str) -> Option<(&str, Option<String>, usize)> {
    let close = find(rest, "](")?;
    let label = cut(rest, 1, close);
    if label.is_empty() || label.bytes().any(|b| b == b'[') {
        return None;
    }
    let target = tail(rest, close + 2);
    let end = find(target, ")")?;
    let href = cut(target, 0, end).trim_ascii();
    let used = close + 2 + end + 1;
    Some((label, safe_link(href).then(|| href.to_owned()), used))
}

/// Only `http:`, `https:` and `mailto:` links of printable ASCII (international addresses
/// percent-encoded or punycode), without quotes or angle brackets.
pub(crate) fn safe_link(href: &str) -> bool {
    let lower = href.get(..8).unwrap_or(href).to_ascii_lowercase();
    let scheme = ["https://", "http://", "mailto:"]
        .iter()
        .find(|p| lower.starts_with(*p));
    scheme.is_some_and(|p| href.len() > p.len())
        && !href
            .chars()
            .any(|c| !c.is_ascii_graphic() || matches!(c, '"' | '<' | '>' | '`'))
}

/// `{{path}}` or `{{path | "fallback"}}` at the start of `rest`: `(value, bytes used)`.
/// Paths are `user.x` or `account.x` (letters, digits, `_`); an unknown value or empty value
/// gives the fallback (default: nothing).
fn variable(rest: &str, var: &dyn Fn(&str) -> Option<String>) -> Option<(String, usize)> {
    let end = find(rest, "}}")?;
    let inside = cut(rest, 2, end);
    let (path, fallback) = match inside.split_once('|') {
        Some((path, fallback)) => (path.trim_ascii(), Some(fallback.trim_ascii())),
        None => (inside.trim_ascii(), None),
    };
    let (scope, key) = path.split_once('.')?;
    let valid_key = !key.is_empty()
        && key.len() <= 64
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !matches!(scope, "user" | "account") || !valid_key {
        return None;
    }
    let fallback = match fallback {
        Some(f) => Some(unquote(f)?),
        None => None,
    };
    let value = var(path)
        .filter(|v| !v.trim_ascii().is_empty())
        .or(fallback.map(str::to_owned))
        .unwrap_or_default();
    Some((value, end + 2))
}

/// `"text"` → `text`; unquoted text is taken as it is.
fn unquote(f: &str) -> Option<&str> {
    match f.strip_prefix('"') {
        Some(inner) => inner.strip_suffix('"'),
        None => Some(f),
    }
}

/// `s[a..b]`, or `""` out of range: slicing without a panic path (its message formatting
/// would weigh more than this whole parser in the wasm module).
fn cut(s: &str, a: usize, b: usize) -> &str {
    s.get(a..b).unwrap_or_default()
}

/// `s[a..]`, or `""` out of range.
fn tail(s: &str, a: usize) -> &str {
    s.get(a..).unwrap_or_default()
}

/// The byte offset of ASCII `pat` in `haystack`.
fn find(haystack: &str, pat: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(pat.len())
        .position(|w| w == pat.as_bytes())
}

/// Letters and digits, counting any non-ASCII character as a letter (no Unicode tables).
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || !c.is_ascii()
}

#[cfg(test)]
mod tests;
