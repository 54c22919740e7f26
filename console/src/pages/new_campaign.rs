//! The page that starts a campaign: a document from a starter, edited with the form or as
//! JSON (the same text), validated as you type, saved as revision 1, a draft; then the
//! campaign's page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::ProblemDto;

use crate::api;
use crate::doc;
use crate::pages::editor;
use crate::route::{Page, Tab};
use crate::ui::{Ctx, Outcome, outcome_view};

/// The page that starts a campaign: a document (from a starter), validated as you type, saved
/// as revision 1, a draft.
pub(crate) fn page(cx: Ctx, ws: String) -> impl IntoView {
    let text = RwSignal::new(doc::STARTER.to_owned());
    let outcome: Outcome = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let problem = move || doc::check(&text.get());
    let ws = StoredValue::new(ws);
    let as_json = RwSignal::new(false);
    let create = move |_| {
        let body = match doc::create_body(&text.get_untracked()) {
            Ok(body) => body,
            Err(p) => return outcome.set(Some(Err(ProblemDto::from(&p)))),
        };
        busy.set(true);
        spawn_local(async move {
            let path = api::ws_path(&ws.get_value(), "/campaigns");
            match api::act("POST", &path, Some(&body)).await {
                Ok(()) => {
                    let id = doc::id_of(&text.get_untracked()).unwrap_or_default();
                    cx.go(Page::Campaign(ws.get_value(), id));
                }
                Err(e) => {
                    let _ = outcome.try_set(Some(Err(e)));
                    let _ = busy.try_set(false);
                }
            }
        });
    };
    view! {
        <p class="crumbs">
            <a href=Page::Workspace(ws.get_value(), Tab::Campaigns).href()>"← All campaigns"</a>
        </p>
        <h1 tabindex="-1">"New campaign"</h1>
        <div class="switch" role="group" aria-label="Edit the document as">
            <button type="button" aria-pressed=move || (!as_json.get()).to_string() on:click=move |_| as_json.set(false)>
                "Form"
            </button>
            <button type="button" aria-pressed=move || as_json.get().to_string() on:click=move |_| as_json.set(true)>
                "JSON"
            </button>
        </div>
        {move || if as_json.get() {
            view! {
                <label for="document">"Campaign document (JSON)"</label>
                <textarea
                    id="document"
                    spellcheck="false"
                    rows="18"
                    aria-describedby="document-status"
                    aria-invalid=move || if problem().is_some() { "true" } else { "false" }
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
            }
            .into_any()
        } else {
            editor::form(text).into_any()
        }}
        <p id="document-status" aria-live="polite" class=move || if problem().is_some() { "error" } else { "ok" }>
            {move || problem().map_or_else(|| "Valid campaign document.".to_owned(), |p| doc::describe(&p))}
        </p>
        <div class="actions">
            <button
                type="button"
                class="primary"
                on:click=create
                disabled=move || busy.get() || problem().is_some()
            >
                "Create draft"
            </button>
        </div>
        {outcome_view("action-status", outcome)}
    }
}
