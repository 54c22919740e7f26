//! The workspace's audit page (being built).

use leptos::prelude::*;

use crate::ui::Ctx;

/// The audit page.
pub(crate) fn page(_cx: Ctx, _ws: String) -> impl IntoView {
    view! { <h1 tabindex="-1">"audit"</h1> }
}
