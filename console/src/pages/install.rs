//! Install: the SDK's npm command and an `init` call filled with this workspace's first
//! active write key and this edge's origin (each with Copy), and, when the workspace requires
//! signed identities, how your backend computes `user.hash`.

use leptos::prelude::*;
use protocol::v1::control::{IdentityDto, WriteKeyList};

use crate::admin;
use crate::api;
use crate::pages::team::ADMINS;
use crate::route::{Page, Tab};
use crate::ui::{Ctx, Remote, copy_button, fetch_into, remote_view};

/// This edge's origin (the SDK's `endpoint`).
fn endpoint() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The install page.
pub(crate) fn page(cx: Ctx, ws: String) -> impl IntoView {
    let keys: Remote<WriteKeyList> = RwSignal::new(None);
    fetch_into(api::ws_path(&ws, "/write-keys"), keys);
    // Only owners and admins may read the identity settings.
    let identity: Remote<IdentityDto> = RwSignal::new(None);
    let manager = cx.holds_any(&ws, &ADMINS);
    if manager {
        fetch_into(api::ws_path(&ws, "/identity"), identity);
    }
    let enforced = move || {
        identity.with(|i| {
            i.as_ref()
                .and_then(|r| r.as_ref().ok())
                .is_some_and(|d| d.enforce)
        })
    };
    let keys_href = Page::Workspace(ws, Tab::Keys).href();
    let keys_href = StoredValue::new(keys_href);
    let snippet = remote_view("the write keys", keys, move |list: &WriteKeyList| {
        // The snippet appears once, complete (with `hash` when identities are enforced).
        if manager && identity.with(Option::is_none) {
            return view! { <p class="muted" role="status">"Loading the identity settings…"</p> }
                .into_any();
        }
        let Some(key) = admin::install_key(&list.write_keys, js_sys::Date::now() as i64) else {
            return view! {
                <p class="empty">
                    "This workspace has no active write key. "
                    <a href=keys_href.get_value()>"Create one in Keys and origins."</a>
                </p>
            }
            .into_any();
        };
        let key = StoredValue::new(key.key.clone());
        let code = move || admin::init_snippet(&key.get_value(), &endpoint(), enforced());
        view! {
            <p>
                "Call it once your app knows who is signed in. It uses the write key "
                <code id="install-key">{key.get_value()}</code>"."
            </p>
            <pre class="code" id="init-snippet" tabindex="0" role="region" aria-label="The init call"><code>{code}</code></pre>
            <div class="actions">{copy_button(code, "the init call")}</div>
        }
        .into_any()
    });
    let identity_note = move || {
        enforced().then(|| {
            let code = || admin::USER_HASH_NODE.to_owned();
            view! {
                <section aria-labelledby="identity-note-heading" id="identity-note">
                    <h2 id="identity-note-heading">"Signed identities are required"</h2>
                    <p>
                        "This workspace requires user.hash: the hex HMAC-SHA256 of the user id, keyed "
                        "with the workspace's identity secret. Compute it on your server (the secret never "
                        "reaches a browser) and pass it to init as user.hash."
                    </p>
                    <pre class="code" tabindex="0" role="region" aria-label="Computing user_hash on your server"><code>{code()}</code></pre>
                    <div class="actions">{copy_button(code, "the user_hash code")}</div>
                </section>
            }
        })
    };
    view! {
        <h1 tabindex="-1">"Install"</h1>
        <section aria-labelledby="npm-heading">
            <h2 id="npm-heading">"1. Add the SDK"</h2>
            <pre class="code" id="npm-snippet" tabindex="0" role="region" aria-label="The install command"><code>{admin::NPM}</code></pre>
            <div class="actions">{copy_button(|| admin::NPM.to_owned(), "the install command")}</div>
        </section>
        <section aria-labelledby="init-heading">
            <h2 id="init-heading">"2. Start it"</h2>
            <div class="slot-code">{snippet}</div>
        </section>
        {identity_note}
        {(!manager)
            .then(|| {
                view! {
                    <p class="note">
                        "Whether this workspace requires signed identities (user.hash) is shown to "
                        "owners and admins."
                    </p>
                }
            })}
    }
}
