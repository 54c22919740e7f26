//! The form's content section: title, body (rich-text subset), call to action, dismiss
//! label, tooltip anchor, tour steps, checklist tasks, survey and translations.

use leptos::prelude::*;
use serde_json::{Value, json};

use super::fields::{Ed, Empty, area, button, choice, section_error, text};
use crate::form::{self, index, key};

const BODY_HELP: &str = "Write **bold**, *italic*, [a link](https://…); lines starting \"- \" or \"1. \" make a list; a blank line starts a paragraph.";

/// The content section.
pub(crate) fn section(ed: Ed) -> impl IntoView {
    let surface = ed.memo(|d| form::text_at(d, "surface"));
    let anchored = ed.memo(|d| form::get(d, "content.anchor").is_some());
    let surveyed = ed.memo(|d| form::get(d, "content.survey").is_some());
    view! {
        <fieldset class="section">
            <legend>"Content"</legend>
            {text(ed, "content.title", "Title", Empty::Keep)}
            {area(ed, "content.body", "Body", Some(BODY_HELP), Empty::Keep)}
            <div class="grid">
                {cta_label(ed)}
                {text(ed, "content.cta.url", "Call to action URL", Empty::Remove)}
                {text(ed, "content.dismiss_label", "Dismiss label", Empty::Remove)}
            </div>
            {section_error(ed, "content.cta".to_owned())}
            {move || (surface.get() == "tooltip" || anchored.get()).then(|| view! {
                <div class="grid">{anchor(ed, "content.anchor".to_owned(), "Tooltip anchor", false)}</div>
            })}
            {move || (surface.get() == "tour").then(|| steps(ed))}
            {move || (surface.get() == "checklist").then(|| tasks(ed))}
            <h3>"Survey"</h3>
            {move || if surveyed.get() {
                view! {
                    <div class="grid">
                        {text(ed, "content.survey.question", "Question (0-10)", Empty::Keep)}
                        {text(ed, "content.survey.low_label", "Label under 0", Empty::Remove)}
                        {text(ed, "content.survey.high_label", "Label under 10", Empty::Remove)}
                        {text(ed, "content.survey.comment_label", "Comment box label", Empty::Remove)}
                    </div>
                    {button("Remove the survey".into(), move || ed.set("content.survey", None))}
                }
                .into_any()
            } else {
                button("Add a 0-10 survey question".into(), move || ed.set("content.survey",
                    Some(json!({ "question": "How likely are you to recommend us to a colleague?" })))).into_any()
            }}
            {section_error(ed, "content.survey".to_owned())}
            {translations(ed)}
            {section_error(ed, "content".to_owned())}
        </fieldset>
    }
}

/// The call to action's label: emptied with no URL, the call to action goes.
fn cta_label(ed: Ed) -> impl IntoView {
    let path = "content.cta.label";
    let id = form::input_id(path);
    let err = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>"Call to action label"</label>
            <input
                id=id
                type="text"
                aria-invalid=move || if ed.error(path).is_some() { "true" } else { "false" }
                aria-describedby=err.clone()
                prop:value=move || ed.read(|d| form::text_at(d, path))
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    ed.edit(|d| {
                        if v.is_empty() && form::get(d, "content.cta.url").is_none() {
                            form::set(d, "content.cta", None);
                        } else {
                            form::set(d, path, Some(Value::String(v)));
                        }
                    });
                }
            />
            {super::fields::error_line(ed, path.to_owned(), err)}
        </div>
    }
}

/// An anchor at `path`: a `data-cairn-anchor` name or a CSS selector (`optional`: or none).
fn anchor(ed: Ed, path: String, label: &'static str, optional: bool) -> impl IntoView {
    let p = path.clone();
    let kind = ed.memo(move |d| match form::get(d, &p) {
        None => String::new(),
        Some(a) if a.get("selector").is_some() => "selector".to_owned(),
        Some(_) => "name".to_owned(),
    });
    let mut options = vec![("name", "Anchor name"), ("selector", "CSS selector")];
    if optional {
        options.insert(0, ("", "None (a centred card)"));
    }
    let p = path.clone();
    let select = choice(
        ed,
        &path,
        format!("{}-kind", form::input_id(&path)),
        label,
        options,
        move || kind.get(),
        move |k| {
            let v = match k.as_str() {
                "name" => Some(json!({ "name": "anchor-name" })),
                "selector" => Some(json!({ "selector": "#element" })),
                _ => None,
            };
            ed.set(&p, v);
        },
    );
    let value = move || match kind.get().as_str() {
        "name" => Some(text(
            ed,
            &key(&path, "name"),
            "Anchor name (data-cairn-anchor)",
            Empty::Keep,
        )),
        "selector" => Some(text(
            ed,
            &key(&path, "selector"),
            "CSS selector",
            Empty::Keep,
        )),
        _ => None,
    };
    view! {
        {select}
        {value}
    }
}

/// A reorderable list's buttons for item `i` of `count` at `list`.
fn order_buttons(ed: Ed, list: &'static str, i: usize, count: usize, what: &str) -> impl IntoView {
    view! {
        <div class="actions">
            {(i > 0).then(|| button(format!("Move {what} {} up", i + 1), move || ed.edit(|d| form::swap(d, list, i, i - 1))))}
            {(i + 1 < count).then(|| button(format!("Move {what} {} down", i + 1), move || ed.edit(|d| form::swap(d, list, i, i + 1))))}
            {button(format!("Remove {what} {}", i + 1), move || ed.set(&index(list, i), None))}
        </div>
    }
}

fn steps(ed: Ed) -> impl IntoView {
    let count = ed.memo(|d| form::len_at(d, "content.steps"));
    let items = move || {
        let n = count.get();
        (0..n)
            .map(|i| {
                let at = index("content.steps", i);
                view! {
                    <fieldset class="item">
                        <legend>{format!("Step {}", i + 1)}</legend>
                        {text(ed, &key(&at, "title"), "Step title", Empty::Keep)}
                        {area(ed, &key(&at, "body"), "Step body", Some(BODY_HELP), Empty::Keep)}
                        <div class="grid">
                            {anchor(ed, key(&at, "anchor"), "Points at", true)}
                            {text(ed, &key(&at, "page"), "Page (path)", Empty::Remove)}
                        </div>
                        {order_buttons(ed, "content.steps", i, n, "step")}
                        {section_error(ed, at)}
                    </fieldset>
                }
            })
            .collect_view()
    };
    view! {
        <h3>"Tour steps"</h3>
        <div class="items">{items}</div>
        {section_error(ed, "content.steps".to_owned())}
        {button("Add step".into(), move || ed.edit(|d| form::push(d, "content.steps", form::new_step())))}
    }
}

fn tasks(ed: Ed) -> impl IntoView {
    let count = ed.memo(|d| form::len_at(d, "content.tasks"));
    let items = move || {
        let n = count.get();
        (0..n)
            .map(|i| {
                let at = index("content.tasks", i);
                view! {
                    <fieldset class="item">
                        <legend>{format!("Task {}", i + 1)}</legend>
                        <div class="grid">
                            {text(ed, &key(&at, "label"), "Task label", Empty::Keep)}
                            {text(ed, &key(&at, "event"), "Completing event", Empty::Keep)}
                            {text(ed, &key(&at, "url"), "Task URL", Empty::Remove)}
                        </div>
                        {order_buttons(ed, "content.tasks", i, n, "task")}
                        {section_error(ed, at)}
                    </fieldset>
                }
            })
            .collect_view()
    };
    view! {
        <h3>"Checklist tasks"</h3>
        <div class="items">{items}</div>
        {section_error(ed, "content.tasks".to_owned())}
        {button("Add task".into(), move || ed.edit(|d| form::push(d, "content.tasks", form::new_task())))}
    }
}

fn translations(ed: Ed) -> impl IntoView {
    let tags = ed.memo(|d| form::keys_at(d, "content.locales"));
    let new_tag = RwSignal::new(String::new());
    let refusal = RwSignal::new(String::new());
    let add = move || {
        let tag = new_tag.get_untracked().trim().to_owned();
        if !form::locale_ok(&tag) {
            return refusal.set("A locale such as fr, fr-CA or ar.".to_owned());
        }
        if tags.get_untracked().contains(&tag) {
            return refusal.set(format!("There is already a {tag} translation."));
        }
        refusal.set(String::new());
        new_tag.set(String::new());
        ed.set(&key("content.locales", &tag), Some(json!({})));
    };
    let items = move || {
        tags.get()
            .into_iter()
            .map(|tag| {
                let at = key("content.locales", &tag);
                let gone = at.clone();
                view! {
                    <fieldset class="item" data-locale=tag.clone()>
                        <legend>{format!("Translation: {tag}")}</legend>
                        <div class="grid">
                            {text(ed, &key(&at, "title"), &format!("Title ({tag})"), Empty::Remove)}
                            {text(ed, &key(&at, "cta_label"), &format!("Call to action label ({tag})"), Empty::Remove)}
                            {text(ed, &key(&at, "dismiss_label"), &format!("Dismiss label ({tag})"), Empty::Remove)}
                        </div>
                        {area(ed, &key(&at, "body"), &format!("Body ({tag})"), None, Empty::Remove)}
                        {button(format!("Remove the {tag} translation"), move || ed.set(&gone, None))}
                        {section_error(ed, at)}
                    </fieldset>
                }
            })
            .collect_view()
    };
    view! {
        <h3>"Translations"</h3>
        <div class="items">{items}</div>
        <div class="add-row">
            <div class="field">
                <label for="new-locale">"New locale"</label>
                <input
                    id="new-locale"
                    type="text"
                    placeholder="fr"
                    aria-describedby="new-locale-error"
                    aria-invalid=move || if refusal.get().is_empty() { "false" } else { "true" }
                    prop:value=move || new_tag.get()
                    on:input=move |ev| new_tag.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); add() }
                />
                <p id="new-locale-error" class="field-error">{move || refusal.get()}</p>
            </div>
            {button("Add translation".into(), add)}
        </div>
    }
}
