//! The workspace's why page (being built).

use leptos::prelude::*;

use crate::ui::Ctx;

/// The why page.
pub(crate) fn page(_cx: Ctx, _ws: String) -> impl IntoView {
    view! { <h1 tabindex="-1">"why"</h1> }
}
