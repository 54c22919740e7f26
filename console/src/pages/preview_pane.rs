//! The live preview: the draft rendered by the SDK's own guides module in a same-origin iframe
//! (`/console/preview`), with controls for the locale, the experiment arm, the tour step,
//! the checklist progress, the theme (light or dark, default or branded) and the width.

use leptos::prelude::*;

use crate::preview::{self, Choice};

/// The preview page the iframe loads.
const PAGE: &str = "/console/preview";
/// The values of the draft's `{{…}}` variables in the preview.
const VARS: &str = r#"{"user":{"id":"preview-user","first_name":"Alex","name":"Alex Lee"},"account":{"id":"preview-account","name":"Acme"}}"#;

/// A select's options: (value, label).
fn options(
    list: Vec<(String, String)>,
    selected: impl Fn() -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    list.into_iter()
        .map(|(value, label)| {
            let v = value.clone();
            view! { <option value=value selected=move || selected() == v>{label}</option> }
        })
        .collect_view()
}

/// Preview panes made so far: each loads its own address, so a pane that Leptos rebuilds in
/// the place of another (one campaign page after another) loads its page anew.
static PANES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// The preview of the draft in `text`.
pub(crate) fn pane(text: Signal<String>) -> impl IntoView {
    let n = PANES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let src = format!("{PAGE}?pane={n}");
    let choice = RwSignal::new(Choice::default());
    let dark = RwSignal::new(false);
    let brand = RwSignal::new(false);
    let narrow = RwSignal::new(false);
    let frame = NodeRef::<leptos::html::Iframe>::new();
    // The message for the preview page, sent when it says it is ready.
    let pending = StoredValue::new(None::<String>);
    let opts = Memo::new(move |_| preview::options(&text.get()));
    let input = Memo::new(move |_| preview::input(&text.get(), &choice.get()));

    let send = move || {
        let (Some(payload), Some(iframe)) = (pending.get_value(), frame.get_untracked()) else {
            return;
        };
        let (Ok(data), Some(target)) = (js_sys::JSON::parse(&payload), iframe.content_window())
        else {
            return;
        };
        let origin = window().location().origin().unwrap_or_default();
        let _ = target.post_message(&data, &origin);
    };
    // The preview page announces itself once its guides module has started.
    let loaded = StoredValue::new(false);
    let ready = window_event_listener(leptos::ev::message, move |e: web_sys::MessageEvent| {
        let ours = frame
            .get_untracked()
            .and_then(|f| f.content_window())
            .is_some_and(|w| {
                // Compared as values: the frame's window is not an instance of this
                // window's `Window`, so it cannot be cast.
                e.source().is_some_and(|s| {
                    wasm_bindgen::JsValue::from(s) == wasm_bindgen::JsValue::from(w)
                })
            });
        if ours {
            loaded.set_value(true);
            send();
        }
    });
    on_cleanup(move || ready.remove());
    // A new draft, choice or theme: reload the page (a clean renderer, as a page load in the
    // product), which then asks for it. Typing is debounced.
    let generation = StoredValue::new(0_u32);
    let last_valid = StoredValue::new(None::<String>);
    let sent = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        // While the draft is invalid, the last valid one stays (and still takes a new theme).
        let input = match input.get() {
            Ok(i) => {
                last_valid.set_value(Some(i.clone()));
                i
            }
            Err(_) => match last_valid.get_value() {
                Some(i) => i,
                None => return,
            },
        };
        let payload = format!(
            "{{\"input\":{input},\"theme\":{{\"dark\":{},\"brand\":{}}},\"vars\":{VARS}}}",
            dark.get(),
            brand.get()
        );
        if sent.with_value(|s| s.as_deref() == Some(payload.as_str())) {
            return;
        }
        sent.set_value(Some(payload.clone()));
        generation.update_value(|g| *g += 1);
        if !loaded.get_value() {
            // The page is still loading: it asks for this once it is ready.
            pending.set_value(Some(payload));
            return;
        }
        let mine = generation.get_value();
        set_timeout(
            move || {
                if generation.try_get_value() != Some(mine) {
                    return;
                }
                pending.set_value(Some(payload));
                if let Some(w) = frame.get_untracked().and_then(|f| f.content_window()) {
                    loaded.set_value(false);
                    let _ = w.location().reload();
                }
            },
            std::time::Duration::from_millis(250),
        );
    });

    let locale = move || choice.with(|c| c.locale.clone());
    let variant = move || choice.with(|c| c.variant.clone());
    let step = move || choice.with(|c| c.step.to_string());
    let done = move || choice.with(|c| c.done.to_string());
    let controls = move || {
        let o = opts.get()?;
        let locales = std::iter::once((String::new(), "Default".to_owned()))
            .chain(o.locales.iter().map(|l| (l.clone(), l.clone())))
            .collect();
        let variants = (!o.variants.is_empty()).then(|| {
            std::iter::once((String::new(), "Control (campaign content)".to_owned()))
                .chain(o.variants.iter().map(|v| (v.clone(), v.clone())))
                .collect::<Vec<_>>()
        });
        let steps = (o.steps > 0).then(|| {
            (0..o.steps)
                .map(|i| (i.to_string(), format!("Step {} of {}", i + 1, o.steps)))
                .collect::<Vec<_>>()
        });
        let tasks = (o.tasks > 0).then(|| {
            (0..=o.tasks)
                .map(|i| (i.to_string(), format!("{i} of {} done", o.tasks)))
                .collect::<Vec<_>>()
        });
        Some(view! {
            <div>
                <label for="preview-locale">"Language"</label>
                <select id="preview-locale" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    choice.update(|c| c.locale = v);
                }>{options(locales, locale)}</select>
            </div>
            {variants.map(|list| view! {
                <div>
                    <label for="preview-variant">"Variant"</label>
                    <select id="preview-variant" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        choice.update(|c| c.variant = v);
                    }>{options(list, variant)}</select>
                </div>
            })}
            {steps.map(|list| view! {
                <div>
                    <label for="preview-step">"Tour step"</label>
                    <select id="preview-step" on:change=move |ev| {
                        let v = event_target_value(&ev).parse().unwrap_or(0);
                        choice.update(|c| c.step = v);
                    }>{options(list, step)}</select>
                </div>
            })}
            {tasks.map(|list| view! {
                <div>
                    <label for="preview-done">"Checklist progress"</label>
                    <select id="preview-done" on:change=move |ev| {
                        let v = event_target_value(&ev).parse().unwrap_or(0);
                        choice.update(|c| c.done = v);
                    }>{options(list, done)}</select>
                </div>
            })}
        })
    };
    let toggle = move |label: &'static str, state: RwSignal<bool>| {
        view! {
            <button
                type="button"
                class="toggle"
                aria-pressed=move || if state.get() { "true" } else { "false" }
                on:click=move |_| state.update(|s| *s = !*s)
            >
                {label}
            </button>
        }
    };
    view! {
        <section class="preview" aria-labelledby="preview-heading">
            <h2 id="preview-heading">"Preview"</h2>
            <p class="muted">"Rendered by the SDK's own guides module, as your users will see it."</p>
            <div class="preview-controls">
                {controls}
                <div class="toggles" role="group" aria-label="Preview display">
                    {toggle("Dark", dark)}
                    {toggle("Branded theme", brand)}
                    {toggle("375 px", narrow)}
                </div>
            </div>
            <p class="error preview-status" role="status">
                {move || input.get().err().map(|_| "The preview shows the last valid document: fix the errors above to update it.")}
            </p>
            <div class="preview-stage">
                <iframe
                    node_ref=frame
                    src=src
                    title="Preview of the campaign"
                    class=move || if narrow.get() { "preview-frame narrow" } else { "preview-frame" }
                ></iframe>
            </div>
        </section>
    }
}
