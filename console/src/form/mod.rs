//! The campaign form's model, pure (no DOM): the document text is the truth, and the form reads
//! and writes it through paths such as `content.steps[1].title` (the paths `protocol` names in
//! its problems), laying the document out again with a stable key order after every change.

pub(crate) mod audience;
mod layout;
pub(crate) mod sentence;
pub(crate) mod values;

use serde_json::{Map, Value};

// Natively only the tests lay documents out.
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))]
pub(crate) use layout::pretty;

/// One step of a path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// An object key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// `content.steps[1].title` → `[Key(content), Key(steps), Index(1), Key(title)]`.
pub(crate) fn segments(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            if open > 0 {
                out.push(Seg::Key(rest[..open].to_owned()));
            }
            rest = &rest[open..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let close = stripped.find(']').unwrap_or(stripped.len());
                if let Ok(i) = stripped[..close].parse() {
                    out.push(Seg::Index(i));
                }
                rest = stripped.get(close + 1..).unwrap_or("");
            }
        } else {
            out.push(Seg::Key(rest.to_owned()));
        }
    }
    out
}

/// The path of a key under `path`.
pub(crate) fn key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The path of an element of the array at `path`.
pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// The value at `path`, if any.
pub(crate) fn get<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    segments(path).iter().try_fold(doc, |v, s| match s {
        Seg::Key(k) => v.get(k.as_str()),
        Seg::Index(i) => v.get(*i),
    })
}

/// The string at `path` (`""` when absent or not a string).
pub(crate) fn text_at(doc: &Value, path: &str) -> String {
    get(doc, path)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A string value in a text input (`""` when absent).
pub(crate) fn text_at_opt(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// The length of the array at `path` (0 when absent).
pub(crate) fn len_at(doc: &Value, path: &str) -> usize {
    get(doc, path).and_then(Value::as_array).map_or(0, Vec::len)
}

/// The keys of the object at `path`, in order.
pub(crate) fn keys_at(doc: &Value, path: &str) -> Vec<String> {
    get(doc, path)
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// The single key of the object at `path` (`{"gte":[…]}` → `gte`), or `""`.
pub(crate) fn only_key(doc: &Value, path: &str) -> String {
    match get(doc, path).and_then(Value::as_object) {
        Some(o) if o.len() == 1 => o.keys().next().cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

fn slot<'a>(doc: &'a mut Value, segs: &[Seg]) -> Option<&'a mut Value> {
    let mut v = doc;
    for s in segs {
        v = match s {
            Seg::Key(k) => {
                if !v.is_object() {
                    *v = Value::Object(Map::new());
                }
                v.as_object_mut()?.entry(k.clone()).or_insert(Value::Null)
            }
            Seg::Index(i) => v.as_array_mut()?.get_mut(*i)?,
        };
    }
    Some(v)
}

/// Sets the value at `path` (creating objects on the way), or removes it (`None`).
pub(crate) fn set(doc: &mut Value, path: &str, value: Option<Value>) {
    let segs = segments(path);
    let Some((last, parent)) = segs.split_last() else {
        return;
    };
    match value {
        Some(value) => {
            if let Some(v) = slot(doc, &segs) {
                *v = value;
            }
        }
        None => {
            let parent = parent.iter().try_fold(&mut *doc, |v, s| match s {
                Seg::Key(k) => v.get_mut(k.as_str()),
                Seg::Index(i) => v.get_mut(*i),
            });
            match (parent, last) {
                (Some(Value::Object(o)), Seg::Key(k)) => {
                    o.remove(k);
                }
                (Some(Value::Array(a)), Seg::Index(i)) if *i < a.len() => {
                    a.remove(*i);
                }
                _ => {}
            }
        }
    }
}

/// Appends `value` to the array at `path` (creating it).
pub(crate) fn push(doc: &mut Value, path: &str, value: Value) {
    if let Some(v) = slot(doc, &segments(path)) {
        match v {
            Value::Array(a) => a.push(value),
            other => *other = Value::Array(vec![value]),
        }
    }
}

/// Swaps elements `i` and `j` of the array at `path` (out of range: nothing).
pub(crate) fn swap(doc: &mut Value, path: &str, i: usize, j: usize) {
    if let Some(Value::Array(a)) = slot(doc, &segments(path))
        && i < a.len()
        && j < a.len()
    {
        a.swap(i, j);
    }
}

/// The surfaces, in the form's order.
pub(crate) const SURFACES: [&str; 7] = [
    "modal",
    "banner",
    "slideout",
    "tooltip",
    "tour",
    "checklist",
    "invite",
];

/// Sets the surface, giving the content what the new surface needs (a tour's first step, a
/// checklist's first task, a tooltip's anchor) and dropping what it may not carry.
pub(crate) fn switch_surface(doc: &mut Value, surface: &str) {
    set(doc, "surface", Some(Value::String(surface.to_owned())));
    fit_content(doc, "content", surface);
    // A variant's own content must fit the surface too.
    for i in 0..len_at(doc, "experiment.variants") {
        let at = key(&index("experiment.variants", i), "content");
        if get(doc, &at).is_some() {
            fit_content(doc, &at, surface);
        }
    }
}

/// Gives the content at `at` what `surface` needs (steps, tasks, an anchor) and drops what
/// only other surfaces take.
fn fit_content(doc: &mut Value, at: &str, surface: &str) {
    let (steps, tasks) = (key(at, "steps"), key(at, "tasks"));
    if surface == "tour" {
        if len_at(doc, &steps) == 0 {
            push(doc, &steps, new_step());
        }
    } else {
        set(doc, &steps, None);
    }
    if surface == "checklist" {
        if len_at(doc, &tasks) == 0 {
            push(doc, &tasks, new_task());
        }
    } else {
        set(doc, &tasks, None);
    }
    let anchor = key(at, "anchor");
    if surface == "tooltip" && get(doc, &anchor).is_none() {
        set(
            doc,
            &anchor,
            Some(serde_json::json!({ "name": "anchor-name" })),
        );
    }
}

/// A new tour step.
pub(crate) fn new_step() -> Value {
    serde_json::json!({ "title": "Step title", "body": "What this step shows." })
}

/// A new checklist task.
pub(crate) fn new_task() -> Value {
    serde_json::json!({ "label": "Do something", "event": "did_something" })
}

/// Whether `tag` is a locale the protocol accepts (`fr`, `fr-CA`, `pt-BR`).
pub(crate) fn locale_ok(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or_default();
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
        && tag.len() <= 20
}

/// The DOM id of the input editing `path` (`content.steps[1].title` → `f-content-steps-1-title`).
pub(crate) fn input_id(path: &str) -> String {
    let mut id = String::from("f-");
    for c in path.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_read_and_write_the_document() {
        assert_eq!(
            segments("audience.all[1].gt[0].usage.window"),
            vec![
                Seg::Key("audience".into()),
                Seg::Key("all".into()),
                Seg::Index(1),
                Seg::Key("gt".into()),
                Seg::Index(0),
                Seg::Key("usage".into()),
                Seg::Key("window".into()),
            ]
        );
        let mut doc = json!({ "content": { "steps": [{ "title": "a" }, { "title": "b" }] } });
        assert_eq!(text_at(&doc, "content.steps[1].title"), "b");
        set(&mut doc, "content.cta.label", Some(json!("Go")));
        assert_eq!(doc["content"]["cta"], json!({ "label": "Go" }));
        swap(&mut doc, "content.steps", 0, 1);
        assert_eq!(text_at(&doc, "content.steps[0].title"), "b");
        set(&mut doc, "content.steps[0]", None);
        assert_eq!(len_at(&doc, "content.steps"), 1);
        push(&mut doc, "content.tasks", json!({ "label": "x" }));
        assert_eq!(len_at(&doc, "content.tasks"), 1);
        set(&mut doc, "content.cta", None);
        assert!(get(&doc, "content.cta").is_none());
        assert_eq!(only_key(&json!({ "a": { "gte": [] } }), "a"), "gte");
    }

    #[test]
    fn switching_surfaces_keeps_the_document_valid() {
        let mut doc: Value = serde_json::from_str(crate::doc::STARTER).expect("json");
        // A variant with its own content, and one without: both stay valid.
        let content = get(&doc, "content").cloned();
        set(
            &mut doc,
            "experiment",
            Some(
                json!({ "holdout_percent": 10, "variants": [{ "id": "own" }, { "id": "shared" }] }),
            ),
        );
        set(&mut doc, "experiment.variants[0].content", content);
        for s in SURFACES.into_iter().chain(["banner"]) {
            switch_surface(&mut doc, s);
            assert_eq!(crate::doc::check(&pretty(&doc)), None, "{s}");
        }
        assert!(get(&doc, "content.steps").is_none());
        assert!(get(&doc, "experiment.variants[0].content.steps").is_none());
        assert!(get(&doc, "experiment.variants[1].content").is_none());
    }

    /// What the form does, as the form does it; the text it writes; the form read back.
    #[test]
    fn a_form_round_trips_through_the_document() {
        use super::audience as tree;
        use super::values;
        let mut doc: Value = serde_json::from_str(crate::doc::STARTER).expect("json");
        set(&mut doc, "id", Some(json!("upgrade")));
        set(&mut doc, "priority", values::number("50"));
        set(&mut doc, "delay_seconds", values::number(""));
        set(
            &mut doc,
            "starts_at",
            values::ms_of_local("2026-12-01T09:30").map(Value::from),
        );
        set(
            &mut doc,
            "recurrence",
            Some(json!({ "times": { "max": 3, "every_days": 1 } })),
        );
        set(&mut doc, "audience", Some(tree::comparison()));
        set(
            &mut doc,
            "audience.gte[0].usage.feature",
            Some(json!("create_expense")),
        );
        set(
            &mut doc,
            "audience.gte[1].value",
            Some(values::literal("3")),
        );
        set(&mut doc, "content.cta.label", Some(json!("See plans")));
        set(&mut doc, "content.locales.fr", Some(json!({})));
        set(&mut doc, "content.locales.fr.title", Some(json!("Bonjour")));
        switch_surface(&mut doc, "tour");
        set(&mut doc, "content.steps[0].page", Some(json!("/reports")));
        push(&mut doc, "content.steps", new_step());
        let text = pretty(&doc);
        assert_eq!(crate::doc::check(&text), None, "{text}");
        let back: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(back, doc);
        assert_eq!(text_at(&back, "id"), "upgrade");
        assert_eq!(values::number_text(get(&back, "priority")), "50");
        assert!(get(&back, "delay_seconds").is_none());
        assert_eq!(
            values::local_of_ms(
                get(&back, "starts_at")
                    .and_then(Value::as_i64)
                    .unwrap_or_default()
            ),
            "2026-12-01T09:30"
        );
        assert_eq!(only_key(&back, "recurrence"), "times");
        assert_eq!(
            values::literal_text(get(&back, "audience.gte[1].value")),
            "3"
        );
        assert_eq!(
            sentence::audience(get(&back, "audience")),
            "account uses of create_expense this month ≥ 3"
        );
        assert_eq!(keys_at(&back, "content.locales"), ["fr"]);
        assert_eq!(len_at(&back, "content.steps"), 2);
        // The protocol reads the same document, and writes it back to the same value.
        let (parsed, _) = protocol::v1::parse_campaign(&text).expect("valid");
        assert_eq!(
            serde_json::to_value(&parsed.audience).expect("value"),
            back["audience"]
        );
        assert_eq!(
            serde_json::to_value(&parsed.content).expect("value"),
            back["content"]
        );
        // Laying out again changes nothing.
        assert_eq!(pretty(&back), text);
    }

    /// Every operand, set from the builder, reads back as its kind, in words, and is valid.
    #[test]
    fn every_operand_round_trips() {
        use super::audience as tree;
        for (kind, _) in tree::OPERANDS.iter().filter(|(k, _)| !k.is_empty()) {
            let mut doc: Value = serde_json::from_str(crate::doc::STARTER).expect("json");
            set(&mut doc, "audience", Some(tree::comparison()));
            set(&mut doc, "audience.gte[0]", Some(tree::operand(kind)));
            let text = pretty(&doc);
            assert_eq!(crate::doc::check(&text), None, "{kind}: {text}");
            let back: Value = serde_json::from_str(&text).expect("json");
            assert_eq!(tree::operand_kind(get(&back, "audience.gte[0]")), *kind);
            let words = sentence::audience(get(&back, "audience"));
            assert!(
                !words.contains('…') && words.ends_with("≥ 1"),
                "{kind}: {words}"
            );
        }
    }

    #[test]
    fn ids_and_sections() {
        assert_eq!(
            input_id("content.steps[1].title"),
            "f-content-steps-1-title"
        );
        assert_eq!(input_id("id"), "f-id");
        assert_eq!(
            input_id("content.locales.fr-CA.title"),
            "f-content-locales-fr-CA-title"
        );
        assert!(locale_ok("fr") && locale_ok("fr-CA") && !locale_ok("FR") && !locale_ok("f.r"));
    }
}
