//! The page that starts a campaign: a document from a starter, edited with the form or as
//! JSON (the same text), validated as you type, saved as revision 1, a draft; then the
//! campaign's page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::ProblemDto;

use crate::api;
use crate::doc;
use crate::pages::{document, preview_pane};
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
        <div class="workbench">
            <section aria-label="Document">
                {document::editor(text)}
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
            </section>
            {preview_pane::pane(text.into())}
        </div>
        {outcome_view("action-status", outcome)}
    }
}
