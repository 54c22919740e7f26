//! The console's pages (Leptos, client-side): sign-in, the workspace picker, a workspace's
//! campaigns, and a campaign (summary, revisions, reviews, approval, the document editor
//! validated as you type, and the lifecycle actions). Plain functions, no `#[component]`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::ProblemDto;
use protocol::v1::control::{
    CampaignDetail, CampaignDto, CampaignList, MeDto, ReviewVerdict, RevisionState, Role,
    SignInBody, WorkspaceRef, to_text,
};

use crate::api::{self, Refusal};
use crate::doc;

/// Where the user is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Page {
    /// Asking the API who is signed in.
    Loading,
    /// Not signed in.
    SignIn,
    /// The workspace picker.
    Workspaces,
    /// A workspace's campaigns.
    Campaigns(String),
    /// One campaign: (workspace, campaign).
    Campaign(String, String),
}

/// What every page shares.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    page: RwSignal<Page>,
    me: RwSignal<Option<MeDto>>,
}

impl Ctx {
    fn workspace(self, id: &str) -> Option<WorkspaceRef> {
        self.me
            .get_untracked()
            .and_then(|m| m.workspaces.into_iter().find(|w| w.id == id))
    }

    /// Shows `page` and moves focus to its heading (for keyboard and screen-reader users).
    fn go(self, page: Page) {
        self.page.set(page);
        focus_heading();
    }
}

fn focus_heading() {
    request_animation_frame(|| {
        if let Some(h) = document().query_selector("main h1").ok().flatten()
            && let Ok(h) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h)
        {
            let _ = h.focus();
        }
    });
}

/// A refusal for people: its message, and the field it is about.
fn refusal_text(e: &Refusal) -> String {
    if e.field.is_empty() {
        e.message.clone()
    } else {
        format!("{} (field {})", e.message, e.field)
    }
}

/// The whole app.
pub(crate) fn app() -> impl IntoView {
    let cx = Ctx {
        page: RwSignal::new(Page::Loading),
        me: RwSignal::new(None),
    };
    spawn_local(async move {
        match api::call::<MeDto>("GET", "/me", None).await {
            Ok(me) => {
                cx.me.set(Some(me));
                cx.page.set(Page::Workspaces);
            }
            Err(_) => cx.page.set(Page::SignIn),
        }
    });
    let sign_out = move |_| {
        spawn_local(async move {
            // Signed out either way: a session the server no longer knows is gone too.
            let _ = api::act("DELETE", "/session", None).await;
            cx.me.set(None);
            cx.go(Page::SignIn);
        });
    };
    view! {
        <header class="bar">
            <span class="brand">"Cairn"</span>
            {move || {
                cx.me
                    .get()
                    .map(|me| {
                        view! {
                            <span class="who">{me.user.email}</span>
                            <button type="button" class="quiet" on:click=sign_out>
                                "Sign out"
                            </button>
                        }
                    })
            }}
        </header>
        <main id="main">
            {move || match cx.page.get() {
                Page::Loading => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
                Page::SignIn => sign_in(cx).into_any(),
                Page::Workspaces => workspaces(cx).into_any(),
                Page::Campaigns(ws) => campaigns(cx, ws).into_any(),
                Page::Campaign(ws, id) => campaign(cx, ws, id).into_any(),
            }}
        </main>
    }
}

/// The message of `error` when it is about `field`.
fn at_field(error: RwSignal<Option<Refusal>>, field: &'static str) -> impl Fn() -> String + Copy {
    move || {
        error
            .get()
            .filter(|e| e.field == field)
            .map(|e| e.message)
            .unwrap_or_default()
    }
}

fn invalid(error: RwSignal<Option<Refusal>>, field: &'static str) -> impl Fn() -> &'static str {
    move || {
        if error.get().is_some_and(|e| e.field == field) {
            "true"
        } else {
            "false"
        }
    }
}

fn sign_in(cx: Ctx) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Refusal>);
    let busy = RwSignal::new(false);
    let general = move || {
        error
            .get()
            .filter(|e| e.field != "email" && e.field != "password")
            .map(|e| refusal_text(&e))
            .unwrap_or_default()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let body = to_text(&SignInBody {
            email: email.get_untracked(),
            password: password.get_untracked(),
        });
        spawn_local(async move {
            match api::call::<MeDto>("POST", "/session", Some(&body)).await {
                Ok(me) => {
                    cx.me.set(Some(me));
                    cx.go(Page::Workspaces);
                }
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <section class="narrow">
            <h1 tabindex="-1">"Sign in to Cairn"</h1>
            <p class="muted">"The console for your product team."</p>
            <form on:submit=submit novalidate>
                <label for="email">"Email"</label>
                <input
                    id="email"
                    name="email"
                    type="email"
                    autocomplete="email"
                    required
                    aria-describedby="email-error"
                    aria-invalid=invalid(error, "email")
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))
                />
                <p id="email-error" class="error" aria-live="polite">
                    {at_field(error, "email")}
                </p>
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    aria-describedby="password-error"
                    aria-invalid=invalid(error, "password")
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
                <p id="password-error" class="error" aria-live="polite">
                    {at_field(error, "password")}
                </p>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <p id="sign-in-status" class="error" role="status">
                    {general}
                </p>
            </form>
        </section>
    }
}

fn workspaces(cx: Ctx) -> impl IntoView {
    let list = cx
        .me
        .get_untracked()
        .map(|m| m.workspaces)
        .unwrap_or_default();
    let body = if list.is_empty() {
        view! { <p class="empty">"You are not a member of any workspace yet."</p> }.into_any()
    } else {
        view! {
            <ul class="cards">
                {list
                    .into_iter()
                    .map(|ws| {
                        let id = ws.id.clone();
                        let roles = doc::roles_text(&ws);
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="card"
                                    on:click=move |_| cx.go(Page::Campaigns(id.clone()))
                                >
                                    <span class="card-title">{ws.name}</span>
                                    <span class="muted">{roles}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <h1 tabindex="-1">"Workspaces"</h1>
        {body}
    }
}

fn campaigns(cx: Ctx, ws: String) -> impl IntoView {
    let state = RwSignal::new(None::<Result<Vec<CampaignDto>, Refusal>>);
    let name = cx
        .workspace(&ws)
        .map(|w| w.name)
        .unwrap_or_else(|| ws.clone());
    {
        let path = api::ws_path(&ws, "/campaigns");
        spawn_local(async move {
            let r = api::call::<CampaignList>("GET", &path, None).await;
            let _ = state.try_set(Some(r.map(|l| l.campaigns)));
        });
    }
    let ws = StoredValue::new(ws);
    let table = move || match state.get() {
        None => view! { <p class="muted" role="status">"Loading campaigns…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{refusal_text(&e)}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => view! {
            <p class="empty">"No campaigns yet. Editors create them through the API."</p>
        }
        .into_any(),
        Some(Ok(list)) => view! {
            <table class="list">
                <thead>
                    <tr>
                        <th scope="col">"Campaign"</th>
                        <th scope="col">"Surface"</th>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Last change"</th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|c| {
                            let id = c.id.clone();
                            let category = doc::category(&c).to_owned();
                            let status = doc::status_label(&c.status);
                            view! {
                                <tr>
                                    <td>
                                        <button
                                            type="button"
                                            class="link"
                                            on:click=move |_| {
                                                cx.go(Page::Campaign(ws.get_value(), id.clone()));
                                            }
                                        >
                                            {c.id}
                                        </button>
                                    </td>
                                    <td>{c.surface}</td>
                                    <td>{category}</td>
                                    <td>
                                        <span class=format!("pill {}", c.status)>{status}</span>
                                    </td>
                                    <td>{api::when(c.updated_at)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    };
    view! {
        <nav aria-label="Breadcrumb" class="crumbs">
            <button type="button" class="link" on:click=move |_| cx.go(Page::Workspaces)>
                "Workspaces"
            </button>
        </nav>
        <h1 tabindex="-1">{name}</h1>
        <h2>"Campaigns"</h2>
        <div class="slot">{table}</div>
    }
}

/// The outcome of the last action on a campaign page.
type Outcome = Option<Result<String, Refusal>>;

fn campaign(cx: Ctx, ws: String, id: String) -> impl IntoView {
    let me = cx.workspace(&ws);
    let executor = me.as_ref().is_some_and(|w| doc::holds(w, Role::Executor));
    let detail = RwSignal::new(None::<Result<CampaignDetail, Refusal>>);
    let text = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let outcome = RwSignal::new(None as Outcome);
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
        <nav aria-label="Breadcrumb" class="crumbs">
            <button type="button" class="link" on:click=move |_| cx.go(Page::Workspaces)>
                "Workspaces"
            </button>
            " / "
            <button
                type="button"
                class="link"
                on:click=move |_| cx.go(Page::Campaigns(ws.get_value()))
            >
                {me.map(|w| w.name).unwrap_or_default()}
            </button>
        </nav>
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
        <p id="action-status" role="status" class=move || match outcome.get() {
            Some(Err(_)) => "error",
            _ => "ok",
        }>
            {move || match outcome.get() {
                None => String::new(),
                Some(Ok(done)) => done,
                Some(Err(e)) => refusal_text(&e),
            }}
        </p>
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
