//! The form's inputs, each bound to a path of the document: labelled, showing the protocol's
//! problem at that path (`aria-invalid`, `aria-describedby`), writing the document back.

use leptos::prelude::*;
use protocol::Problem;
use serde_json::Value;

use crate::doc;
use crate::form::{self, values};

/// The form's hold on the document text: the text, what it parses to, and its problem.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ed {
    text: RwSignal<String>,
    /// The document, when the text is a JSON object.
    pub(crate) doc: Memo<Option<Value>>,
    /// The protocol's verdict on the text.
    pub(crate) problem: Memo<Option<Problem>>,
}

impl Ed {
    /// The form over `text`.
    pub(crate) fn new(text: RwSignal<String>) -> Self {
        Self {
            text,
            doc: Memo::new(move |_| {
                text.with(|t| {
                    serde_json::from_str::<Value>(t)
                        .ok()
                        .filter(Value::is_object)
                })
            }),
            problem: Memo::new(move |_| text.with(|t| doc::check(t))),
        }
    }

    /// Changes the document and writes it back laid out; nothing when the text is not JSON.
    pub(crate) fn edit(self, f: impl FnOnce(&mut Value)) {
        let current = self.text.get_untracked();
        if let Ok(mut v) = serde_json::from_str::<Value>(&current)
            && v.is_object()
        {
            f(&mut v);
            let next = form::pretty(&v);
            if next != current {
                self.text.set(next);
            }
        }
    }

    /// Sets (or removes) the value at `path`.
    pub(crate) fn set(self, path: &str, value: Option<Value>) {
        self.edit(|d| form::set(d, path, value));
    }

    /// Reads the document (reactively).
    pub(crate) fn read<T: Default>(self, f: impl FnOnce(&Value) -> T) -> T {
        self.doc.with(|d| d.as_ref().map(f).unwrap_or_default())
    }

    /// A memo of something read from the document: views keyed on it re-render only when it
    /// changes (not on every keystroke).
    pub(crate) fn memo<T>(self, f: impl Fn(&Value) -> T + Send + Sync + 'static) -> Memo<T>
    where
        T: PartialEq + Default + Clone + Send + Sync + 'static,
    {
        let doc = self.doc;
        Memo::new(move |_| doc.with(|d| d.as_ref().map(&f).unwrap_or_default()))
    }

    /// The problem's message when it is at exactly `path`.
    pub(crate) fn error(self, path: &str) -> Option<String> {
        self.problem.with(|p| {
            p.as_ref()
                .filter(|p| p.field == path)
                .map(|p| p.message.clone())
        })
    }
}

/// What an emptied input leaves in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Empty {
    /// An empty string (the field is required: the protocol says so at the field).
    Keep,
    /// Nothing: the optional field is removed.
    Remove,
}

/// The line under an input: the problem at `path`, if any.
pub(crate) fn error_line(ed: Ed, path: String, id: String) -> impl IntoView {
    view! {
        <p id=id class="field-error">{move || ed.error(&path).unwrap_or_default()}</p>
    }
}

/// `aria-invalid` of the input of `path`.
fn invalid(ed: Ed, path: String) -> impl Fn() -> &'static str + Send + Sync + 'static {
    move || {
        if ed.error(&path).is_some() {
            "true"
        } else {
            "false"
        }
    }
}

/// A text input of the string at `path`.
pub(crate) fn text(ed: Ed, path: &str, label: &str, empty: Empty) -> impl IntoView + use<> {
    input(
        ed,
        path,
        label,
        "text",
        None,
        form::text_at_opt,
        move |s: &str| {
            if s.is_empty() && empty == Empty::Remove {
                None
            } else {
                Some(Value::String(s.to_owned()))
            }
        },
    )
}

/// A number input (typed as text, so what is not a number stays and is reported).
pub(crate) fn number(ed: Ed, path: &str, label: &str, empty: Empty) -> impl IntoView + use<> {
    input(
        ed,
        path,
        label,
        "text",
        Some("numeric"),
        values::number_text,
        move |s: &str| {
            values::number(s)
                .or_else(|| (empty == Empty::Keep).then(|| Value::String(String::new())))
        },
    )
}

/// A comparison's literal (`3`, `true`, `pro`, `"3"`).
pub(crate) fn literal(ed: Ed, path: &str, label: &str) -> impl IntoView + use<> {
    input(
        ed,
        path,
        label,
        "text",
        None,
        values::literal_text,
        |s: &str| Some(values::literal(s)),
    )
}

/// A `datetime-local` input of the milliseconds at `path` (UTC).
pub(crate) fn datetime(ed: Ed, path: &str, label: &str) -> impl IntoView + use<> {
    input(
        ed,
        path,
        label,
        "datetime-local",
        None,
        |v| {
            v.and_then(Value::as_i64)
                .map(values::local_of_ms)
                .unwrap_or_default()
        },
        |s: &str| values::ms_of_local(s).map(Value::from),
    )
}

fn input<W: Fn(&str) -> Option<Value> + 'static>(
    ed: Ed,
    path: &str,
    label: &str,
    kind: &'static str,
    mode: Option<&'static str>,
    read: fn(Option<&Value>) -> String,
    write: W,
) -> impl IntoView + use<W> {
    let id = form::input_id(path);
    let err = format!("{id}-error");
    let (p1, p2) = (path.to_owned(), path.to_owned());
    view! {
        <div class="field">
            <label for=id.clone()>{label.to_owned()}</label>
            <input
                id=id
                type=kind
                inputmode=mode
                aria-invalid=invalid(ed, path.to_owned())
                aria-describedby=err.clone()
                prop:value=move || ed.read(|d| read(form::get(d, &p1)))
                on:input=move |ev| ed.set(&p2, write(&event_target_value(&ev)))
            />
            {error_line(ed, path.to_owned(), err)}
        </div>
    }
}

/// A textarea of the string at `path`, with a hint.
pub(crate) fn area(
    ed: Ed,
    path: &str,
    label: &str,
    hint: Option<&'static str>,
    empty: Empty,
) -> impl IntoView + use<> {
    let id = form::input_id(path);
    let err = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() {
        format!("{hint_id} {err}")
    } else {
        err.clone()
    };
    let (p1, p2) = (path.to_owned(), path.to_owned());
    view! {
        <div class="field wide">
            <label for=id.clone()>{label.to_owned()}</label>
            <textarea
                id=id
                rows="4"
                aria-invalid=invalid(ed, path.to_owned())
                aria-describedby=described
                prop:value=move || ed.read(|d| form::text_at(d, &p1))
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    let v = (!v.is_empty() || empty == Empty::Keep).then_some(Value::String(v));
                    ed.set(&p2, v);
                }
            ></textarea>
            {hint.map(|h| view! { <p id=hint_id class="hint">{h}</p> })}
            {error_line(ed, path.to_owned(), err)}
        </div>
    }
}

/// A select of `options` (value, label) showing `current` and calling `change`; the problem
/// at `path` is shown under it.
pub(crate) fn choice<C, F>(
    ed: Ed,
    path: &str,
    id: String,
    label: &str,
    options: Vec<(&'static str, &'static str)>,
    current: C,
    change: F,
) -> impl IntoView + use<C, F>
where
    C: Fn() -> String + Copy + Send + Sync + 'static,
    F: Fn(String) + 'static,
{
    let err = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label.to_owned()}</label>
            <select
                id=id
                aria-invalid=invalid(ed, path.to_owned())
                aria-describedby=err.clone()
                on:change=move |ev| change(event_target_value(&ev))
            >
                {options
                    .into_iter()
                    .map(|(value, label)| {
                        view! { <option value=value prop:selected=move || current() == value>{label}</option> }
                    })
                    .collect_view()}
            </select>
            {error_line(ed, path.to_owned(), err)}
        </div>
    }
}

/// A select of the string at `path` (`absent`: what an absent value reads as).
pub(crate) fn pick(
    ed: Ed,
    path: &str,
    label: &str,
    options: Vec<(&'static str, &'static str)>,
    absent: &'static str,
) -> impl IntoView + use<> {
    let (p1, p2) = (path.to_owned(), path.to_owned());
    let current = ed.memo(move |d| {
        form::get(d, &p1)
            .and_then(Value::as_str)
            .unwrap_or(absent)
            .to_owned()
    });
    choice(
        ed,
        path,
        form::input_id(path),
        label,
        options,
        move || current.get(),
        move |v| ed.set(&p2, Some(Value::String(v))),
    )
}

/// The problem at a section without an input of its own (`content.steps`, a condition).
pub(crate) fn section_error(ed: Ed, path: String) -> impl IntoView {
    view! {
        <p class="field-error">{move || ed.error(&path).unwrap_or_default()}</p>
    }
}

/// A small button.
pub(crate) fn button(label: String, act: impl Fn() + 'static) -> impl IntoView {
    view! { <button type="button" class="quiet small" on:click=move |_| act()>{label}</button> }
}
