//! The Accounts tab's account data: a CSV file of traits imported row by row, and a subjective
//! input (executive relationship, champion strength) set with a note, which is sent as a
//! one-row import. The answer (rows stored, rows refused with their line and field) is drawn
//! as the page's other tables. Drawn with DOM calls and one submit listener, like the tables,
//! which keeps the console's wasm within its budget.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast as _;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, HtmlInputElement};

use super::results::{Here, add, add_class, draw_tables, section, set};
use crate::api;
use crate::ui::refusal_text;

/// A labelled control of the form `f`.
fn field(f: &Element, tag: &str, id: &str, label: &str, attrs: &[(&str, &str)]) -> Element {
    let div = add(f, "div", "");
    set(&add(&div, "label", label), "for", id);
    let e = add(&div, tag, "");
    set(&e, "id", id);
    for (k, v) in attrs {
        set(&e, k, v);
    }
    e
}

/// Draws the two forms and the answer's place into `el`.
pub(super) fn draw(el: &Element) {
    let s = section(el, "account-data", "Account data");
    let f = add_class(&s, "form", "filters", "");
    set(&f, "id", "import");
    let required = ("required", "");
    field(
        &f,
        "input",
        "import-file",
        "CSV of traits (account_id, arr, renewal_date, seats, …; a note column for subjective inputs)",
        &[("type", "file"), ("accept", ".csv,text/csv"), required],
    );
    set(&add(&f, "button", "Import"), "type", "submit");
    let g = add_class(&s, "form", "filters", "");
    field(&g, "input", "input-account", "Account", &[required]);
    let which = field(&g, "select", "input-which", "Subjective input", &[]);
    for (value, text) in [
        ("cs_executive_relationship", "Executive relationship"),
        ("cs_champion_strength", "Champion strength"),
    ] {
        set(&add(&which, "option", text), "value", value);
    }
    field(
        &g,
        "input",
        "input-value",
        "Score (0-10)",
        &[("type", "number"), ("min", "0"), ("max", "10"), required],
    );
    field(&g, "input", "input-note", "Note", &[required]);
    set(&add(&g, "button", "Set"), "type", "submit");
    set(&add(&s, "div", ""), "role", "status");
}

/// A control's value by id.
fn value(id: &str) -> String {
    document()
        .get_element_by_id(id)
        .map(|e| {
            e.dyn_ref::<HtmlInputElement>().map_or_else(
                || {
                    e.dyn_ref::<web_sys::HtmlSelectElement>()
                        .map(|s| s.value())
                        .unwrap_or_default()
                },
                HtmlInputElement::value,
            )
        })
        .unwrap_or_default()
}

/// A CSV field, always quoted.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Either form was submitted (within the section `ev` bubbled to): reads the file, or makes
/// the one-row CSV, sends it and draws the answer.
pub(super) fn submitted(ev: &leptos::ev::SubmitEvent, ws: String) {
    ev.prevent_default();
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    let Some(out) = form.parent_element().and_then(|s| s.last_element_child()) else {
        return;
    };
    let file = (form.id() == "import")
        .then(|| {
            document()
                .get_element_by_id("import-file")?
                .dyn_into::<HtmlInputElement>()
                .ok()?
                .files()?
                .get(0)
        })
        .flatten();
    let one_row = format!(
        "account_id,{},note\n{},{},{}\n",
        value("input-which"),
        quoted(&value("input-account")),
        quoted(&value("input-value")),
        quoted(&value("input-note"))
    );
    out.set_text_content(Some("Importing…"));
    let path = api::ws_path(&ws, "/accounts/import");
    let here = Here {
        ws,
        campaign: "import".to_owned(),
        range: (0, 0),
    };
    let then: api::Then = Box::new(move |answer| {
        out.set_text_content(None);
        if let Err(e) = answer.and_then(|text| draw_tables(&out, &text, &here)) {
            out.set_text_content(Some(&refusal_text(&e)));
        }
    });
    let send = move |csv: String| {
        let body = protocol::v1::control::to_text(&protocol::v1::ImportBody { csv });
        api::send_then("POST", path, Some(body), then);
    };
    match file {
        Some(f) => spawn_local(async move {
            let csv = JsFuture::from(f.text())
                .await
                .ok()
                .and_then(|t| t.as_string());
            send(csv.unwrap_or_default());
        }),
        None => send(one_row),
    }
}
