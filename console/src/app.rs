//! The console's shell: the top bar, a workspace's navigation, and the page the URL's
//! fragment names (see `route`). Signed-out visitors see sign-in, then the page they asked for.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::control::MeDto;
use wasm_bindgen::JsCast as _;
use wasm_bindgen::closure::Closure;

use crate::api;
use crate::pages;
use crate::route::{Page, Tab};
use crate::ui::Ctx;

/// The page the URL names now.
fn addressed() -> Page {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map_or(Page::Workspaces, |h| Page::parse(&h))
}

/// The whole app.
pub(crate) fn app() -> impl IntoView {
    let cx = Ctx {
        page: RwSignal::new(Page::Loading),
        me: RwSignal::new(None),
    };
    // Back, Forward and links change the fragment; the page follows (once signed in).
    let follow = Closure::<dyn Fn()>::new(move || {
        if cx.me.get_untracked().is_some() {
            let page = addressed();
            if cx.page.get_untracked() != page {
                cx.page.set(page);
                crate::ui::focus_heading();
            }
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("hashchange", follow.as_ref().unchecked_ref());
    }
    follow.forget(); // the app lives as long as the page
    spawn_local(async move {
        match api::text("GET", "/me", None)
            .await
            .and_then(|t| api::decode::<MeDto>(&t))
        {
            Ok(me) => {
                cx.me.set(Some(me));
                cx.page.set(match addressed() {
                    Page::SignIn => Page::Workspaces,
                    p => p,
                });
            }
            Err(_) => cx.page.set(Page::SignIn),
        }
    });
    let sign_out = move |_| {
        spawn_local(async move {
            // Signed out either way: a session the server no longer knows is gone too.
            let _ = api::act("DELETE", "/session", None).await;
            cx.me.set(None);
            cx.go(Page::SignIn);
        });
    };
    view! {
        <header class="bar">
            <a class="brand" href="#/">"Cairn"</a>
            {move || {
                cx.me
                    .get()
                    .map(|me| {
                        view! {
                            <span class="who">{me.user.email}</span>
                            <button type="button" class="quiet" on:click=sign_out>
                                "Sign out"
                            </button>
                        }
                    })
            }}
        </header>
        {move || workspace_nav(cx)}
        <main id="main">
            {move || match cx.page.get() {
                Page::Loading => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
                Page::SignIn => pages::signin::page(cx).into_any(),
                Page::Workspaces => pages::workspaces::page(cx).into_any(),
                Page::Workspace(ws, tab) => match tab {
                    Tab::Campaigns => pages::campaigns::page(cx, ws).into_any(),
                    Tab::Results => pages::results::overview(cx, ws).into_any(),
                    Tab::Accounts => pages::results::accounts(cx, ws).into_any(),
                    Tab::Team => pages::team::page(cx, ws).into_any(),
                    Tab::Keys => pages::keys::page(cx, ws).into_any(),
                    Tab::Install => pages::install::page(cx, ws).into_any(),
                    Tab::Settings => pages::settings::page(cx, ws).into_any(),
                    Tab::Audit => pages::audit::page(cx, ws).into_any(),
                    Tab::Why => pages::why::page(cx, ws).into_any(),
                },
                Page::NewCampaign(ws) => pages::new_campaign::page(cx, ws).into_any(),
                Page::Campaign(ws, id) => pages::campaign::page(cx, ws, id).into_any(),
                Page::CampaignResults(ws, id) => pages::results::campaign(cx, ws, id).into_any(),
            }}
        </main>
    }
}

/// The navigation of the workspace the page is in: its name and its tabs.
fn workspace_nav(cx: Ctx) -> Option<impl IntoView> {
    let page = cx.page.get();
    let ws = page.workspace()?.to_owned();
    let current = page.tab();
    let name = cx.workspace(&ws).map_or_else(|| ws.clone(), |w| w.name);
    Some(view! {
        <nav class="tabs" aria-label="Workspace">
            <a class="ws-name" href=Page::Workspaces.href() title="All workspaces">
                {name}
            </a>
            <ul>
                {Tab::ALL
                    .into_iter()
                    .map(|tab| {
                        let href = Page::Workspace(ws.clone(), tab).href();
                        let here = (current == Some(tab)).then_some("page");
                        view! {
                            <li>
                                <a href=href aria-current=here>{tab.label()}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    })
}
