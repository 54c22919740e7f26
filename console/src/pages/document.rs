//! The campaign document's editor, as the new-campaign and campaign pages show it: a form (see
//! `editor`) or the JSON itself, both editing the same text, and the verdict of `protocol` on
//! it as you type.

use leptos::prelude::*;

use crate::doc;
use crate::pages::editor;

/// The editor of the document in `text`; the form first.
pub(crate) fn editor(text: RwSignal<String>) -> impl IntoView {
    let as_json = RwSignal::new(false);
    let problem = move || doc::check(&text.get());
    view! {
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
        <p
            id="document-status"
            aria-live="polite"
            class=move || if problem().is_some() { "error" } else { "ok" }
            data-field=move || problem().map(|p| p.field).unwrap_or_default()
        >
            {move || problem().map_or_else(|| "Valid campaign document.".to_owned(), |p| doc::describe(&p))}
        </p>
    }
}
