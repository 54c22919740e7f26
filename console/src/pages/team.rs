//! A workspace's team: its members and their roles (owners and admins change them and remove
//! members), the invitations (see `invitations`) and the review policy.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::control::{MemberDto, MemberList, Policy, Role, WorkspaceAnswer};

use crate::admin;
use crate::api::{self, Refusal};
use crate::pages::invitations;
use crate::ui::{
    Ctx, Outcome, Remote, at_field, fetch_into, general, invalid, outcome_view, reload_list,
    remote_view,
};

/// The roles that manage the team.
pub(crate) const ADMINS: [Role; 2] = [Role::Owner, Role::Admin];

/// The team page.
#[allow(
    clippy::needless_pass_by_value,
    reason = "the app hands every page its workspace id as a String"
)]
pub(crate) fn page(cx: Ctx, ws: String) -> impl IntoView {
    let manager = cx.holds_any(&ws, &ADMINS);
    let owner = cx.holds_any(&ws, &[Role::Owner]);
    view! {
        <h1 tabindex="-1">"Team"</h1>
        {(!manager)
            .then(|| {
                view! {
                    <p class="note">
                        "You can see the team. Only owners and admins change roles, invite "
                        "teammates and set the review policy."
                    </p>
                }
            })}
        {members(&ws, manager, owner)}
        {invitations::section(&ws, manager, owner)}
        {policy(&ws, manager)}
    }
}

/// The member list's state, and what its row actions share.
#[derive(Clone, Copy)]
struct Members {
    path: StoredValue<String>,
    state: Remote<MemberList>,
    outcome: Outcome,
    busy: RwSignal<bool>,
}

impl Members {
    /// `method` on one member (`PUT` their roles, `DELETE` them), then the list again.
    fn run(self, method: &'static str, user: String, body: Option<String>, done: String) {
        self.busy.set(true);
        self.outcome.set(None);
        spawn_local(async move {
            let url = format!("{}/{}", self.path.get_value(), api::encode(&user));
            let r = api::act(method, &url, body.as_deref()).await;
            reload_list(self.path.get_value(), self.state, "members-heading");
            let _ = self.outcome.try_set(Some(r.map(|()| done)));
            let _ = self.busy.try_set(false);
        });
    }
}

/// The members, with their roles (editable by owners and admins).
fn members(ws: &str, manager: bool, owner: bool) -> impl IntoView + use<> {
    let m = Members {
        path: StoredValue::new(api::ws_path(ws, "/members")),
        state: RwSignal::new(None),
        outcome: RwSignal::new(None),
        busy: RwSignal::new(false),
    };
    fetch_into(m.path.get_value(), m.state);
    let list = remote_view("members", m.state, move |list: &MemberList| {
        if list.members.is_empty() {
            return view! { <p class="empty">"No members."</p> }.into_any();
        }
        let rows = list
            .members
            .iter()
            .map(|member| member_row(member, manager, owner, m))
            .collect_view();
        view! {
            <table class="list">
                <caption class="sr-only">"Members"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Member"</th>
                        <th scope="col">"Roles"</th>
                        {manager.then(|| view! { <th scope="col">"Actions"</th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    });
    view! {
        <section aria-labelledby="members-heading">
            <h2 id="members-heading" tabindex="-1">"Members"</h2>
            <div class="slot">{list}</div>
            {outcome_view("members-status", m.outcome)}
        </section>
    }
}

fn member_row(m: &MemberDto, manager: bool, owner: bool, list: Members) -> AnyView {
    let who = if m.name.is_empty() {
        m.email.clone()
    } else {
        format!("{} ({})", m.name, m.email)
    };
    if !manager {
        return view! {
            <tr>
                <td>{who}</td>
                <td>{admin::roles_label(&m.roles)}</td>
            </tr>
        }
        .into_any();
    }
    let roles = RwSignal::new(m.roles.clone());
    let user = StoredValue::new(m.user_id.clone());
    let email = StoredValue::new(m.email.clone());
    let checks = Role::ALL
        .into_iter()
        .map(|r| {
            let id = format!("role-{}-{}", m.user_id, r.as_str());
            let label_for = id.clone();
            // Only an owner grants or takes away `owner`.
            let locked = r == Role::Owner && !owner;
            view! {
                <label class="check" for=label_for>
                    <input
                        type="checkbox"
                        id=id
                        disabled=locked
                        prop:checked=move || roles.get().contains(&r)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            roles.update(|v| *v = admin::toggled(v, r, on));
                        }
                    />
                    {crate::doc::role_label(r)}
                </label>
            }
        })
        .collect_view();
    let save = move |_| {
        let body = admin::roles_body(&roles.get_untracked());
        let done = format!("Roles of {} saved.", email.get_value());
        list.run("PUT", user.get_value(), Some(body), done);
    };
    let remove = move |_| {
        let e = email.get_value();
        if api::confirm(&format!(
            "Remove {e} from this workspace? They lose access at once."
        )) {
            list.run("DELETE", user.get_value(), None, format!("{e} removed."));
        }
    };
    view! {
        <tr>
            <td>{who}</td>
            <td>
                <fieldset class="checks">
                    <legend class="sr-only">{format!("Roles of {}", m.email)}</legend>
                    {checks}
                </fieldset>
            </td>
            <td class="row-actions">
                <button type="button" on:click=save disabled=move || list.busy.get()>
                    "Save roles"
                    <span class="sr-only">{format!(" of {}", m.email)}</span>
                </button>
                <button type="button" class="danger" on:click=remove disabled=move || list.busy.get()>
                    "Remove…"
                    <span class="sr-only">{format!(" {}", m.email)}</span>
                </button>
            </td>
        </tr>
    }
    .into_any()
}

/// The review policy: approvals needed, whether authors may approve, whether a reviewer must.
fn policy(ws: &str, manager: bool) -> impl IntoView + use<> {
    let state: Remote<WorkspaceAnswer> = RwSignal::new(None);
    let path = StoredValue::new(api::ws_path(ws, ""));
    fetch_into(path.get_value(), state);
    let error = RwSignal::new(None::<Refusal>);
    let saved = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let general = general(error, &["required_approvals"]);
    let form = remote_view("the review policy", state, move |w: &WorkspaceAnswer| {
        let p = w.workspace.policy;
        let approvals = RwSignal::new(p.required_approvals.to_string());
        let author = RwSignal::new(p.author_may_approve);
        let reviewer = RwSignal::new(p.reviewer_required);
        let submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            error.set(None);
            saved.set(String::new());
            let Ok(n) = approvals.get_untracked().trim().parse::<u8>() else {
                error.set(Some(Refusal {
                    code: "invalid_value".into(),
                    field: "required_approvals".into(),
                    message: "a whole number, 1-5".into(),
                }));
                return;
            };
            let body = admin::policy_body(Policy {
                required_approvals: n,
                author_may_approve: author.get_untracked(),
                reviewer_required: reviewer.get_untracked(),
            });
            busy.set(true);
            spawn_local(async move {
                let path = format!("{}/policy", path.get_value());
                match api::act("PUT", &path, Some(&body)).await {
                    Ok(()) => {
                        let _ = saved.try_set("Review policy saved.".into());
                    }
                    Err(e) => {
                        let _ = error.try_set(Some(e));
                    }
                }
                let _ = busy.try_set(false);
            });
        };
        view! {
            <form on:submit=submit novalidate>
                <label for="required-approvals">"Approvals needed before publishing (1-5)"</label>
                <input
                    id="required-approvals"
                    class="short"
                    type="number"
                    min="1"
                    max="5"
                    required
                    disabled=!manager
                    aria-describedby="required-approvals-error"
                    aria-invalid=invalid(error, "required_approvals")
                    prop:value=move || approvals.get()
                    on:input=move |ev| approvals.set(event_target_value(&ev))
                />
                <p id="required-approvals-error" class="error" aria-live="polite">
                    {at_field(error, "required_approvals")}
                </p>
                <label class="check" for="author-may-approve">
                    <input
                        id="author-may-approve"
                        type="checkbox"
                        disabled=!manager
                        prop:checked=move || author.get()
                        on:change=move |ev| author.set(event_target_checked(&ev))
                    />
                    "Authors may approve their own revisions"
                </label>
                <label class="check" for="reviewer-required">
                    <input
                        id="reviewer-required"
                        type="checkbox"
                        disabled=!manager
                        prop:checked=move || reviewer.get()
                        on:change=move |ev| reviewer.set(event_target_checked(&ev))
                    />
                    "A reviewer's approval is required too"
                </label>
                {manager
                    .then(|| {
                        view! {
                            <div class="actions">
                                <button type="submit" class="primary" disabled=move || busy.get()>
                                    "Save policy"
                                </button>
                            </div>
                        }
                    })}
                <p id="policy-status" role="status" class=move || if general().is_empty() { "ok" } else { "error" }>
                    {move || {
                        let g = general();
                        if g.is_empty() { saved.get() } else { g }
                    }}
                </p>
            </form>
        }
    });
    view! {
        <section aria-labelledby="policy-heading">
            <h2 id="policy-heading">"Review policy"</h2>
            <div class="slot">{form}</div>
        </section>
    }
}
