//! The team page's invitations: the list with each one's status, the invite form (email and
//! roles, errors at their field), the link to send the invitee (with Copy), and revocation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::v1::control::{
    InvitationCreated, InvitationDto, InvitationList, InvitationStatus, Role,
};

use crate::admin;
use crate::api::{self, Refusal};
use crate::ui::{
    Outcome, Remote, at_field, copy_button, fetch_into, general, invalid, outcome_view,
    reload_list, remote_view,
};

/// The invitations section (owners and admins; others are told why they do not see it).
pub(crate) fn section(ws: &str, manager: bool, owner: bool) -> impl IntoView + use<> {
    let body = if manager {
        manage(ws, owner).into_any()
    } else {
        view! { <p class="muted">"Only owners and admins see and send invitations."</p> }.into_any()
    };
    view! {
        <section aria-labelledby="invitations-heading">
            <h2 id="invitations-heading" tabindex="-1">"Invitations"</h2>
            {body}
        </section>
    }
}

fn manage(ws: &str, owner: bool) -> impl IntoView + use<> {
    let state: Remote<InvitationList> = RwSignal::new(None);
    let path = StoredValue::new(api::ws_path(ws, "/invitations"));
    fetch_into(path.get_value(), state);
    let email = RwSignal::new(String::new());
    let roles = RwSignal::new(vec![Role::Viewer]);
    let error = RwSignal::new(None::<Refusal>);
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(None::<InvitationCreated>);
    let outcome: Outcome = RwSignal::new(None);
    let general = general(error, &["email", "roles"]);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        sent.set(None);
        busy.set(true);
        let body = admin::invite_body(&email.get_untracked(), &roles.get_untracked());
        spawn_local(async move {
            match api::text("POST", &path.get_value(), Some(&body))
                .await
                .and_then(|t| api::decode::<InvitationCreated>(&t))
            {
                Ok(created) => {
                    let _ = email.try_set(String::new());
                    let _ = sent.try_set(Some(created));
                    fetch_into(path.get_value(), state);
                }
                Err(e) => {
                    let _ = error.try_set(Some(e));
                }
            }
            let _ = busy.try_set(false);
        });
    };
    let revoke = move |inv: &InvitationDto| {
        let (id, who) = (inv.id.clone(), inv.email.clone());
        move |_| {
            if !api::confirm(&format!(
                "Revoke the invitation of {who}? Its link stops working."
            )) {
                return;
            }
            let (id, who) = (id.clone(), who.clone());
            outcome.set(None);
            spawn_local(async move {
                let url = format!("{}/{}", path.get_value(), api::encode(&id));
                let r = api::act("DELETE", &url, None).await;
                // Its link, if shown, works no more: it goes.
                if r.is_ok()
                    && sent.with_untracked(|s| s.as_ref().is_some_and(|c| c.invitation.id == id))
                {
                    let _ = sent.try_set(None);
                }
                reload_list(path.get_value(), state, "invitations-heading");
                let _ = outcome.try_set(Some(r.map(|()| format!("Invitation of {who} revoked."))));
            });
        }
    };
    let checks = Role::ALL
        .into_iter()
        .map(|r| {
            let id = format!("invite-role-{}", r.as_str());
            let label_for = id.clone();
            view! {
                <label class="check" for=label_for>
                    <input
                        type="checkbox"
                        id=id
                        disabled=r == Role::Owner && !owner
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
    let link = move || {
        sent.get().map(|c| {
            let url = c.url.clone();
            view! {
                <div class="once" id="invitation-link" role="region" aria-label="Invitation link">
                    <p class="once-title">
                        {format!("Send this link to {}: they open it to join.", c.invitation.email)}
                    </p>
                    <code class="once-value">{c.url}</code>
                    <div class="actions">
                        {copy_button(move || url.clone(), "the invitation link")}
                    </div>
                </div>
            }
        })
    };
    let list = remote_view("invitations", state, move |list: &InvitationList| {
        if list.invitations.is_empty() {
            return view! { <p class="empty">"No invitations yet."</p> }.into_any();
        }
        let rows = list
            .invitations
            .iter()
            .map(|inv| {
                let pending = inv.status == InvitationStatus::Pending;
                let action = pending.then(|| {
                    view! {
                        <button type="button" class="danger" on:click=revoke(inv)>
                            "Revoke…"<span class="sr-only">{format!(" the invitation of {}", inv.email)}</span>
                        </button>
                    }
                });
                view! {
                    <tr>
                        <td>{inv.email.clone()}</td>
                        <td>{admin::roles_label(&inv.roles)}</td>
                        <td>
                            <span class=format!("pill {}", admin::status_label(inv.status).to_ascii_lowercase())>
                                {admin::status_label(inv.status)}
                            </span>
                        </td>
                        <td>{api::when(inv.expires_at)}</td>
                        <td class="row-actions">{action}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            {crate::ui::table("list", "Invitations", &["Email", "Roles", "Status", "Link works until", "Actions"], rows)}
        }
        .into_any()
    });
    view! {
        <form class="panel" on:submit=submit novalidate>
            <h3>"Invite a teammate"</h3>
            <label for="invite-email">"Email"</label>
            <input
                id="invite-email"
                type="email"
                autocomplete="off"
                required
                aria-describedby="invite-email-error"
                aria-invalid=invalid(error, "email")
                prop:value=move || email.get()
                on:input=move |ev| email.set(event_target_value(&ev))
            />
            <p id="invite-email-error" class="error" aria-live="polite">
                {at_field(error, "email")}
            </p>
            <fieldset class="checks" aria-describedby="invite-roles-error">
                <legend>"Roles"</legend>
                {checks}
            </fieldset>
            <p id="invite-roles-error" class="error" aria-live="polite">
                {at_field(error, "roles")}
            </p>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Inviting…" } else { "Invite" }}
                </button>
            </div>
            <p id="invite-status" class="error" role="status">{general}</p>
        </form>
        {link}
        <div class="slot">{list}</div>
        {outcome_view("invitations-status", outcome)}
    }
}
