//! The campaign form editor: a form over the document text (the one source of truth), each
//! change written back as laid-out JSON and validated by `protocol`, each problem shown at
//! its field. Used by the new-campaign page and the campaign page.

mod audience;
mod content;
mod delivery;
mod fields;

use leptos::prelude::*;

use crate::doc;
use crate::form;
use fields::Ed;

/// The form editing `text` (a campaign document as JSON). While the text is not a JSON
/// object (someone is typing in the JSON view) the form says so and offers nothing.
pub(crate) fn form(text: RwSignal<String>) -> impl IntoView {
    let ed = Ed::new(text);
    let usable = Memo::new(move |_| ed.doc.with(Option::is_some));
    move || {
        if usable.get() {
            editor(ed).into_any()
        } else {
            view! {
                <div class="form-off" role="status">
                    <p class="error">"The document is not a JSON object, so the form cannot show it."</p>
                    <p class="muted">"Fix it in the JSON view (its status line says where); the form comes back once it parses."</p>
                </div>
            }
            .into_any()
        }
    }
}

fn editor(ed: Ed) -> impl IntoView {
    let focus = move |_| {
        if let Some(p) = ed.problem.get_untracked() {
            focus_field(&p.field);
        }
    };
    view! {
        <div class="form-editor">
            <div class="form-status">
                {move || match ed.problem.get() {
                    None => view! { <p class="ok">"The form's document is valid."</p> }.into_any(),
                    Some(p) => view! {
                        <p class="error" id="form-problem" data-field=p.field.clone()>
                            {doc::describe(&p)}
                            " "
                            <button type="button" class="link" on:click=focus>"Go to the field"</button>
                        </p>
                    }
                    .into_any(),
                }}
            </div>
            {delivery::campaign(ed)}
            {audience::section(ed)}
            {content::section(ed)}
            {delivery::timing(ed)}
            {delivery::experiment(ed)}
        </div>
    }
}

/// Focuses the input of the problem at `field`, or of the closest section above it.
fn focus_field(field: &str) {
    let mut path = field.to_owned();
    loop {
        for id in [
            form::input_id(&path),
            format!("{}-kind", form::input_id(&path)),
            format!("{}-op", form::input_id(&path)),
        ] {
            if let Some(el) = document().get_element_by_id(&id)
                && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el)
            {
                let _ = el.focus();
                return;
            }
        }
        match path.rfind(['.', '[']) {
            Some(i) => path.truncate(i),
            None => return,
        }
    }
}
