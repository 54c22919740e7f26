//! A campaign: its summary and approval, the document editor validated as you type beside the
//! live preview, the review (the changes against the live revision, comments, approve or
//! request changes, publish), the lifecycle actions, the revisions with rollback, and its
//! audit log.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::ProblemDto;
use protocol::v1::control::{
    CampaignDetail, LiveState, MemberList, ReviewVerdict, RevisionState, Role, RollbackBody,
    to_text,
};

use crate::api::{self, Refusal};
use crate::doc;
use crate::pages::{audit, campaign_facts, document, preview_pane, results};
use crate::route::{Page, Tab};
use crate::ui::{Ctx, Outcome, Remote, fetch_into, outcome_view, refusal_text, shown};

/// A campaign's page.
pub(crate) fn page(cx: Ctx, ws: String, id: String) -> impl IntoView {
    let executor = cx.holds_any(&ws, &[Role::Executor]);
    let detail = RwSignal::new(None::<Result<CampaignDetail, Refusal>>);
    let members: Remote<MemberList> = RwSignal::new(None);
    fetch_into(api::ws_path(&ws, "/members"), members);
    let who = move |id: &str| members.with_untracked(|m| crate::ui::email_of(m, id));
    let text = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let outcome: Outcome = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let path = StoredValue::new(api::ws_path(
        &ws,
        &format!("/campaigns/{}", api::encode(&id)),
    ));
    let reload = move || async move {
        let r = api::text("GET", &path.get_value(), None)
            .await
            .and_then(|t| api::decode::<CampaignDetail>(&t));
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
    let lifecycle = move |tail: &'static str, question: &'static str, done: &'static str| {
        if api::confirm(question) {
            run("POST", tail, "{}".to_owned(), done);
        }
    };
    let rollback = move |revision: u32| {
        let question =
            format!("Roll back to revision {revision}? Users will see it at their next decision.");
        if api::confirm(&question) {
            let body = to_text(&RollbackBody {
                revision: Some(revision),
                emergency: false,
                reason: String::new(),
            });
            run("POST", "/rollback", body, "Rolled back.");
        }
    };
    let live_state = move || {
        detail.with(|d| {
            d.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|d| d.campaign.live.map(|l| l.state))
        })
    };
    let archived = move || {
        detail.with(|d| {
            d.as_ref()
                .and_then(|r| r.as_ref().ok())
                .is_some_and(|d| d.campaign.archived)
        })
    };
    let roles_note = {
        let roles = cx
            .workspace(&ws)
            .map(|w| doc::roles_text(&w))
            .unwrap_or_default();
        (!executor).then(|| {
            format!(
                "Only Executors publish, pause, roll back or archive. Your roles here: {roles}."
            )
        })
    };
    let problem = move || doc::check(&text.get());
    let state_is =
        move |states: &[RevisionState]| working().is_some_and(|w| states.contains(&w.state));
    let target = format!("campaign:{id}");
    let nav = results::campaign_nav(&ws, &id, false);
    let ws = StoredValue::new(ws);
    let with_detail = move |f: fn(&CampaignDetail) -> AnyView| {
        move || detail.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).map(f))
    };

    let summary = move || {
        detail.with(|d| match d {
            None => view! { <p class="muted" role="status">"Loading the campaign…"</p> }.into_any(),
            Some(Err(e)) => {
                view! { <p class="error" role="alert">{refusal_text(e)}</p> }.into_any()
            }
            Some(Ok(d)) => {
                // Read so the reviewers' emails replace their ids once the members arrive.
                members.track();
                campaign_facts::summary_view(d, &who).into_any()
            }
        })
    };

    view! {
        <p class="crumbs">
            <a href=Page::Workspace(ws.get_value(), Tab::Campaigns).href()>"← All campaigns"</a>
        </p>
        <h1 tabindex="-1">{id}</h1>
        {nav}
        <div class="slot">{summary}</div>
        <div class="workbench">
        <section aria-labelledby="editor-heading">
            <h2 id="editor-heading">"Working document"</h2>
            {document::editor(text)}
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    on:click=save
                    disabled=move || busy.get() || problem().is_some()
                >
                    "Save draft"
                </button>
                {shown(
                    move || state_is(&[RevisionState::Draft, RevisionState::ChangesRequested]),
                    move || view! {
                        <button type="button" on:click=submit disabled=move || busy.get()>
                            "Submit for review"
                        </button>
                    },
                )}
            </div>
        </section>
            {preview_pane::pane(text.into())}
        </div>
        {shown(move || state_is(&[RevisionState::InReview]), move || view! {
            <section aria-labelledby="review-heading">
                <h2 id="review-heading">"Review"</h2>
                {with_detail(|d| campaign_facts::changes_view(d).into_any())}
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
                    {executor.then(|| view! {
                        <button
                            type="button"
                            class="primary"
                            on:click=publish
                            disabled=move || busy.get()
                        >
                            "Publish…"
                        </button>
                    })}
                </div>
                {roles_note.clone().map(|n| view! { <p class="muted note">{n}</p> })}
            </section>
        })}
        {shown(move || executor && !archived(), move || view! {
            <section aria-labelledby="lifecycle-heading">
                <h2 id="lifecycle-heading">"Delivery"</h2>
                <div class="actions">
                    {shown(move || live_state() == Some(LiveState::Live), move || view! {
                        <button type="button" disabled=move || busy.get() on:click=move |_| lifecycle(
                            "/pause",
                            "Pause this campaign? Nobody sees it until it is resumed.",
                            "Paused.",
                        )>"Pause…"</button>
                    })}
                    {shown(move || live_state() == Some(LiveState::Paused), move || view! {
                        <button type="button" disabled=move || busy.get() on:click=move |_| lifecycle(
                            "/resume",
                            "Resume this campaign? Users see it again at their next decision.",
                            "Resumed.",
                        )>"Resume…"</button>
                    })}
                    {shown(move || live_state().is_some(), move || view! {
                        <button type="button" disabled=move || busy.get() on:click=move |_| {
                            if api::confirm("Roll back? The revision live before this one comes back; with none, the campaign goes off.") {
                                let body = to_text(&RollbackBody::default());
                                run("POST", "/rollback", body, "Rolled back.");
                            }
                        }>"Roll back…"</button>
                    })}
                    <button type="button" class="danger" disabled=move || busy.get() on:click=move |_| lifecycle(
                        "/archive",
                        "Archive this campaign? It goes off for good and can no longer be edited.",
                        "Archived.",
                    )>"Archive…"</button>
                </div>
            </section>
        })}
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">"History"</h2>
            {move || detail.with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).map(|d| {
                campaign_facts::history_view(d, executor, rollback)
            }))}
            <h3>"Audit log"</h3>
            {audit::log(&ws.get_value(), target.clone())}
        </section>
        {outcome_view("action-status", outcome)}
    }
}
