//! The keys page's other sections: allowed origins (one a line, errors at their line),
//! identity enforcement with its secret's rotation (shown once), and the webhook endpoint
//! (its `whsec_` signing secret shown once).

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::control::{IdentityDto, OriginsBody, WebhookDto};

use crate::admin;
use crate::api::{self, Refusal};
use crate::ui::{
    Outcome, Remote, fetch_into, outcome_view, reload_list, remote_view, shown_once, under_field,
};

/// Allowed origins: read by every member, edited by owners and admins.
pub(crate) fn origins(ws: &str, manager: bool) -> impl IntoView + use<> {
    let state: Remote<OriginsBody> = RwSignal::new(None);
    let path = StoredValue::new(api::ws_path(ws, "/origins"));
    fetch_into(path.get_value(), state);
    let error = RwSignal::new(None::<Refusal>);
    let saved = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let at_origins = under_field(error, "origins");
    let form = remote_view("allowed origins", state, move |o: &OriginsBody| {
        let text = RwSignal::new(admin::origins_text(&o.origins));
        let save = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            error.set(None);
            saved.set(String::new());
            busy.set(true);
            let body = admin::origins_body(&text.get_untracked());
            spawn_local(async move {
                match api::text("PUT", &path.get_value(), Some(&body))
                    .await
                    .and_then(|t| api::decode::<OriginsBody>(&t))
                {
                    Ok(now) => {
                        let _ = text.try_set(admin::origins_text(&now.origins));
                        let n = now.origins.len();
                        let _ = saved.try_set(format!(
                            "Allowed origins saved ({n} origin{}).",
                            if n == 1 { "" } else { "s" }
                        ));
                    }
                    Err(e) => {
                        let _ = error.try_set(Some(e));
                    }
                }
                let _ = busy.try_set(false);
            });
        };
        view! {
            <form on:submit=save novalidate>
                <label for="origins">"Allowed origins, one a line (https://app.example.com)"</label>
                <textarea
                    id="origins"
                    rows="5"
                    spellcheck="false"
                    readonly=!manager
                    aria-describedby="origins-error"
                    aria-invalid=move || if at_origins().is_some() { "true" } else { "false" }
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                // The refusal at its line, or (in the same reserved line) the empty state.
                <p
                    id="origins-error"
                    class=move || if at_origins().is_some() { "error" } else { "error muted" }
                    aria-live="polite"
                >
                    {move || match at_origins() {
                        Some(e) => admin::origin_message(&e.field, &e.message),
                        None if text.get().trim().is_empty() => {
                            "No allowed origins yet: no web page can send events with these write keys."
                                .to_owned()
                        }
                        None => String::new(),
                    }}
                </p>
                {manager
                    .then(|| {
                        view! {
                            <div class="actions">
                                <button type="submit" class="primary" disabled=move || busy.get()>
                                    "Save origins"
                                </button>
                            </div>
                        }
                    })}
                <p id="origins-status" role="status" class=move || if error.get().is_some_and(|e| !e.field.starts_with("origins")) { "error" } else { "ok" }>
                    {move || match error.get() {
                        Some(e) if !e.field.starts_with("origins") => crate::ui::refusal_text(&e),
                        _ => saved.get(),
                    }}
                </p>
            </form>
        }
    });
    view! {
        <section aria-labelledby="origins-heading">
            <h2 id="origins-heading">"Allowed origins"</h2>
            <p class="muted">"The web apps whose pages may send events with this workspace's write keys."</p>
            <div class="slot">{form}</div>
        </section>
    }
}

/// Identity enforcement, and the rotation of the identity secret (shown once).
pub(crate) fn identity(ws: &str) -> impl IntoView + use<> {
    let state: Remote<IdentityDto> = RwSignal::new(None);
    let path = StoredValue::new(api::ws_path(ws, "/identity"));
    fetch_into(path.get_value(), state);
    let secret = RwSignal::new(None::<String>);
    let outcome: Outcome = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let r = api::text("PUT", &path.get_value(), Some(&admin::enforce_body(on)))
                .await
                .and_then(|t| api::decode::<IdentityDto>(&t));
            reload_list(path.get_value(), state, "identity-heading");
            let _ = outcome.try_set(Some(r.map(|d| {
                if d.enforce {
                    "Signed identities are required now.".to_owned()
                } else {
                    "Signed identities are optional now.".to_owned()
                }
            })));
            let _ = busy.try_set(false);
        });
    };
    let rotate = move |_| {
        let question = "Rotate the identity secret? Every user_hash computed with the old secret \
                        stops working until your backend uses the new one.";
        if !api::confirm(question) {
            return;
        }
        busy.set(true);
        outcome.set(None);
        secret.set(None);
        spawn_local(async move {
            let url = format!("{}/rotate", path.get_value());
            match api::text("POST", &url, Some("{}"))
                .await
                .and_then(|t| api::decode::<IdentityDto>(&t))
            {
                Ok(d) => {
                    let _ = secret.try_set(d.secret);
                    let _ = outcome.try_set(Some(Ok("Identity secret rotated.".into())));
                }
                Err(e) => {
                    let _ = outcome.try_set(Some(Err(e)));
                }
            }
            let _ = busy.try_set(false);
        });
    };
    let form = remote_view("identity settings", state, move |d: &IdentityDto| {
        view! {
            <label class="check" for="enforce-identity">
                <input
                    id="enforce-identity"
                    type="checkbox"
                    prop:checked=d.enforce
                    disabled=move || busy.get()
                    on:change=toggle
                />
                "Require signed identities (user_hash) for invitations and approvals"
            </label>
        }
    });
    view! {
        <section aria-labelledby="identity-heading">
            <h2 id="identity-heading" tabindex="-1">"Identity"</h2>
            <p class="muted">
                "Your backend signs each user id with the identity secret (HMAC-SHA256, hex) and "
                "passes it to the SDK as user.hash."
            </p>
            <div class="slot-line">{form}</div>
            <div class="actions">
                <button type="button" on:click=rotate disabled=move || busy.get()>
                    "Rotate identity secret…"
                </button>
            </div>
            {shown_once(
                "identity-secret",
                "The new identity secret",
                "Copy it to your servers now: it will not be shown again.",
                secret,
            )}
            {outcome_view("identity-status", outcome)}
        </section>
    }
}

/// The webhook endpoint; saving it issues a new signing secret, shown once.
pub(crate) fn webhook(ws: &str) -> impl IntoView + use<> {
    let state: Remote<WebhookDto> = RwSignal::new(None);
    let path = StoredValue::new(api::ws_path(ws, "/webhook"));
    fetch_into(path.get_value(), state);
    let secret = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<Refusal>);
    let saved = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let form = remote_view("the webhook", state, move |d: &WebhookDto| {
        let url = RwSignal::new(d.url.clone().unwrap_or_default());
        let save = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            error.set(None);
            saved.set(String::new());
            secret.set(None);
            busy.set(true);
            let body = admin::webhook_body(&url.get_untracked());
            spawn_local(async move {
                match api::text("PUT", &path.get_value(), Some(&body))
                    .await
                    .and_then(|t| api::decode::<WebhookDto>(&t))
                {
                    Ok(d) => {
                        let _ = secret.try_set(d.secret);
                        let _ = saved.try_set("Webhook endpoint saved.".into());
                    }
                    Err(e) => {
                        let _ = error.try_set(Some(e));
                    }
                }
                let _ = busy.try_set(false);
            });
        };
        view! {
            <form on:submit=save novalidate>
                <label for="webhook-url">"Endpoint URL"</label>
                <input
                    id="webhook-url"
                    type="url"
                    placeholder="https://api.example.com/cairn/webhooks"
                    aria-describedby="webhook-url-error"
                    aria-invalid=crate::ui::invalid(error, "url")
                    prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev))
                />
                <p id="webhook-url-error" class="error" aria-live="polite">
                    {crate::ui::at_field(error, "url")}
                </p>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || busy.get()>
                        "Save endpoint"
                    </button>
                </div>
                <p id="webhook-status" role="status" class=move || if error.get().is_some_and(|e| e.field != "url") { "error" } else { "ok" }>
                    {move || match error.get() {
                        Some(e) if e.field != "url" => crate::ui::refusal_text(&e),
                        _ => saved.get(),
                    }}
                </p>
            </form>
        }
    });
    view! {
        <section aria-labelledby="webhook-heading">
            <h2 id="webhook-heading">"Webhook"</h2>
            <p class="muted">"Where Cairn sends signed events (invitations, approvals)."</p>
            <div class="slot">{form}</div>
            {shown_once(
                "webhook-secret",
                "The webhook signing secret",
                "Copy it now to verify the webhook-signature header: it will not be shown again.",
                secret,
            )}
        </section>
    }
}
