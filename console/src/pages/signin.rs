//! Sign-in: email and password, each error at its field; the session cookie is set by the API.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::control::{MeDto, SignInBody, to_text};

use crate::api::{self, Refusal};
use crate::route::Page;
use crate::ui::{Ctx, at_field, general, invalid};

/// The sign-in page; once signed in, the page the URL names (else the workspace picker).
pub(crate) fn page(cx: Ctx) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Refusal>);
    let busy = RwSignal::new(false);
    let general = general(error, &["email", "password"]);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let body = to_text(&SignInBody {
            email: email.get_untracked(),
            password: password.get_untracked(),
        });
        spawn_local(async move {
            match api::text("POST", "/session", Some(&body))
                .await
                .and_then(|t| api::decode::<MeDto>(&t))
            {
                Ok(me) => {
                    cx.me.set(Some(me));
                    let asked = web_sys::window()
                        .and_then(|w| w.location().hash().ok())
                        .map_or(Page::Workspaces, |h| Page::parse(&h));
                    cx.go(match asked {
                        Page::SignIn | Page::Loading => Page::Workspaces,
                        p => p,
                    });
                }
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <section class="narrow">
            <h1 tabindex="-1">"Sign in to Cairn"</h1>
            <p class="muted">"The console for your product team."</p>
            <form on:submit=submit novalidate>
                <label for="email">"Email"</label>
                <input
                    id="email"
                    name="email"
                    type="email"
                    autocomplete="email"
                    required
                    aria-describedby="email-error"
                    aria-invalid=invalid(error, "email")
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))
                />
                <p id="email-error" class="error" aria-live="polite">
                    {at_field(error, "email")}
                </p>
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    aria-describedby="password-error"
                    aria-invalid=invalid(error, "password")
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
                <p id="password-error" class="error" aria-live="polite">
                    {at_field(error, "password")}
                </p>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <p id="sign-in-status" class="error" role="status">
                    {general}
                </p>
            </form>
        </section>
    }
}
