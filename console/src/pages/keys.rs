//! The workspace's keys page (being built).

use leptos::prelude::*;

use crate::ui::Ctx;

/// The keys page.
pub(crate) fn page(_cx: Ctx, _ws: String) -> impl IntoView {
    view! { <h1 tabindex="-1">"keys"</h1> }
}
