//! The audit log: every control-plane change, newest first, filtered by action, person, target
//! and dates, page by page, and exported as CSV with the same filters. A campaign's page shows
//! its own entries with [`log`].

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::control::{Actor, AuditEntry, AuditPage, MemberList};

use crate::api;
use crate::ui::{Ctx, Remote, fetch_into, refusal_text};

/// The actions the log records (see `docs/api.md`, "Audit log").
const ACTIONS: [&str; 29] = [
    "workspace.create",
    "workspace.rename",
    "member.roles",
    "member.remove",
    "invitation.create",
    "invitation.revoke",
    "invitation.accept",
    "policy.update",
    "write_key.create",
    "write_key.update",
    "write_key.rotate",
    "write_key.revoke",
    "secret_key.create",
    "secret_key.revoke",
    "origins.update",
    "identity.update",
    "identity.rotate",
    "webhook.update",
    "settings.update",
    "campaign.create",
    "campaign.edit",
    "campaign.submit",
    "campaign.withdraw",
    "campaign.review",
    "campaign.publish",
    "campaign.pause",
    "campaign.resume",
    "campaign.archive",
    "campaign.rollback",
];

/// The query of a filter: `action=…&actor=…&target=…&since=…&until=…` (empty parts left out).
fn query(parts: &[(&str, String)]) -> String {
    parts
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", api::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A `YYYY-MM-DD` date input as ms since the epoch (local midnight; `end`: the day's end).
fn day_ms(date: &str, end: bool) -> String {
    if date.is_empty() {
        return String::new();
    }
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&format!(
        "{date}T00:00:00"
    )))
    .get_time();
    if ms.is_nan() {
        return String::new();
    }
    let ms = if end { ms + 86_400_000.0 - 1.0 } else { ms };
    format!("{ms:.0}")
}

fn actor_text(a: &Actor) -> String {
    match a {
        Actor::User { email, .. } => email.clone(),
        Actor::Key { secret_key } => format!("secret key {secret_key}"),
    }
}

/// Entries as a table.
fn table(entries: Vec<AuditEntry>) -> impl IntoView {
    view! {
        <table class="list audit">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"Action"</th>
                    <th scope="col">"Target"</th>
                    <th scope="col">"Details"</th>
                </tr>
            </thead>
            <tbody>
                {entries
                    .into_iter()
                    .map(|e| {
                        let mut details: Vec<String> =
                            e.detail.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                        if e.emergency {
                            details.insert(0, "emergency".to_owned());
                        }
                        if let (Some(b), Some(a)) = (&e.before_hash, &e.after_hash) {
                            details.push(format!("{} → {}", crate::doc::short(b), crate::doc::short(a)));
                        }
                        view! {
                            <tr>
                                <td>{api::when(e.at)}</td>
                                <td>{actor_text(&e.actor)}</td>
                                <td><code>{e.action}</code></td>
                                <td>{e.target}</td>
                                <td>{details.join("; ")}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// Loads entries for `filter` (from `cursor`, appended to what is shown).
fn load(
    ws: &str,
    filter: String,
    into: RwSignal<Vec<AuditEntry>>,
    state: Remote<Option<i64>>,
    cursor: Option<i64>,
) {
    let mut q = filter;
    if let Some(c) = cursor {
        q = if q.is_empty() {
            format!("cursor={c}")
        } else {
            format!("{q}&cursor={c}")
        };
    }
    let path = api::ws_path(ws, &format!("/audit?{q}"));
    spawn_local(async move {
        match api::text("GET", &path, None)
            .await
            .and_then(|t| api::decode::<AuditPage>(&t))
        {
            Ok(page) => {
                let _ = into.try_update(|v| {
                    if cursor.is_none() {
                        v.clear();
                    }
                    v.extend(page.entries);
                });
                let _ = state.try_set(Some(Ok(page.next_cursor)));
            }
            Err(e) => {
                let _ = state.try_set(Some(Err(e)));
            }
        }
    });
}

/// The entries of one target (a campaign's page: `campaign:<id>`).
pub(crate) fn log(ws: &str, target: String) -> impl IntoView + use<> {
    let entries = RwSignal::new(Vec::new());
    let state: Remote<Option<i64>> = RwSignal::new(None);
    let filter = query(&[("target", target)]);
    load(ws, filter, entries, state, None);
    move || match state.get() {
        None => view! { <p class="muted" role="status">"Loading the audit log…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="muted">{refusal_text(&e)}</p> }.into_any(),
        Some(Ok(_)) if entries.with(Vec::is_empty) => {
            view! { <p class="empty">"Nothing recorded yet."</p> }.into_any()
        }
        Some(Ok(_)) => table(entries.get()).into_any(),
    }
}

/// The audit log page.
pub(crate) fn page(_cx: Ctx, ws: String) -> impl IntoView {
    let action = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let since = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let members: Remote<MemberList> = RwSignal::new(None);
    fetch_into(api::ws_path(&ws, "/members"), members);
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let state: Remote<Option<i64>> = RwSignal::new(None);
    let filter = move || {
        query(&[
            ("action", action.get()),
            ("actor", actor.get()),
            ("target", target.get().trim().to_owned()),
            ("since", day_ms(&since.get(), false)),
            ("until", day_ms(&until.get(), true)),
        ])
    };
    let ws = StoredValue::new(ws);
    // Every change of a filter reloads the first page.
    Effect::new(move |_| {
        let f = filter();
        state.set(None);
        load(&ws.get_value(), f, entries, state, None);
    });
    let csv = move || {
        let f = filter();
        let tail = if f.is_empty() {
            "/audit.csv".to_owned()
        } else {
            format!("/audit.csv?{f}")
        };
        format!("{}{}", api::API, api::ws_path(&ws.get_value(), &tail))
    };
    let people = move || {
        members.with(|m| {
            m.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|l| l.members.clone())
                .unwrap_or_default()
        })
    };
    let body = move || match state.get() {
        None if entries.with(Vec::is_empty) => {
            view! { <p class="muted" role="status">"Loading the audit log…"</p> }.into_any()
        }
        Some(Err(e)) => view! { <p class="error" role="alert">{refusal_text(&e)}</p> }.into_any(),
        _ if entries.with(Vec::is_empty) => {
            view! { <p class="empty">"No entry matches these filters."</p> }.into_any()
        }
        s => {
            let more = s.and_then(Result::ok).flatten();
            view! {
                {table(entries.get())}
                {more.map(|c| view! {
                    <button type="button" class="more" on:click=move |_| {
                        load(&ws.get_value(), filter(), entries, state, Some(c));
                    }>"Older entries"</button>
                })}
            }
            .into_any()
        }
    };
    view! {
        <div class="head">
            <h1 tabindex="-1">"Audit log"</h1>
            <a class="button" href=csv download="audit.csv">"Export CSV"</a>
        </div>
        <div class="filters" role="search">
            <div>
                <label for="audit-action">"Action"</label>
                <select id="audit-action" on:change=move |ev| action.set(event_target_value(&ev))>
                    <option value="">"Any action"</option>
                    {ACTIONS.into_iter().map(|a| view! { <option value=a>{a}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="audit-actor">"Person"</label>
                <select id="audit-actor" on:change=move |ev| actor.set(event_target_value(&ev))>
                    <option value="">"Anyone"</option>
                    {move || people().into_iter().map(|m| view! { <option value=m.user_id>{m.email}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="audit-target">"Target"</label>
                <input id="audit-target" placeholder="campaign:upgrade" on:change=move |ev| target.set(event_target_value(&ev)) />
            </div>
            <div>
                <label for="audit-since">"From"</label>
                <input id="audit-since" type="date" on:change=move |ev| since.set(event_target_value(&ev)) />
            </div>
            <div>
                <label for="audit-until">"To"</label>
                <input id="audit-until" type="date" on:change=move |ev| until.set(event_target_value(&ev)) />
            </div>
        </div>
        <div class="slot">{body}</div>
    }
}
