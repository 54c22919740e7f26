//! What a campaign page shows of its record: the facts, the approval and the reviews, the
//! changes against the live revision, and the revisions with their rollback.

use leptos::prelude::*;
use protocol::v1::control::{CampaignDetail, RevisionState, diff_documents};

use crate::api;
use crate::doc;

/// The facts, the approval status and the reviews; `who` names a user id (their email).
pub(crate) fn summary_view(
    d: &CampaignDetail,
    who: &dyn Fn(&str) -> String,
) -> impl IntoView + use<> {
    let c = &d.campaign;
    let live = c
        .live
        .map(|l| format!("revision {} ({:?})", l.revision, l.state).to_ascii_lowercase())
        .unwrap_or_else(|| "none".to_owned());
    let working = c.working.as_ref().map_or_else(
        || "none".to_owned(),
        |w| {
            format!(
                "revision {}: {} ({})",
                w.revision,
                doc::state_label(w.state),
                doc::short(&w.hash)
            )
        },
    );
    let approval = d.approval.as_ref().map_or_else(
        || view! { <p class="muted">"No revision waiting for approval."</p> }.into_any(),
        |a| {
            let verdict = if a.satisfied {
                "The policy is met: it may be published.".to_owned()
            } else {
                format!("Not approved yet: {}", a.missing.join(" "))
            };
            view! {
                <p>{verdict}</p>
                <p class="muted">
                    {format!(
                        "{} of {} approvals",
                        a.approved_by.len(),
                        a.required,
                    )}
                    {(!a.changes_requested_by.is_empty())
                        .then(|| format!(
                            "; changes requested by {}",
                            a.changes_requested_by.iter().map(|u| who(u)).collect::<Vec<_>>().join(", ")
                        ))}
                </p>
            }
            .into_any()
        },
    );
    let editing = c.working.is_some();
    let reviews = if d.reviews.is_empty() {
        view! { <p class="empty">"No reviews yet."</p> }.into_any()
    } else {
        view! {
            <ul class="reviews">
                {d
                    .reviews
                    .iter()
                    .rev()
                    .map(|r| {
                        // Void only means something while a revision is being worked on.
                        let void = (r.void && editing)
                            .then_some(" (void: the document changed since)");
                        view! {
                            <li>
                                <strong>{doc::verdict_label(r.verdict)}</strong>
                                {format!(" by {} on revision {}", who(&r.reviewer), r.revision)}
                                {void}
                                {(!r.comment.is_empty()).then(|| view! { <q>{r.comment.clone()}</q> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <dl class="facts">
            <dt>"Surface"</dt>
            <dd>{c.surface.clone()}</dd>
            <dt>"Category"</dt>
            <dd>{doc::category(c).to_owned()}</dd>
            <dt>"Status"</dt>
            <dd>
                <span class=format!("pill {}", c.status)>{doc::status_label(&c.status)}</span>
            </dd>
            <dt>"Live"</dt>
            <dd>{live}</dd>
            <dt>"Working"</dt>
            <dd>{working}</dd>
            <dt>"Last change"</dt>
            <dd>{api::when(c.updated_at)}</dd>
        </dl>
        <section aria-labelledby="approval-heading">
            <h2 id="approval-heading">"Approval"</h2>
            {approval}
            <h3>"Reviews"</h3>
            {reviews}
        </section>
    }
}

/// The working revision's changes against the live one (or, with nothing live, the whole
/// draft), computed with `protocol`'s diff, field by field.
pub(crate) fn changes_view(d: &CampaignDetail) -> impl IntoView + use<> {
    let Some(working) = d.working_document.as_ref() else {
        return view! { <p class="muted">"No revision is being worked on."</p> }.into_any();
    };
    let live = d.live_document.as_ref().map_or("null", |l| l.get());
    let changes = diff_documents(live, working.get());
    if changes.is_empty() {
        return view! { <p class="empty">"No change against the live revision."</p> }.into_any();
    }
    let against = if d.live_document.is_some() {
        "Changes against the live revision"
    } else {
        "Nothing is live yet: the whole document is new"
    };
    let show =
        |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    view! {
        <table class="list diff">
            <caption>{against}</caption>
            <thead>
                <tr>
                    <th scope="col">"Field"</th>
                    <th scope="col">"Change"</th>
                    <th scope="col">"Before"</th>
                    <th scope="col">"After"</th>
                </tr>
            </thead>
            <tbody>
                {changes
                    .into_iter()
                    .map(|c| {
                        view! {
                            <tr class=c.op>
                                <td><code>{if c.path.is_empty() { "(document)".to_owned() } else { c.path.clone() }}</code></td>
                                <td>{doc::op_label(c.op)}</td>
                                <td><del>{show(&c.before)}</del></td>
                                <td><ins>{show(&c.after)}</ins></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The revisions, newest first; an executor may roll back to a published one that is not live.
pub(crate) fn history_view<R>(
    d: &CampaignDetail,
    executor: bool,
    rollback: R,
) -> impl IntoView + use<R>
where
    R: Fn(u32) + Copy + Send + Sync + 'static,
{
    let live = d.campaign.live.as_ref().map(|l| l.revision);
    let rows = d
        .revisions
        .iter()
        .rev()
        .map(|r| {
            let number = r.number;
            let is_live = live == Some(number);
            let can = executor && !is_live && r.state == RevisionState::Published;
            view! {
                <tr>
                    <td>{number}{is_live.then_some(" (live)")}</td>
                    <td>{doc::state_label(r.state)}</td>
                    <td><code>{doc::short(&r.hash).to_owned()}</code></td>
                    <td>{api::when(r.created_at)}</td>
                    <td>
                        {can.then(|| view! {
                            <button type="button" class="quiet" on:click=move |_| rollback(number)>
                                {format!("Roll back to {number}…")}
                            </button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="list">
            <caption class="sr-only">"Revisions"</caption>
            <thead>
                <tr>
                    <th scope="col">"Revision"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Hash"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
