//! A campaign: its summary, revisions and reviews, the document editor validated as you type,
//! the review and the lifecycle actions.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::ProblemDto;
use protocol::v1::control::{CampaignDetail, ReviewVerdict, RevisionState, Role};

use crate::api::{self, Refusal};
use crate::doc;
use crate::route::{Page, Tab};
use crate::ui::{Ctx, Outcome, outcome_view, refusal_text};

/// A campaign's page.
pub(crate) fn page(cx: Ctx, ws: String, id: String) -> impl IntoView {
    let executor = cx.holds_any(&ws, &[Role::Executor]);
    let detail = RwSignal::new(None::<Result<CampaignDetail, Refusal>>);
    let text = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let outcome: Outcome = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let path = StoredValue::new(api::ws_path(
        &ws,
        &format!("/campaigns/{}", api::encode(&id)),
    ));
    let reload = move || async move {
        let r = api::call::<CampaignDetail>("GET", &path.get_value(), None).await;
        if let Ok(d) = &r {
            let raw = d.working_document.as_ref().or(d.live_document.as_ref());
            let _ = text.try_set(raw.map(|raw| doc::pretty(raw)).unwrap_or_default());
        }
        let _ = detail.try_set(Some(r));
    };
    spawn_local(reload());
    let working = move || {
        detail.with(|d| {
            d.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|d| d.campaign.working.clone())
        })
    };
    let hash = move || working().map(|w| w.hash).unwrap_or_default();
    let run = move |method: &'static str, tail: &'static str, body: String, done: &'static str| {
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let url = format!("{}{tail}", path.get_value());
            let r = api::act(method, &url, Some(&body)).await;
            // The page shows the campaign as it is now (its new hash, its state) before the
            // outcome appears and the buttons come back: an action right after this one never
            // acts on what was there before.
            reload().await;
            let _ = outcome.try_set(Some(r.map(|()| done.to_owned())));
            let _ = busy.try_set(false);
        });
    };
    let save = move |_| match doc::draft_body(&text.get_untracked(), working().map(|w| w.hash)) {
        Ok(body) => run("PUT", "/draft", body, "Draft saved."),
        Err(p) => outcome.set(Some(Err(ProblemDto::from(&p)))),
    };
    let submit = move |_| {
        run(
            "POST",
            "/submit",
            doc::hash_body(&hash()),
            "Submitted for review.",
        );
    };
    let review = move |verdict: ReviewVerdict, done: &'static str| {
        let body = doc::review_body(&hash(), verdict, &comment.get_untracked());
        run("POST", "/reviews", body, done);
    };
    let publish = move |_| {
        if api::confirm("Publish this revision? Users will see it at their next decision.") {
            run("POST", "/publish", doc::hash_body(&hash()), "Published.");
        }
    };
    let problem = move || doc::check(&text.get());
    let state_is =
        move |states: &[RevisionState]| working().is_some_and(|w| states.contains(&w.state));
    let ws = StoredValue::new(ws);

    let summary = move || {
        detail.with(|d| match d {
            None => view! { <p class="muted" role="status">"Loading the campaign…"</p> }.into_any(),
            Some(Err(e)) => {
                view! { <p class="error" role="alert">{refusal_text(e)}</p> }.into_any()
            }
            Some(Ok(d)) => summary_view(d).into_any(),
        })
    };

    view! {
        <p class="crumbs">
            <a href=Page::Workspace(ws.get_value(), Tab::Campaigns).href()>"← All campaigns"</a>
        </p>
        <h1 tabindex="-1">{id}</h1>
        <div class="slot">{summary}</div>
        <section aria-labelledby="editor-heading">
            <h2 id="editor-heading">"Working document"</h2>
            <label for="document">"Campaign document (JSON)"</label>
            <textarea
                id="document"
                spellcheck="false"
                rows="18"
                aria-describedby="document-status"
                aria-invalid=move || if problem().is_some() { "true" } else { "false" }
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <p
                id="document-status"
                aria-live="polite"
                class=move || if problem().is_some() { "error" } else { "ok" }
                data-field=move || problem().map(|p| p.field).unwrap_or_default()
            >
                {move || {
                    problem()
                        .map_or_else(|| "Valid campaign document.".to_owned(), |p| doc::describe(&p))
                }}
            </p>
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    on:click=save
                    disabled=move || busy.get() || problem().is_some()
                >
                    "Save draft"
                </button>
                <Show when=move || state_is(&[RevisionState::Draft, RevisionState::ChangesRequested])>
                    <button type="button" on:click=submit disabled=move || busy.get()>
                        "Submit for review"
                    </button>
                </Show>
            </div>
        </section>
        <Show when=move || state_is(&[RevisionState::InReview])>
            <section aria-labelledby="review-heading">
                <h2 id="review-heading">"Review"</h2>
                <label for="comment">"Comment (optional)"</label>
                <textarea
                    id="comment"
                    rows="3"
                    prop:value=move || comment.get()
                    on:input=move |ev| comment.set(event_target_value(&ev))
                ></textarea>
                <div class="actions">
                    <button
                        type="button"
                        on:click=move |_| review(ReviewVerdict::Approve, "Approved.")
                        disabled=move || busy.get()
                    >
                        "Approve"
                    </button>
                    <button
                        type="button"
                        on:click=move |_| review(ReviewVerdict::RequestChanges, "Changes requested.")
                        disabled=move || busy.get()
                    >
                        "Request changes"
                    </button>
                    <Show when=move || executor>
                        <button
                            type="button"
                            class="primary"
                            on:click=publish
                            disabled=move || busy.get()
                        >
                            "Publish…"
                        </button>
                    </Show>
                </div>
            </section>
        </Show>
        {outcome_view("action-status", outcome)}
    }
}

fn summary_view(d: &CampaignDetail) -> impl IntoView + use<> {
    let c = &d.campaign;
    let live = c
        .live
        .map(|l| format!("revision {} ({:?})", l.revision, l.state).to_lowercase())
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
                        .then(|| format!("; changes requested by {}", a.changes_requested_by.join(", ")))}
                </p>
            }
            .into_any()
        },
    );
    let revisions = d
        .revisions
        .iter()
        .rev()
        .map(|r| {
            view! {
                <tr>
                    <td>{r.number}</td>
                    <td>{doc::state_label(r.state)}</td>
                    <td><code>{doc::short(&r.hash).to_owned()}</code></td>
                    <td>{api::when(r.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
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
                                {format!(" by {} on revision {}", r.reviewer, r.revision)}
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
        <div class="columns">
            <section aria-labelledby="approval-heading">
                <h2 id="approval-heading">"Approval"</h2>
                {approval}
                <h2>"Reviews"</h2>
                {reviews}
            </section>
            <section aria-labelledby="revisions-heading">
                <h2 id="revisions-heading">"Revisions"</h2>
                <table class="list">
                    <thead>
                        <tr>
                            <th scope="col">"#"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Hash"</th>
                            <th scope="col">"Created"</th>
                        </tr>
                    </thead>
                    <tbody>{revisions}</tbody>
                </table>
            </section>
        </div>
    }
}
