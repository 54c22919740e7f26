//! The workspace's team page (being built).

use leptos::prelude::*;

use crate::ui::Ctx;

/// The team page.
pub(crate) fn page(_cx: Ctx, _ws: String) -> impl IntoView {
    view! { <h1 tabindex="-1">"team"</h1> }
}
