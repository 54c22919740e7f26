//! The form's sections about the campaign and its delivery: id, surface, category,
//! priority; trigger, delay, recurrence, snooze, account cap; schedule; experiment.

use leptos::prelude::*;
use serde_json::{Value, json};

use super::fields::{Ed, Empty, area, button, choice, datetime, number, pick, section_error, text};
use crate::form::{self, index, key};

/// Id, surface, category and priority.
pub(crate) fn campaign(ed: Ed) -> impl IntoView {
    let surface = ed.memo(|d| form::text_at(d, "surface"));
    let surfaces = form::SURFACES.iter().map(|s| (*s, *s)).collect();
    view! {
        <fieldset class="section">
            <legend>"Campaign"</legend>
            <div class="grid">
                {text(ed, "id", "Campaign id", Empty::Keep)}
                {choice(ed, "surface", form::input_id("surface"), "Surface", surfaces, move || surface.get(),
                    move |s| ed.edit(|d| form::switch_surface(d, &s)))}
                {pick(ed, "category", "Category", vec![
                    ("general", "General"), ("onboarding", "Onboarding"), ("upgrade", "Upgrade"),
                    ("survey", "Survey"), ("announcement", "Announcement"), ("invite", "Invite"),
                    ("approval", "Approval"),
                ], "general")}
                {number(ed, "priority", "Priority (0-1000)", Empty::Remove)}
            </div>
        </fieldset>
    }
}

/// Trigger, delay, recurrence, snooze and the account cap.
pub(crate) fn timing(ed: Ed) -> impl IntoView {
    let trigger = ed.memo(|d| {
        let k = form::only_key(d, "trigger");
        if form::get(d, "trigger").is_some() && k.is_empty() {
            "?".to_owned()
        } else {
            k
        }
    });
    let trigger_select = choice(
        ed,
        "trigger",
        form::input_id("trigger"),
        "Trigger",
        vec![
            ("", "None: every decision"),
            ("page", "On a page"),
            ("event", "After an event"),
            ("element", "When an element is on the page"),
            ("fact", "When a condition becomes true"),
        ],
        move || trigger.get(),
        move |t| {
            let v = match t.as_str() {
                "page" => Some(json!({ "page": "/" })),
                "event" => Some(json!({ "event": { "name": "event_name" } })),
                "element" => Some(json!({ "element": "anchor-name" })),
                "fact" => Some(json!({ "fact": form::audience::comparison() })),
                _ => None,
            };
            ed.set("trigger", v);
        },
    );
    let trigger_fields = move || match trigger.get().as_str() {
        "page" => text(ed, "trigger.page", "Page pattern", Empty::Keep).into_any(),
        "event" => view! {
            {text(ed, "trigger.event.name", "Event name", Empty::Keep)}
            {number(ed, "trigger.event.within_hours", "Within hours (default 24)", Empty::Remove)}
        }
        .into_any(),
        "element" => text(ed, "trigger.element", "Anchor name", Empty::Keep).into_any(),
        "fact" => super::audience::fact(ed, "trigger.fact").into_any(),
        _ => ().into_any(),
    };
    let recurrence = ed.memo(|d| match form::get(d, "recurrence") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => form::only_key(d, "recurrence"),
        None => String::new(),
    });
    let recurrence_select = choice(
        ed,
        "recurrence",
        form::input_id("recurrence"),
        "Recurrence",
        vec![
            ("once", "Once"),
            ("until_dismissed", "Until dismissed"),
            ("until_completed", "Until completed"),
            ("times", "A number of times"),
            ("every", "Every few days"),
        ],
        move || recurrence.get(),
        move |r| {
            let v = match r.as_str() {
                "times" => json!({ "times": { "max": 3, "every_days": 1 } }),
                "every" => json!({ "every": { "days": 7 } }),
                other => Value::String(other.to_owned()),
            };
            ed.set("recurrence", Some(v));
        },
    );
    let recurrence_fields = move || match recurrence.get().as_str() {
        "times" => view! {
            {number(ed, "recurrence.times.max", "Most times (1-100)", Empty::Keep)}
            {number(ed, "recurrence.times.every_days", "Days apart (default 1)", Empty::Remove)}
        }
        .into_any(),
        "every" => number(
            ed,
            "recurrence.every.days",
            "Every days (1-365)",
            Empty::Keep,
        )
        .into_any(),
        _ => ().into_any(),
    };
    let capped = ed.memo(|d| form::get(d, "account_cap").is_some());
    view! {
        <fieldset class="section">
            <legend>"When"</legend>
            <div class="grid">
                {trigger_select}
                {trigger_fields}
            </div>
            <div class="grid">
                {recurrence_select}
                {recurrence_fields}
            </div>
            <div class="grid">
                {number(ed, "delay_seconds", "Delay (seconds, 0-300)", Empty::Remove)}
                {number(ed, "snooze_hours", "Snooze (hours, 1-720)", Empty::Remove)}
                {cap_users(ed)}
                {move || capped.get().then(|| number(ed, "account_cap.window_hours", "Cap window (hours)", Empty::Remove))}
            </div>
            <div class="grid">
                {datetime(ed, "starts_at", "Starts (UTC)")}
                {datetime(ed, "ends_at", "Ends (UTC)")}
            </div>
        </fieldset>
    }
}

/// Users per account: emptied, the cap goes.
fn cap_users(ed: Ed) -> impl IntoView {
    let path = "account_cap.max_users";
    let id = form::input_id(path);
    let err = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>"Users per account (cap)"</label>
            <input
                id=id
                type="text"
                inputmode="numeric"
                aria-invalid=move || if ed.error(path).is_some() { "true" } else { "false" }
                aria-describedby=err.clone()
                prop:value=move || ed.read(|d| form::values::number_text(form::get(d, path)))
                on:input=move |ev| {
                    match form::values::number(&event_target_value(&ev)) {
                        None => ed.set("account_cap", None),
                        v => ed.set(path, v),
                    }
                }
            />
            {super::fields::error_line(ed, path.to_owned(), err)}
        </div>
    }
}

/// A variant's own content: its texts in the form (the rest of it, such as steps, tasks or
/// translations, in the JSON view), started from a copy of the campaign's content.
fn variant_content(ed: Ed, at: String) -> impl IntoView {
    let own = {
        let at = at.clone();
        ed.memo(move |d| form::get(d, &at).is_some())
    };
    move || {
        let at = at.clone();
        if own.get() {
            view! {
                <div class="grid">
                    {text(ed, &key(&at, "title"), "Variant title", Empty::Keep)}
                    {area(ed, &key(&at, "body"), "Variant body", None, Empty::Keep)}
                    {text(ed, &key(&at, "cta.label"), "Variant call to action label", Empty::Remove)}
                    {text(ed, &key(&at, "cta.url"), "Variant call to action URL", Empty::Remove)}
                </div>
                {section_error(ed, at.clone())}
                {button("Use the campaign's content".into(), move || ed.set(&at, None))}
            }
            .into_any()
        } else {
            button("Give this variant its own content".into(), move || {
                ed.edit(|d| {
                    let content = form::get(d, "content")
                        .cloned()
                        .unwrap_or_else(|| json!({}));
                    form::set(d, &at, Some(content));
                });
            })
            .into_any()
        }
    }
}

/// The experiment: a holdout and variants.
pub(crate) fn experiment(ed: Ed) -> impl IntoView {
    let count = ed.memo(|d| form::len_at(d, "experiment.variants"));
    let present = ed.memo(|d| form::get(d, "experiment").is_some());
    let variants = move || {
        (0..count.get())
            .map(|i| {
                let at = index("experiment.variants", i);
                let gone = at.clone();
                view! {
                    <div class="item" role="group" aria-label=format!("Variant {}", i + 1)>
                        {text(ed, &key(&at, "id"), "Variant id", Empty::Keep)}
                        {number(ed, &key(&at, "weight"), "Weight (default 1)", Empty::Remove)}
                        {variant_content(ed, key(&at, "content"))}
                        {button("Remove variant".into(), move || ed.set(&gone, None))}
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="section">
            <legend>"Experiment"</legend>
            {move || if present.get() {
                view! {
                    <div class="grid">
                        {number(ed, "experiment.holdout_percent", "Holdout (%)", Empty::Remove)}
                    </div>
                    <div class="items">{variants}</div>
                    {section_error(ed, "experiment.variants".to_owned())}
                    <div class="actions">
                        {button("Add variant".into(), move || ed.edit(|d| {
                            let n = form::len_at(d, "experiment.variants") + 1;
                            form::push(d, "experiment.variants", json!({ "id": format!("variant-{n}"), "weight": 1 }));
                        }))}
                        {button("Remove experiment".into(), move || ed.set("experiment", None))}
                    </div>
                }
                .into_any()
            } else {
                button("Add an experiment".into(), move || ed.set("experiment", Some(json!({ "holdout_percent": 10 })))).into_any()
            }}
            {section_error(ed, "experiment".to_owned())}
        </fieldset>
    }
}
