//! The audience builder: the sentence of the whole audience, then its tree of groups
//! (`all`/`any`), negations, pages and comparisons over every operand, each part editable
//! in place; a change of kind re-renders only that part (focus stays on its select).

use leptos::prelude::*;
use serde_json::{Value, json};

use super::fields::{Ed, Empty, button, choice, literal, number, pick, section_error, text};
use crate::form::{self, audience as tree, index, key, sentence};

/// The audience section.
pub(crate) fn section(ed: Ed) -> impl IntoView {
    let present = ed.memo(|d| form::get(d, "audience").is_some_and(|a| !a.is_null()));
    let words = move || ed.read(|d| sentence::audience(form::get(d, "audience")));
    view! {
        <fieldset class="section">
            <legend>"Audience"</legend>
            <p class="sentence" id="audience-sentence" aria-live="polite">
                <span class="muted">"Who sees it: "</span>
                <strong>{words}</strong>
            </p>
            {move || {
                if present.get() {
                    node(ed, "audience".to_owned(), "Audience".to_owned(), true)
                } else {
                    view! {
                        <div class="actions">
                            {button("Add a condition".into(), move || ed.set("audience", Some(tree::comparison())))}
                            {button("Add a group".into(), move || ed.set("audience", Some(tree::node("all", None))))}
                        </div>
                    }
                    .into_any()
                }
            }}
        </fieldset>
    }
}

/// A condition elsewhere (a `fact` trigger at `path`): its sentence, then its tree.
pub(crate) fn fact(ed: Ed, path: &'static str) -> impl IntoView {
    let words = move || ed.read(|d| sentence::audience(form::get(d, path)));
    view! {
        <div class="wide">
            <p class="sentence" id="fact-sentence">
                <span class="muted">"Fires when this becomes true: "</span>
                <strong>{words}</strong>
            </p>
            {node(ed, path.to_owned(), "Trigger condition".to_owned(), false)}
        </div>
    }
}

/// One condition at `path`, named `name` for assistive technology.
fn node(ed: Ed, path: String, name: String, removable: bool) -> AnyView {
    let p = path.clone();
    let kind = ed.memo(move |d| tree::node_kind(form::get(d, &p)).to_owned());
    let kind_id = format!("{}-kind", form::input_id(&path));
    let p = path.clone();
    let kind_select = choice(
        ed,
        &path,
        kind_id,
        "Condition",
        tree::NODES.to_vec(),
        move || kind.get(),
        move |k| ed.edit(|d| tree::set_node_kind(d, &p, &k)),
    );
    let p = path.clone();
    let body = move || {
        match kind.get().as_str() {
        "cmp" => comparison(ed, &p),
        "all" | "any" => group(ed, &p, &kind.get_untracked()),
        "not" => node(ed, key(&p, "not"), "Negated condition".to_owned(), false),
        "page" => text(ed, &key(&p, "page"), "Page pattern", Empty::Keep).into_any(),
        _ => view! { <p class="muted">"A condition the form does not know: edit it in the JSON view."</p> }
            .into_any(),
    }
    };
    let p = path.clone();
    view! {
        <div class="cond" role="group" aria-label=name>
            <div class="cond-head">
                {kind_select}
                {removable.then(|| button("Remove condition".into(), move || ed.edit(|d| tree::remove(d, &p))))}
            </div>
            {body}
            {section_error(ed, path)}
        </div>
    }
    .into_any()
}

fn group(ed: Ed, path: &str, kind: &str) -> AnyView {
    let list = key(path, kind);
    let l = list.clone();
    let count = ed.memo(move |d| form::len_at(d, &l));
    let l = list.clone();
    let children = move || {
        (0..count.get())
            .map(|i| node(ed, index(&l, i), format!("Condition {}", i + 1), true))
            .collect_view()
    };
    let (a, b) = (list.clone(), list.clone());
    view! {
        <div class="children">{children}</div>
        <div class="actions">
            {button("Add condition".into(), move || ed.edit(|d| tree::add(d, &a, false)))}
            {button("Add group".into(), move || ed.edit(|d| tree::add(d, &b, true)))}
        </div>
        {section_error(ed, list)}
    }
    .into_any()
}

fn comparison(ed: Ed, path: &str) -> AnyView {
    let p = path.to_owned();
    let op = ed.memo(move |d| form::only_key(d, &p));
    let p = path.to_owned();
    let op_select = choice(
        ed,
        path,
        format!("{}-op", form::input_id(path)),
        "Comparison",
        tree::op_choices(),
        move || op.get(),
        move |o| ed.edit(|d| tree::set_op(d, &p, &o)),
    );
    let (p0, p1) = (path.to_owned(), path.to_owned());
    let left = move || operand(ed, &index(&key(&p0, &op.get()), 0), "Left");
    let right = move || operand(ed, &index(&key(&p1, &op.get()), 1), "Right");
    view! {
        <div class="cmp">
            <div class="operand">{left}</div>
            <div class="op">{op_select}</div>
            <div class="operand">{right}</div>
        </div>
    }
    .into_any()
}

/// One operand at `path` (`side`: Left or Right).
fn operand(ed: Ed, path: &str, side: &'static str) -> AnyView {
    let p = path.to_owned();
    let kind = ed.memo(move |d| tree::operand_kind(form::get(d, &p)).to_owned());
    let p = path.to_owned();
    let options: Vec<_> = tree::OPERANDS
        .iter()
        .filter(|(k, _)| !k.is_empty())
        .copied()
        .collect();
    let select = choice(
        ed,
        path,
        format!("{}-kind", form::input_id(path)),
        &format!("{side} side"),
        options,
        move || kind.get(),
        move |k| ed.set(&p, Some(tree::operand(&k))),
    );
    let p = path.to_owned();
    let fields = move || {
        let k = kind.get();
        let at = |f: &str| format!("{p}.{k}.{f}");
        match k.as_str() {
            "value" => literal(ed, &key(&p, "value"), "Value").into_any(),
            "user_trait" | "account_trait" => {
                text(ed, &key(&p, &k), "Trait name", Empty::Keep).into_any()
            }
            "usage" => view! {
                {text(ed, &at("feature"), "Feature (event)", Empty::Keep)}
                {scope(ed, &at("scope"))}
                {window(ed, at("window"), false)}
            }
            .into_any(),
            "active_days" | "engagement_trend" | "adoption_breadth" => view! {
                {scope(ed, &at("scope"))}
                {number(ed, &at("days"), "Days", Empty::Keep)}
            }
            .into_any(),
            "active_users" => number(ed, &at("days"), "Days", Empty::Keep).into_any(),
            "limit_usage" => view! {
                {text(ed, &at("feature"), "Feature (event)", Empty::Keep)}
                {text(ed, &at("limit_trait"), "Limit (account trait)", Empty::Keep)}
            }
            .into_any(),
            "seat_utilisation" => view! {
                {text(ed, &at("seats_trait"), "Seats (account trait)", Empty::Keep)}
                {number(ed, &at("days"), "Days (default 28)", Empty::Remove)}
            }
            .into_any(),
            "event_count" => view! {
                {text(ed, &at("name"), "Event", Empty::Keep)}
                {scope(ed, &at("scope"))}
                {window(ed, at("window"), true)}
                {filters(ed, at("where"))}
            }
            .into_any(),
            "days_since_first" | "days_since_last" => view! {
                {text(ed, &at("name"), "Event", Empty::Keep)}
                {scope(ed, &at("scope"))}
            }
            .into_any(),
            "survey_score" => text(ed, &at("campaign"), "Survey campaign", Empty::Keep).into_any(),
            "nps" => view! {
                {text(ed, &at("campaign"), "Survey campaign", Empty::Keep)}
                {number(ed, &at("days"), "Days (default 365)", Empty::Remove)}
            }
            .into_any(),
            "computed" => pick(
                ed,
                &key(&p, "computed"),
                "Fact",
                tree::COMPUTED.to_vec(),
                "",
            )
            .into_any(),
            _ => view! { <p class="muted">"Edit this operand in the JSON view."</p> }.into_any(),
        }
    };
    view! {
        <div class="operand-kind">{select}</div>
        <div class="operand-fields">{fields}</div>
    }
    .into_any()
}

fn scope(ed: Ed, path: &str) -> impl IntoView + use<> {
    pick(
        ed,
        path,
        "Whose",
        vec![("account", "Account"), ("user", "User")],
        "account",
    )
}

/// A usage window: `today`, `month`, `all_time` or `{"last_days":N}` (`optional`: absent is
/// the default, the last 90 days).
fn window(ed: Ed, path: String, optional: bool) -> impl IntoView {
    let p = path.to_owned();
    let kind = ed.memo(move |d| match form::get(d, &p) {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => "last_days".to_owned(),
    });
    let mut options = tree::WINDOWS.to_vec();
    if optional {
        options.insert(0, ("", "Last 90 days (default)"));
    }
    let p = path.to_owned();
    let select = choice(
        ed,
        &path,
        form::input_id(&path),
        "Window",
        options,
        move || kind.get(),
        move |w| {
            let v = match w.as_str() {
                "" => None,
                "last_days" => Some(json!({ "last_days": 30 })),
                other => Some(Value::String(other.to_owned())),
            };
            ed.set(&p, v);
        },
    );
    let days = move || {
        (kind.get() == "last_days")
            .then(|| number(ed, &key(&path, "last_days"), "Last days", Empty::Keep))
    };
    view! {
        {select}
        {days}
    }
}

/// An event count's property filters.
fn filters(ed: Ed, path: String) -> impl IntoView {
    let p = path.to_owned();
    let count = ed.memo(move |d| form::len_at(d, &p));
    let p = path.to_owned();
    let rows = move || {
        (0..count.get())
            .map(|i| {
                let at = index(&p, i);
                let gone = at.clone();
                view! {
                    <div class="filter" role="group" aria-label=format!("Filter {}", i + 1)>
                        {text(ed, &key(&at, "property"), "Property", Empty::Keep)}
                        {pick(ed, &key(&at, "op"), "Test", tree::op_choices(), "eq")}
                        {literal(ed, &key(&at, "value"), "Value")}
                        {button("Remove filter".into(), move || ed.set(&gone, None))}
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <div class="filters-list">{rows}</div>
        {button("Add filter".into(), move || ed.edit(|d| form::push(d, &path, json!({ "property": "property", "op": "eq", "value": 1 }))))}
    }
}
