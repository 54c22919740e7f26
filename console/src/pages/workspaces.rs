//! The workspace picker: the signed-in user's workspaces, with their roles in each.

use leptos::prelude::*;

use crate::doc;
use crate::route::{Page, Tab};
use crate::ui::Ctx;

/// The workspace picker.
pub(crate) fn page(cx: Ctx) -> impl IntoView {
    let list = cx
        .me
        .get_untracked()
        .map(|m| m.workspaces)
        .unwrap_or_default();
    let body = if list.is_empty() {
        view! { <p class="empty">"You are not a member of any workspace yet."</p> }.into_any()
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
    }
}
