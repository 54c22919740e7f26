//! "Why not?": a user id and an account id in, the verdict of every campaign for that user now
//! out (a dry run through the account's Durable Object, as `GET /v1/debug/why`: asking records
//! nothing, so the user's experience is unchanged).

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::DecideResponse;

use crate::api::{self, Refusal};
use crate::ui::{Ctx, at_field, general, invalid};

/// The verdict of a campaign, for people.
fn verdict_label(kind: &str) -> String {
    match kind {
        "chosen" => "Shown now".to_owned(),
        other => crate::doc::status_label(other),
    }
}

/// The "Why not?" page.
pub(crate) fn page(_cx: Ctx, ws: String) -> impl IntoView {
    let user = RwSignal::new(String::new());
    let account = RwSignal::new(String::new());
    let path = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Refusal>);
    let busy = RwSignal::new(false);
    let answer = RwSignal::new(None::<DecideResponse>);
    let general = general(error, &["user", "account", "page"]);
    let ws = StoredValue::new(ws);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let mut q = format!(
            "/why?user={}&account={}",
            api::encode(user.get_untracked().trim()),
            api::encode(account.get_untracked().trim())
        );
        let p = path.get_untracked();
        if !p.trim().is_empty() {
            q.push_str(&format!("&page={}", api::encode(p.trim())));
        }
        let url = api::ws_path(&ws.get_value(), &q);
        spawn_local(async move {
            match api::text("GET", &url, None)
                .await
                .and_then(|t| api::decode::<DecideResponse>(&t))
            {
                Ok(a) => {
                    let _ = answer.try_set(Some(a));
                }
                Err(e) => {
                    let _ = answer.try_set(None);
                    let _ = error.try_set(Some(e));
                }
            }
            let _ = busy.try_set(false);
        });
    };
    let result = move || {
        answer.get().map(|a| {
            let verdicts = a.decision.verdicts.unwrap_or_default();
            let shown: Vec<String> = a.decision.messages.iter().map(|m| m.campaign.clone()).collect();
            view! {
                <p role="status">
                    {if shown.is_empty() {
                        "Nothing is shown to this user now.".to_owned()
                    } else {
                        format!("Shown now: {}.", shown.join(", "))
                    }}
                </p>
                {if verdicts.is_empty() {
                    view! { <p class="empty">"This workspace has no live campaign."</p> }.into_any()
                } else {
                    view! {
                        {crate::ui::table("list", "Verdicts", &["Campaign", "Verdict", "Why", "Until"], verdicts
                                    .into_iter()
                                    .map(|v| view! {
                                        <tr>
                                            <td>{v.campaign}</td>
                                            <td><span class=format!("pill {}", v.verdict)>{verdict_label(&v.verdict)}</span></td>
                                            <td>{v.detail.unwrap_or_default()}</td>
                                            <td>{v.until.map(api::when).unwrap_or_default()}</td>
                                        </tr>
                                    })
                                    .collect_view())}
                    }
                    .into_any()
                }}
            }
        })
    };
    view! {
        <h1 tabindex="-1">"Why not?"</h1>
        <p class="muted">
            "Every live campaign's verdict for one user, now: shown, or why not. Asking changes nothing the user sees."
        </p>
        <form class="filters" on:submit=submit novalidate>
            <div>
                <label for="why-user">"User id"</label>
                <input id="why-user" aria-invalid=invalid(error, "user") aria-describedby="why-user-error"
                    prop:value=move || user.get() on:input=move |ev| user.set(event_target_value(&ev)) />
                <p id="why-user-error" class="error">{at_field(error, "user")}</p>
            </div>
            <div>
                <label for="why-account">"Account id"</label>
                <input id="why-account" aria-invalid=invalid(error, "account") aria-describedby="why-account-error"
                    prop:value=move || account.get() on:input=move |ev| account.set(event_target_value(&ev)) />
                <p id="why-account-error" class="error">{at_field(error, "account")}</p>
            </div>
            <div>
                <label for="why-page">"Page (optional)"</label>
                <input id="why-page" placeholder="/reports" aria-invalid=invalid(error, "page") aria-describedby="why-page-error"
                    prop:value=move || path.get() on:input=move |ev| path.set(event_target_value(&ev)) />
                <p id="why-page-error" class="error">{at_field(error, "page")}</p>
            </div>
            <div>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Asking…" } else { "Ask" }}
                </button>
                <p class="error" role="status">{general}</p>
            </div>
        </form>
        <div class="slot">{result}</div>
    }
}
