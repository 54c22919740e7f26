//! The workspace's settings page (being built).

use leptos::prelude::*;

use crate::ui::Ctx;

/// The settings page.
pub(crate) fn page(_cx: Ctx, _ws: String) -> impl IntoView {
    view! { <h1 tabindex="-1">"settings"</h1> }
}
