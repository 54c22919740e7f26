//! A workspace's campaigns: status, surface, category, last change and its author, filtered
//! by status and searched by id; editors start a new campaign here.

use leptos::prelude::*;
use protocol::v1::control::{CampaignDto, CampaignList, MemberList, Role};

use crate::api;
use crate::doc;
use crate::route::Page;
use crate::ui::{Ctx, Remote, fetch_into, remote_view};

/// The statuses offered by the filter: (value, label).
const STATUSES: [(&str, &str); 8] = [
    ("", "Any status"),
    ("draft", "Draft"),
    ("in_review", "In review"),
    ("changes_requested", "Changes requested"),
    ("approved", "Approved"),
    ("live", "Live"),
    ("paused", "Paused"),
    ("archived", "Archived"),
];

/// The campaign list.
pub(crate) fn page(cx: Ctx, ws: String) -> impl IntoView {
    let state: Remote<CampaignList> = RwSignal::new(None);
    let members: Remote<MemberList> = RwSignal::new(None);
    fetch_into(api::ws_path(&ws, "/campaigns"), state);
    fetch_into(api::ws_path(&ws, "/members"), members);
    let status = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let editor = cx.holds_any(&ws, &[Role::Editor]);
    let new_href = Page::NewCampaign(ws.clone()).href();
    let ws = StoredValue::new(ws);
    let who = move |id: &str| members.with(|m| crate::ui::email_of(m, id));
    let table = remote_view("campaigns", state, move |list: &CampaignList| {
        if list.campaigns.is_empty() {
            return view! {
                <p class="empty">
                    "No campaigns yet. "
                    {if editor { "Start one with “New campaign”." } else { "Editors create them." }}
                </p>
            }
            .into_any();
        }
        let all = list.campaigns.clone();
        let rows = move || {
            let (status, search) = (status.get(), search.get().trim().to_ascii_lowercase());
            let shown: Vec<CampaignDto> = all
                .iter()
                .filter(|c| doc::matches(c, &status, &search))
                .cloned()
                .collect();
            if shown.is_empty() {
                return view! {
                    <tr>
                        <td colspan="6" class="muted">"No campaign matches these filters."</td>
                    </tr>
                }
                .into_any();
            }
            shown
                .into_iter()
                .map(|c| {
                    let href = Page::Campaign(ws.get_value(), c.id.clone()).href();
                    let category = doc::category(&c).to_owned();
                    let label = doc::status_label(&c.status);
                    let by = who(&c.updated_by);
                    view! {
                        <tr>
                            <td><a href=href>{c.id}</a></td>
                            <td>{c.surface}</td>
                            <td>{category}</td>
                            <td><span class=format!("pill {}", c.status)>{label}</span></td>
                            <td>{api::when(c.updated_at)}</td>
                            <td>{by}</td>
                        </tr>
                    }
                })
                .collect_view()
                .into_any()
        };
        view! {
            {crate::ui::table("list", "Campaigns", &["Campaign", "Surface", "Category", "Status", "Last change", "By"], rows)}
        }
        .into_any()
    });
    view! {
        <div class="head">
            <h1 tabindex="-1">"Campaigns"</h1>
            {editor.then(|| view! { <a class="button primary" href=new_href>"New campaign"</a> })}
        </div>
        <div class="filters" role="search">
            <div>
                <label for="campaign-search">"Search"</label>
                <input
                    id="campaign-search"
                    type="search"
                    placeholder="Campaign id"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
            </div>
            <div>
                <label for="campaign-status">"Status"</label>
                <select
                    id="campaign-status"
                    on:change=move |ev| status.set(event_target_value(&ev))
                >
                    {STATUSES
                        .into_iter()
                        .map(|(value, label)| view! { <option value=value>{label}</option> })
                        .collect_view()}
                </select>
            </div>
        </div>
        <div class="slot">{table}</div>
    }
}
