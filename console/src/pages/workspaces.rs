//! The workspace picker: the signed-in user's workspaces, with their roles in each, and a
//! new workspace (its creator becomes its owner).

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::control::{MeDto, NameBody, to_text};

use crate::api::{self, Refusal};
use crate::doc;
use crate::route::{Page, Tab};
use crate::ui::{Ctx, at_field, general, invalid};

/// The form that creates a workspace; the user then lands on its campaigns.
fn create(cx: Ctx) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Refusal>);
    let busy = RwSignal::new(false);
    let general = general(error, &["name"]);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let body = to_text(&NameBody {
            name: name.get_untracked(),
        });
        spawn_local(async move {
            let made = api::act("POST", "/workspaces", Some(&body)).await;
            let me = match made {
                Ok(()) => api::text("GET", "/me", None)
                    .await
                    .and_then(|t| api::decode::<MeDto>(&t)),
                Err(e) => Err(e),
            };
            match me {
                Ok(me) => {
                    // The workspace just made: the one the user was not in before.
                    let before = cx
                        .me
                        .get_untracked()
                        .map(|m| m.workspaces)
                        .unwrap_or_default();
                    let id = me
                        .workspaces
                        .iter()
                        .find(|w| !before.iter().any(|b| b.id == w.id))
                        .map(|w| w.id.clone());
                    cx.me.set(Some(me));
                    if let Some(id) = id {
                        cx.go(Page::Workspace(id, Tab::Keys));
                    }
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                    let _ = busy.try_set(false);
                }
            }
        });
    };
    view! {
        <form class="inline-form" on:submit=submit novalidate>
            <h2>"New workspace"</h2>
            <label for="workspace-name">"Name"</label>
            <input
                id="workspace-name"
                autocomplete="organization"
                aria-describedby="workspace-name-error"
                aria-invalid=invalid(error, "name")
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <p id="workspace-name-error" class="error" aria-live="polite">{at_field(error, "name")}</p>
            <button type="submit" class="primary" disabled=move || busy.get()>
                "Create workspace"
            </button>
            <p class="error" role="status">{general}</p>
        </form>
    }
}

/// The workspace picker.
pub(crate) fn page(cx: Ctx) -> impl IntoView {
    let list = cx
        .me
        .get_untracked()
        .map(|m| m.workspaces)
        .unwrap_or_default();
    let body = if list.is_empty() {
        view! { <p class="empty">"You are not a member of any workspace yet. Create one below, or ask a workspace owner for an invitation."</p> }.into_any()
    } else {
        view! {
            <ul class="cards">
                {list
                    .into_iter()
                    .map(|ws| {
                        let href = Page::Workspace(ws.id.clone(), Tab::Campaigns).href();
                        let roles = doc::roles_text(&ws);
                        view! {
                            <li>
                                <a class="card" href=href>
                                    <span class="card-title">{ws.name}</span>
                                    <span class="muted">{roles}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <h1 tabindex="-1">"Workspaces"</h1>
        {body}
        {create(cx)}
    }
}
