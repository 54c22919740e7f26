//! A workspace's keys: write keys (create, debug verdicts, rotate with an overlap, revoke) and
//! secret keys (the secret shown once, then only its prefix); the origins, identity and webhook
//! sections are in `access`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::control::{
    SecretKeyCreated, SecretKeyDto, SecretKeyList, WriteKeyDto, WriteKeyList,
};

use crate::admin;
use crate::api::{self, Refusal};
use crate::pages::access;
use crate::pages::team::ADMINS;
use crate::ui::{
    Ctx, Outcome, Remote, at_field, fetch_into, general, invalid, outcome_view, reload_list,
    remote_view, shown_once,
};

/// The keys and origins page.
#[allow(
    clippy::needless_pass_by_value,
    reason = "the app hands every page its workspace id as a String"
)]
pub(crate) fn page(cx: Ctx, ws: String) -> impl IntoView {
    let manager = cx.holds_any(&ws, &ADMINS);
    view! {
        <h1 tabindex="-1">"Keys and origins"</h1>
        {(!manager)
            .then(|| {
                view! {
                    <p class="note">
                        "You can see the write keys and allowed origins. Only owners and admins "
                        "manage keys, origins, identity and the webhook."
                    </p>
                }
            })}
        {write_keys(&ws, manager)}
        {manager.then(|| secret_keys(&ws))}
        {access::origins(&ws, manager)}
        {manager.then(|| access::identity(&ws))}
        {manager.then(|| access::webhook(&ws))}
    }
}

/// Now (ms).
fn now() -> i64 {
    js_sys::Date::now() as i64
}

fn write_keys(ws: &str, manager: bool) -> impl IntoView + use<> {
    let state: Remote<WriteKeyList> = RwSignal::new(None);
    let path = StoredValue::new(api::ws_path(ws, "/write-keys"));
    fetch_into(path.get_value(), state);
    let label = RwSignal::new(String::new());
    let debug = RwSignal::new(false);
    let overlap = RwSignal::new("24".to_owned());
    let error = RwSignal::new(None::<Refusal>);
    let outcome: Outcome = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let general = general(error, &["label", "overlap_hours"]);
    // One request on the keys, then the list again.
    let run = move |method: &'static str, tail: String, body: String, done: String| {
        busy.set(true);
        error.set(None);
        outcome.set(None);
        spawn_local(async move {
            let url = format!("{}{tail}", path.get_value());
            let r = api::act(method, &url, Some(&body)).await;
            reload_list(path.get_value(), state, "write-keys-heading");
            match r {
                Ok(()) => {
                    let _ = outcome.try_set(Some(Ok(done)));
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
            let _ = busy.try_set(false);
        });
    };
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = admin::write_key_body(&label.get_untracked(), debug.get_untracked());
        label.set(String::new());
        run("POST", String::new(), body, "Write key created.".into());
    };
    let row = move |k: &WriteKeyDto| {
        let key = StoredValue::new(k.key.clone());
        let tail = move |rest: &str| format!("/{}{rest}", api::encode(&key.get_value()));
        let active = admin::key_active(k, now());
        let toggle = move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            let done = format!(
                "Debug verdicts {} for {}.",
                if on { "on" } else { "off" },
                key.get_value()
            );
            run("PATCH", tail(""), admin::debug_body(on), done);
        };
        let rotate = move |_| match admin::rotate_body(&overlap.get_untracked()) {
            Ok(body) => {
                let question = format!(
                    "Rotate {}? A new key replaces it; the old one keeps working for {} hours.",
                    key.get_value(),
                    overlap.get_untracked().trim()
                );
                if api::confirm(&question) {
                    run(
                        "POST",
                        tail("/rotate"),
                        body,
                        format!("{} rotated.", key.get_value()),
                    );
                }
            }
            Err(m) => error.set(Some(Refusal {
                code: "invalid_value".into(),
                field: "overlap_hours".into(),
                message: m.into(),
            })),
        };
        let revoke = move |_| {
            let question = format!(
                "Revoke {}? Browsers using it are refused at once.",
                key.get_value()
            );
            if api::confirm(&question) {
                run(
                    "DELETE",
                    tail(""),
                    "{}".into(),
                    format!("{} revoked.", key.get_value()),
                );
            }
        };
        let debug_id = format!("debug-{}", k.key);
        let label_for = debug_id.clone();
        let debug_cell = if manager && active {
            view! {
                <label class="check" for=label_for>
                    <input type="checkbox" id=debug_id prop:checked=k.debug on:change=toggle disabled=move || busy.get() />
                    "Debug"<span class="sr-only">{format!(" verdicts for {}", k.key)}</span>
                </label>
            }
            .into_any()
        } else {
            view! { <span>{if k.debug { "Yes" } else { "No" }}</span> }.into_any()
        };
        let actions = (manager && active).then(|| {
            view! {
                <button type="button" on:click=rotate disabled=move || busy.get()>
                    "Rotate…"<span class="sr-only">{format!(" {}", k.key)}</span>
                </button>
                <button type="button" class="danger" on:click=revoke disabled=move || busy.get()>
                    "Revoke…"<span class="sr-only">{format!(" {}", k.key)}</span>
                </button>
            }
        });
        // A key rotating out says until when it works.
        let until = k
            .expires_at
            .filter(|_| k.revoked_at.is_none() && active)
            .map(|e| format!(" until {}", api::when(e)))
            .unwrap_or_default();
        view! {
            <tr>
                <td><code>{k.key.clone()}</code></td>
                <td>{if k.label.is_empty() { "—".to_owned() } else { k.label.clone() }}</td>
                <td>{debug_cell}</td>
                <td>{format!("{}{until}", admin::key_state(k, now()))}</td>
                <td>{api::when(k.created_at)}</td>
                {manager.then(|| view! { <td class="row-actions">{actions}</td> })}
            </tr>
        }
    };
    let list = remote_view("write keys", state, move |list: &WriteKeyList| {
        if list.write_keys.is_empty() {
            return view! { <p class="empty">"No write keys yet."</p> }.into_any();
        }
        view! {
            <table class="list">
                <caption class="sr-only">"Write keys"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Key"</th>
                        <th scope="col">"Label"</th>
                        <th scope="col">"Debug verdicts"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Created"</th>
                        {manager.then(|| view! { <th scope="col">"Actions"</th> })}
                    </tr>
                </thead>
                <tbody>{list.write_keys.iter().map(row).collect_view()}</tbody>
            </table>
        }
        .into_any()
    });
    let form = manager.then(|| {
        view! {
            <div class="columns">
                <form class="panel" on:submit=create novalidate>
                    <h3>"New write key"</h3>
                    <label for="write-key-label">"Label (optional)"</label>
                    <input
                        id="write-key-label"
                        aria-describedby="write-key-label-error"
                        aria-invalid=invalid(error, "label")
                        prop:value=move || label.get()
                        on:input=move |ev| label.set(event_target_value(&ev))
                    />
                    <p id="write-key-label-error" class="error" aria-live="polite">{at_field(error, "label")}</p>
                    <label class="check" for="write-key-debug">
                        <input
                            id="write-key-debug"
                            type="checkbox"
                            prop:checked=move || debug.get()
                            on:change=move |ev| debug.set(event_target_checked(&ev))
                        />
                        "Debug verdicts (per-campaign explanations)"
                    </label>
                    <div class="actions">
                        <button type="submit" class="primary" disabled=move || busy.get()>"Create write key"</button>
                    </div>
                </form>
                <div class="panel">
                    <h3>"Rotation"</h3>
                    <label for="overlap-hours">"The old key keeps working for (hours, 0-720)"</label>
                    <input
                        id="overlap-hours"
                        class="short"
                        type="number"
                        min="0"
                        max="720"
                        aria-describedby="overlap-hours-error"
                        aria-invalid=invalid(error, "overlap_hours")
                        prop:value=move || overlap.get()
                        on:input=move |ev| overlap.set(event_target_value(&ev))
                    />
                    <p id="overlap-hours-error" class="error" aria-live="polite">{at_field(error, "overlap_hours")}</p>
                    <p class="muted">"“Rotate…” on a key creates its replacement."</p>
                </div>
            </div>
        }
    });
    view! {
        <section aria-labelledby="write-keys-heading">
            <h2 id="write-keys-heading" tabindex="-1">"Write keys"</h2>
            <p class="muted">"Public keys: they ship in your web app with the SDK."</p>
            <div class="slot">{list}</div>
            {outcome_view("write-keys-status", outcome)}
            <p class="error" role="status">{general}</p>
            {form}
        </section>
    }
}

fn secret_keys(ws: &str) -> impl IntoView + use<> {
    let state: Remote<SecretKeyList> = RwSignal::new(None);
    let path = StoredValue::new(api::ws_path(ws, "/secret-keys"));
    fetch_into(path.get_value(), state);
    let label = RwSignal::new(String::new());
    let secret = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<Refusal>);
    let outcome: Outcome = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let general = general(error, &["label"]);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        outcome.set(None);
        secret.set(None);
        busy.set(true);
        let body = admin::secret_key_body(&label.get_untracked());
        spawn_local(async move {
            match api::text("POST", &path.get_value(), Some(&body))
                .await
                .and_then(|t| api::decode::<SecretKeyCreated>(&t))
            {
                Ok(created) => {
                    let _ = label.try_set(String::new());
                    let _ = secret.try_set(Some(created.secret));
                    fetch_into(path.get_value(), state);
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
            let _ = busy.try_set(false);
        });
    };
    let row = move |k: &SecretKeyDto| {
        let (id, name) = (k.id.clone(), k.label.clone());
        let revoke = move |_| {
            if !api::confirm(&format!(
                "Revoke the secret key “{name}”? Servers using it are refused at once."
            )) {
                return;
            }
            let (id, name) = (id.clone(), name.clone());
            outcome.set(None);
            spawn_local(async move {
                let url = format!("{}/{}", path.get_value(), api::encode(&id));
                let r = api::act("DELETE", &url, None).await;
                reload_list(path.get_value(), state, "secret-keys-heading");
                let _ = outcome.try_set(Some(r.map(|()| format!("Secret key “{name}” revoked."))));
            });
        };
        let state_text = k.revoked_at.map_or_else(
            || "Active".to_owned(),
            |t| format!("Revoked {}", api::when(t)),
        );
        let action = k.revoked_at.is_none().then(|| {
            view! {
                <button type="button" class="danger" on:click=revoke>
                    "Revoke…"<span class="sr-only">{format!(" the secret key {}", k.label)}</span>
                </button>
            }
        });
        view! {
            <tr>
                <td>{k.label.clone()}</td>
                <td><code>{format!("{}…", k.prefix)}</code></td>
                <td>{api::when(k.created_at)}</td>
                <td>{k.last_used_at.map_or_else(|| "Never".to_owned(), api::when)}</td>
                <td>{state_text}</td>
                <td class="row-actions">{action}</td>
            </tr>
        }
    };
    let list = remote_view("secret keys", state, move |list: &SecretKeyList| {
        if list.secret_keys.is_empty() {
            return view! { <p class="empty">"No secret keys yet."</p> }.into_any();
        }
        view! {
            {crate::ui::table("list", "Secret keys", &["Label", "Starts with", "Created", "Last used", "State", "Actions"], list.secret_keys.iter().map(row).collect_view())}
        }
        .into_any()
    });
    view! {
        <section aria-labelledby="secret-keys-heading">
            <h2 id="secret-keys-heading" tabindex="-1">"Secret keys"</h2>
            <p class="muted">"For your servers (the admin API). Cairn keeps only a hash of each secret."</p>
            {shown_once(
                "new-secret",
                "Your new secret key",
                "Copy it now and keep it on your servers: it will not be shown again.",
                secret,
            )}
            <div class="slot">{list}</div>
            {outcome_view("secret-keys-status", outcome)}
            <form class="panel" on:submit=create novalidate>
                <h3>"New secret key"</h3>
                <label for="secret-key-label">"Label"</label>
                <input
                    id="secret-key-label"
                    required
                    aria-describedby="secret-key-label-error"
                    aria-invalid=invalid(error, "label")
                    prop:value=move || label.get()
                    on:input=move |ev| label.set(event_target_value(&ev))
                />
                <p id="secret-key-label-error" class="error" aria-live="polite">{at_field(error, "label")}</p>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || busy.get()>"Create secret key"</button>
                </div>
                <p class="error" role="status">{general}</p>
            </form>
        </section>
    }
}
