//! What every page shares: the app's context (where the user is, who they are), API refusals
//! shown at their field, loading and error states, and focus moved to a new page's heading.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::control::{MeDto, MemberList, Role, WorkspaceRef};
use serde::de::DeserializeOwned;

use crate::api::{self, Refusal};
use crate::route::Page;

/// What every page shares.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx {
    /// The page shown.
    pub(crate) page: RwSignal<Page>,
    /// Who is signed in, and their workspaces.
    pub(crate) me: RwSignal<Option<MeDto>>,
}

impl Ctx {
    /// The signed-in user's workspace `id`, with their roles in it.
    pub(crate) fn workspace(self, id: &str) -> Option<WorkspaceRef> {
        self.me
            .get_untracked()
            .and_then(|m| m.workspaces.into_iter().find(|w| w.id == id))
    }

    /// Whether the signed-in user holds one of `roles` in workspace `ws`.
    pub(crate) fn holds_any(self, ws: &str, roles: &[Role]) -> bool {
        self.workspace(ws)
            .is_some_and(|w| w.roles.iter().any(|r| roles.contains(r)))
    }

    /// Shows `page`: its address goes into the URL (Back returns here) and focus moves to
    /// its heading (for keyboard and screen-reader users).
    pub(crate) fn go(self, page: Page) {
        let href = page.href();
        if let Some(w) = web_sys::window()
            && w.location().hash().ok().as_deref() != Some(href.as_str())
        {
            let _ = w.location().set_hash(&href);
        }
        self.page.set(page);
        focus_heading();
    }
}

/// Moves focus to the page's `h1` once it is on screen.
pub(crate) fn focus_heading() {
    request_animation_frame(|| {
        if let Some(h) = document().query_selector("main h1").ok().flatten()
            && let Ok(h) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h)
        {
            let _ = h.focus();
        }
    });
}

/// A refusal for people: its message, and the field it is about.
pub(crate) fn refusal_text(e: &Refusal) -> String {
    if e.field.is_empty() {
        e.message.clone()
    } else {
        format!("{} (field {})", e.message, e.field)
    }
}

/// The message of `error` when it is about `field`.
pub(crate) fn at_field(
    error: RwSignal<Option<Refusal>>,
    field: &'static str,
) -> impl Fn() -> String + Copy {
    move || {
        error
            .get()
            .filter(|e| e.field == field)
            .map(|e| e.message)
            .unwrap_or_default()
    }
}

/// `aria-invalid` of the input of `field`.
pub(crate) fn invalid(
    error: RwSignal<Option<Refusal>>,
    field: &'static str,
) -> impl Fn() -> &'static str + Copy {
    move || {
        if error.get().is_some_and(|e| e.field == field) {
            "true"
        } else {
            "false"
        }
    }
}

/// The message of `error` when no input shows it (its field is none of `shown`).
pub(crate) fn general(
    error: RwSignal<Option<Refusal>>,
    shown: &'static [&'static str],
) -> impl Fn() -> String + Copy {
    move || {
        error
            .get()
            .filter(|e| !shown.contains(&e.field.as_str()))
            .map(|e| refusal_text(&e))
            .unwrap_or_default()
    }
}

/// `view` while `when` holds: like `<Show>` (drawn again only when `when` changes), with less
/// code in the console's wasm.
pub(crate) fn shown<V: IntoView + 'static>(
    when: impl Fn() -> bool + Send + Sync + 'static,
    view: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    let on = Memo::new(move |_| when());
    move || on.get().then(&view)
}

/// What a request for a page's data has given so far.
pub(crate) type Remote<T> = RwSignal<Option<Result<T, Refusal>>>;

/// Starts `GET path` into `into` (the page may be gone when it answers).
pub(crate) fn fetch_into<T: DeserializeOwned + Send + Sync + 'static>(
    path: String,
    into: Remote<T>,
) {
    api::get_then(
        path,
        Box::new(move |r| {
            let _ = into.try_set(Some(r.and_then(|t| api::decode(&t))));
        }),
    );
}

/// A list's or a section's loading and error states; `ready` renders what arrived.
pub(crate) fn remote_view<T, V>(
    what: &'static str,
    state: Remote<T>,
    ready: impl Fn(&T) -> V + Send + Sync + 'static,
) -> impl Fn() -> AnyView
where
    T: Send + Sync + 'static,
    V: IntoView + 'static,
{
    move || {
        state.with(|s| match s {
            Some(Ok(v)) => ready(v).into_any(),
            Some(Err(e)) => pending(what, Some(e)),
            None => pending(what, None),
        })
    }
}

/// The loading line, or the refusal (once for every [`remote_view`]).
fn pending(what: &'static str, refused: Option<&Refusal>) -> AnyView {
    match refused {
        None => {
            view! { <p class="muted" role="status">{format!("Loading {what}…")}</p> }.into_any()
        }
        Some(e) => view! { <p class="error" role="alert">{refusal_text(e)}</p> }.into_any(),
    }
}

/// An action's outcome line: what was done, or the refusal.
pub(crate) type Outcome = RwSignal<Option<Result<String, Refusal>>>;

/// The `role="status"` line of an [`Outcome`].
pub(crate) fn outcome_view(id: &'static str, outcome: Outcome) -> impl IntoView {
    view! {
        <p id=id role="status" class=move || match outcome.get() {
            Some(Err(_)) => "error",
            _ => "ok",
        }>
            {move || match outcome.get() {
                None => String::new(),
                Some(Ok(done)) => done,
                Some(Err(e)) => refusal_text(&e),
            }}
        </p>
    }
}

/// Copies `text` to the clipboard (a secret shown once, a snippet).
#[allow(dead_code, reason = "the keys and install pages use it")]
pub(crate) fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// A Copy button for `text` (a secret shown once, a snippet, a link); `what` completes its
/// accessible name ("Copy the secret"). It says whether the clipboard took it.
pub(crate) fn copy_button(
    text: impl Fn() -> String + Send + Sync + 'static,
    what: &'static str,
) -> impl IntoView {
    let said = RwSignal::new("");
    let click = move |_| {
        let text = text();
        spawn_local(async move {
            let Some(w) = web_sys::window() else { return };
            let done =
                wasm_bindgen_futures::JsFuture::from(w.navigator().clipboard().write_text(&text))
                    .await;
            let _ = said.try_set(if done.is_ok() {
                "Copied."
            } else {
                "Not copied: select the text and copy it."
            });
        });
    };
    view! {
        <span class="copy">
            <button type="button" on:click=click>
                "Copy"<span class="sr-only">{format!(" {what}")}</span>
            </button>
            <span class="muted" role="status">{move || said.get()}</span>
        </span>
    }
}

/// Something shown once (a secret, a link): what it is, the value, a Copy button and a
/// warning; `hide` forgets it.
pub(crate) fn shown_once(
    id: &'static str,
    title: &'static str,
    warning: &'static str,
    value: RwSignal<Option<String>>,
) -> impl IntoView {
    move || {
        value.get().map(|v| {
            let copied = v.clone();
            view! {
                <div class="once" id=id role="region" aria-label=title>
                    <p class="once-title">{title}</p>
                    <code class="once-value">{v}</code>
                    <div class="actions">
                        {copy_button(move || copied.clone(), title)}
                        <button type="button" class="quiet" on:click=move |_| value.set(None)>
                            "Hide"
                        </button>
                    </div>
                    <p class="once-warning">{warning}</p>
                </div>
            }
        })
    }
}

/// A refusal's message when its field is `field` or starts with it (`origins[2]`).
pub(crate) fn under_field(
    error: RwSignal<Option<Refusal>>,
    field: &'static str,
) -> impl Fn() -> Option<Refusal> + Copy {
    move || {
        error.get().filter(|e| {
            e.field == field
                || e.field.starts_with(&format!("{field}["))
                || e.field.starts_with(&format!("{field}."))
        })
    }
}

/// `GET path` into `into` again after an action on one of its rows; the list is drawn again,
/// so when focus was on it (and is lost), it moves to the list's heading `heading_id`.
pub(crate) fn reload_list<T: DeserializeOwned + Send + Sync + 'static>(
    path: String,
    into: Remote<T>,
    heading_id: &'static str,
) {
    api::get_then(
        path,
        Box::new(move |r| {
            let _ = into.try_set(Some(r.and_then(|t| api::decode(&t))));
            refocus(heading_id);
        }),
    );
}

/// Once the page is drawn again: when focus was lost, to the heading `heading_id`.
fn refocus(heading_id: &'static str) {
    request_animation_frame(move || {
        let lost = document()
            .active_element()
            .is_none_or(|e| e.tag_name().eq_ignore_ascii_case("body"));
        if lost
            && let Some(h) = document().get_element_by_id(heading_id)
            && let Ok(h) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h)
        {
            let _ = h.focus();
        }
    });
}

/// A list's table: `class` (`list`, plus a variant), a caption for screen readers, a header
/// cell per column, and the rows.
pub(crate) fn table(
    class: &'static str,
    caption: &'static str,
    columns: &'static [&'static str],
    rows: impl IntoView + 'static,
) -> impl IntoView {
    view! {
        <table class=class>
            <caption class="sr-only">{caption}</caption>
            <thead>
                <tr>
                    {columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The email of user `id` in a members answer; the id itself while the answer is awaited, or
/// for someone no longer a member.
pub(crate) fn email_of(members: &Option<Result<MemberList, Refusal>>, id: &str) -> String {
    members
        .as_ref()
        .and_then(|r| r.as_ref().ok())
        .and_then(|l| l.members.iter().find(|m| m.user_id == id))
        .map_or_else(|| id.to_owned(), |m| m.email.clone())
}
