//! The workspace's install page (being built).

use leptos::prelude::*;

use crate::ui::Ctx;

/// The install page.
pub(crate) fn page(_cx: Ctx, _ws: String) -> impl IntoView {
    view! { <h1 tabindex="-1">"install"</h1> }
}
