//! Invitations and approvals against the in-memory account store: every operation, its
//! webhooks, the caps, single-use links, only-the-approver, reminders and expiry.

use protocol::ErrorCode;
use protocol::v1::{
    AcceptResponse, ApprovalBody, ApprovalResponse, ApprovalStatus, ApproverDto, ChampionsResponse,
    CollabDto, CollabKeys, CollabOp, CollabRequest, CollabSettings, DecideApprovalBody, Delivery,
    InboxResponse, InviteBody, InviteList, InviteOutcome, InvitesResponse, ResourceDto,
    SuggestionsResponse, TargetPerson, TargetsDoc, Verdict, WebhookPayload, record_from_json,
};
use rules::Value;

use super::crypto::{self, Claims};
use super::{CollabStore, kind, run};
use crate::account::{AccountStore, MemoryAccountStore, TraitOwner};

const T0: i64 = 1_800_000_000_000;
const HOUR: i64 = 3_600_000;

fn settings() -> CollabSettings {
    CollabDto::default().resolve("https://edge.example")
}

fn req(now: i64, op: CollabOp) -> CollabRequest {
    CollabRequest {
        workspace_id: "ws".into(),
        account_id: "acme".into(),
        now,
        seed: format!("seed{now}"),
        settings: settings(),
        keys: CollabKeys {
            token_key: "tk".into(),
            webhook: Some(("https://hooks.example/in".into(), "whsec_c2VjcmV0".into())),
        },
        op,
    }
}

/// Runs `op`; `Ok(json)` or `Err(code)`.
fn check_run(store: &mut MemoryAccountStore, now: i64, op: CollabOp) -> Result<String, ErrorCode> {
    let result = run(store, &req(now, op)).expect("storage works");
    match (result.body, result.problem) {
        (Some(b), None) => Ok(b.get().to_owned()),
        (None, Some(p)) => Err(p.to_problem().code),
        other => panic!("unexpected {other:?}"),
    }
}

fn ok<T: serde::de::DeserializeOwned>(r: Result<String, ErrorCode>) -> T {
    record_from_json(&r.expect("accepted")).expect("decodes")
}

fn member(store: &mut MemoryAccountStore, user: &str, email: &str, role: Option<&str>) {
    store.touch_user(user, T0 - 40 * 24 * HOUR).expect("touch");
    let owner = TraitOwner::User(user);
    store
        .set_trait(owner, "email", &Value::Text(email.into()), 0)
        .expect("trait");
    if let Some(role) = role {
        store
            .set_trait(owner, "role", &Value::Text(role.into()), 0)
            .expect("trait");
    }
}

fn webhooks(store: &MemoryAccountStore) -> Vec<WebhookPayload> {
    let mut ds: Vec<Delivery> = store
        .docs(kind::DELIVERY)
        .expect("docs")
        .iter()
        .map(|d| record_from_json(d).expect("delivery"))
        .collect();
    ds.sort_by_key(|d| (d.next_at, d.id.clone()));
    ds.iter()
        .map(|d| record_from_json(&d.body).expect("payload"))
        .collect()
}

fn invite(emails: &[&str]) -> CollabOp {
    CollabOp::Invite {
        user_id: "champ".into(),
        body: InviteBody {
            emails: emails.iter().map(|e| (*e).to_owned()).collect(),
            role: Some("member".into()),
            note: None,
        },
    }
}

fn token_of(url: &str) -> Claims {
    let token = url.split("token=").nth(1).expect("token");
    crypto::verify("tk", token, T0).expect("signed with the token key")
}

#[test]
fn invitations_are_one_per_email_capped_and_announced() {
    let mut s = MemoryAccountStore::default();
    member(&mut s, "bob", "bob@acme.com", None);
    let r: InvitesResponse = ok(check_run(
        &mut s,
        T0,
        invite(&["ann@acme.com", "bob@acme.com", "ann@acme.com"]),
    ));
    let got: Vec<_> = r
        .results
        .iter()
        .map(|r| (r.email.as_str(), r.status))
        .collect();
    assert_eq!(
        got,
        [
            ("ann@acme.com", InviteOutcome::Invited),
            ("bob@acme.com", InviteOutcome::Member)
        ]
    );
    let hooks = webhooks(&s);
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].kind, "invite.created");
    let claims = token_of(hooks[0].data.accept_url.as_deref().expect("accept url"));
    assert_eq!(
        (claims.kind.as_str(), claims.account_id.as_str()),
        ("i", "acme")
    );

    // Again: the same invitation, resent.
    let r: InvitesResponse = ok(check_run(&mut s, T0 + 1, invite(&["ann@acme.com"])));
    assert_eq!(r.results[0].status, InviteOutcome::Resent);
    let list: InviteList = ok(check_run(&mut s, T0 + 2, CollabOp::ListInvites));
    assert_eq!(list.invites.len(), 1);
    assert_eq!(list.invites[0].sends, 2);

    // Per recipient: 5 a day, then silently suppressed.
    for i in 0..3 {
        ok::<InvitesResponse>(check_run(&mut s, T0 + 10 + i, invite(&["ann@acme.com"])));
    }
    let r: InvitesResponse = ok(check_run(&mut s, T0 + 20, invite(&["ann@acme.com"])));
    assert_eq!(r.results[0].status, InviteOutcome::Suppressed);
    assert_eq!(webhooks(&s).len(), 5);

    // Allowed domains.
    let targets = TargetsDoc {
        people: vec![],
        allowed_domains: vec!["acme.com".into()],
    };
    ok::<TargetsDoc>(check_run(&mut s, T0, CollabOp::SetTargets(targets)));
    let r: InvitesResponse = ok(check_run(&mut s, T0 + 30, invite(&["eve@evil.example"])));
    assert_eq!(r.results[0].status, InviteOutcome::DomainNotAllowed);
}

#[test]
fn inviter_cap_refuses_the_whole_request_and_changes_nothing() {
    let mut s = MemoryAccountStore::default();
    let emails: Vec<String> = (0..20).map(|i| format!("p{i}@acme.com")).collect();
    let refs: Vec<&str> = emails.iter().map(String::as_str).collect();
    ok::<InvitesResponse>(check_run(&mut s, T0, invite(&refs)));
    let more: Vec<String> = (20..31).map(|i| format!("p{i}@acme.com")).collect();
    let refs: Vec<&str> = more.iter().map(String::as_str).collect();
    let before = (
        s.docs(kind::INVITE).expect("docs").len(),
        webhooks(&s).len(),
    );
    assert_eq!(
        check_run(&mut s, T0 + 1, invite(&refs)),
        Err(ErrorCode::InviteCapReached)
    );
    assert_eq!(
        (
            s.docs(kind::INVITE).expect("docs").len(),
            webhooks(&s).len()
        ),
        before
    );
    // Ten minutes later the inviter may send again.
    ok::<InvitesResponse>(check_run(&mut s, T0 + 11 * 60_000, invite(&refs)));
}

#[test]
fn accepting_works_once_and_is_attributed() {
    let mut s = MemoryAccountStore::default();
    ok::<InvitesResponse>(check_run(&mut s, T0, invite(&["ann@acme.com"])));
    let claims = token_of(webhooks(&s)[0].data.accept_url.as_deref().expect("url"));
    let accept = |user: &str| CollabOp::Accept {
        user_id: user.into(),
        invite_id: claims.id.clone(),
        nonce: claims.nonce.clone(),
    };
    let r: AcceptResponse = ok(check_run(&mut s, T0 + HOUR, accept("ann")));
    assert_eq!(r.invite.accepted_by.as_deref(), Some("ann"));
    assert_eq!(
        check_run(&mut s, T0 + HOUR, accept("mallory")),
        Err(ErrorCode::TokenUsed)
    );
    assert_eq!(
        webhooks(&s).last().map(|w| w.kind.as_str()),
        Some("invite.accepted")
    );
    // The invitee's first activity after accepting, and the champion.
    s.touch_user("ann", T0 + 2 * HOUR).expect("touch");
    let list: InviteList = ok(check_run(&mut s, T0 + 3 * HOUR, CollabOp::ListInvites));
    assert_eq!(list.invites[0].first_activity_at, Some(T0 + 2 * HOUR));
    let c: ChampionsResponse = ok(check_run(&mut s, T0 + 3 * HOUR, CollabOp::Champions));
    assert_eq!(c.champions[0].user_id, "champ");
    assert_eq!(
        (
            c.champions[0].invites_accepted,
            c.champions[0].invitees_active
        ),
        (1, 1)
    );
}

#[test]
fn an_expired_invitation_cannot_be_accepted() {
    let mut s = MemoryAccountStore::default();
    ok::<InvitesResponse>(check_run(&mut s, T0, invite(&["ann@acme.com"])));
    let claims = token_of(webhooks(&s)[0].data.accept_url.as_deref().expect("url"));
    let op = CollabOp::Accept {
        user_id: "ann".into(),
        invite_id: claims.id,
        nonce: claims.nonce,
    };
    assert_eq!(
        check_run(&mut s, T0 + 8 * 24 * HOUR, op),
        Err(ErrorCode::TokenExpired)
    );
}

#[test]
fn suggestions_skip_users_and_the_invited() {
    let mut s = MemoryAccountStore::default();
    member(&mut s, "old", "old@acme.com", None);
    member(&mut s, "bob", "bob@acme.com", None);
    s.touch_user("bob", T0).expect("active");
    let people = ["cfo@acme.com", "bob@acme.com", "ann@acme.com"]
        .map(|e| TargetPerson {
            email: e.into(),
            name: None,
        })
        .to_vec();
    let doc = TargetsDoc {
        people,
        allowed_domains: vec![],
    };
    ok::<TargetsDoc>(check_run(&mut s, T0, CollabOp::SetTargets(doc)));
    ok::<InvitesResponse>(check_run(&mut s, T0, invite(&["ann@acme.com"])));
    let r: SuggestionsResponse = ok(check_run(
        &mut s,
        T0,
        CollabOp::Suggest {
            user_id: "bob".into(),
        },
    ));
    let got: Vec<_> = r
        .suggestions
        .iter()
        .map(|s| (s.email.as_str(), s.source.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("cfo@acme.com", "target_list"),
            ("old@acme.com", "inactive_user")
        ]
    );
}

fn request(approver: ApproverDto) -> CollabOp {
    CollabOp::RequestApproval {
        user_id: "req".into(),
        body: ApprovalBody {
            action: "expense.reimburse".into(),
            resource: ResourceDto {
                id: "exp-1".into(),
                summary: "Flight to Lisbon".into(),
                amount: Some(1800.0),
                currency: Some("EUR".into()),
            },
            approver,
        },
    }
}

fn decide(user: &str, id: &str, decision: Verdict) -> CollabOp {
    CollabOp::Decide {
        user_id: user.into(),
        body: DecideApprovalBody {
            approval_id: id.into(),
            decision,
            comment: Some("ok".into()),
        },
    }
}

#[test]
fn a_not_yet_user_approver_is_invited_and_decides_once() {
    let mut s = MemoryAccountStore::default();
    let email = ApproverDto {
        user_id: None,
        email: Some("cfo@acme.com".into()),
    };
    let r: ApprovalResponse = ok(check_run(&mut s, T0, request(email)));
    assert!(r.invited);
    let id = r.approval.id.clone();
    let mut kinds: Vec<String> = webhooks(&s).into_iter().map(|w| w.kind).collect();
    kinds.sort();
    assert_eq!(kinds, ["approval.requested", "invite.created"]);
    let hook = |kind: &str| {
        webhooks(&s)
            .into_iter()
            .find(|w| w.kind == kind)
            .expect("webhook")
    };
    let (invited, requested) = (hook("invite.created"), hook("approval.requested"));
    assert_eq!(
        invited.data.approval.as_ref().map(|a| a.id.as_str()),
        Some(id.as_str())
    );
    // Nobody can decide before the approver is known.
    assert_eq!(
        check_run(&mut s, T0, decide("req", &id, Verdict::Approve)),
        Err(ErrorCode::NotApprover)
    );
    let claims = token_of(invited.data.accept_url.as_deref().expect("url"));
    let accepted: AcceptResponse = ok(check_run(
        &mut s,
        T0 + HOUR,
        CollabOp::Accept {
            user_id: "cfo".into(),
            invite_id: claims.id,
            nonce: claims.nonce,
        },
    ));
    assert_eq!(accepted.approval_id.as_deref(), Some(id.as_str()));
    let inbox: InboxResponse = ok(check_run(
        &mut s,
        T0 + HOUR,
        CollabOp::Inbox {
            user_id: "cfo".into(),
        },
    ));
    assert_eq!(inbox.assigned.len(), 1);
    assert_eq!(
        check_run(&mut s, T0 + HOUR, decide("mallory", &id, Verdict::Approve)),
        Err(ErrorCode::NotApprover)
    );
    let d: ApprovalResponse = ok(check_run(
        &mut s,
        T0 + HOUR,
        decide("cfo", &id, Verdict::Approve),
    ));
    assert_eq!(d.approval.status, ApprovalStatus::Approved);
    assert_eq!(
        check_run(&mut s, T0 + HOUR, decide("cfo", &id, Verdict::Reject)),
        Err(ErrorCode::AlreadyDecided)
    );
    // The one-click link of the request email is now spent.
    let link = token_of(requested.data.approve_url.as_deref().expect("link"));
    let by_link = CollabOp::DecideByLink {
        approval_id: link.id,
        nonce: link.nonce,
        decision: Verdict::Approve,
    };
    assert_eq!(
        check_run(&mut s, T0 + HOUR, by_link),
        Err(ErrorCode::TokenUsed)
    );
    let decided: Vec<_> = webhooks(&s)
        .into_iter()
        .filter(|w| w.kind == "approval.decided")
        .collect();
    assert_eq!(decided.len(), 1);
    let inbox: InboxResponse = ok(check_run(
        &mut s,
        T0 + HOUR,
        CollabOp::Inbox {
            user_id: "req".into(),
        },
    ));
    assert_eq!(inbox.requested[0].status, ApprovalStatus::Approved);
    let trail: Vec<String> =
        ok::<protocol::v1::ApprovalList>(check_run(&mut s, T0, CollabOp::ListApprovals)).approvals
            [0]
        .audit
        .iter()
        .map(|a| a.what.clone())
        .collect();
    assert_eq!(trail, ["requested", "invited", "assigned", "approved"]);
}

#[test]
fn approvers_are_suggested_assigned_by_email_reminded_and_expired() {
    let mut s = MemoryAccountStore::default();
    member(&mut s, "carol", "carol@acme.com", Some("cfo"));
    member(&mut s, "dan", "dan@acme.com", Some("member"));
    let a: protocol::v1::ApproversResponse = ok(check_run(&mut s, T0, CollabOp::Approvers));
    assert_eq!(
        a.approvers
            .iter()
            .map(|a| a.user_id.as_str())
            .collect::<Vec<_>>(),
        ["carol"]
    );
    let by_email = ApproverDto {
        user_id: None,
        email: Some("carol@acme.com".into()),
    };
    let r: ApprovalResponse = ok(check_run(&mut s, T0, request(by_email)));
    assert!(!r.invited);
    assert_eq!(r.approval.approver.user_id.as_deref(), Some("carol"));
    let myself = ApproverDto {
        user_id: Some("req".into()),
        email: None,
    };
    assert_eq!(
        check_run(&mut s, T0, request(myself)),
        Err(ErrorCode::InvalidValue)
    );
    for (at, expect) in [
        (T0 + 4 * HOUR, "approval.reminder"),
        (T0 + 8 * HOUR, "approval.escalated"),
        (T0 + 25 * HOUR, "approval.expired"),
    ] {
        ok::<protocol::v1::NoFields>(check_run(&mut s, at, CollabOp::Tick));
        assert_eq!(
            webhooks(&s).last().map(|w| w.kind.clone()).as_deref(),
            Some(expect)
        );
    }
    let inbox: InboxResponse = ok(check_run(
        &mut s,
        T0 + 26 * HOUR,
        CollabOp::Inbox {
            user_id: "req".into(),
        },
    ));
    assert_eq!(inbox.requested[0].status, ApprovalStatus::Expired);
}

#[test]
fn deliveries_back_off_until_acknowledged() {
    let mut s = MemoryAccountStore::default();
    ok::<InvitesResponse>(check_run(&mut s, T0, invite(&["ann@acme.com"])));
    let due = super::due_deliveries(&s, T0).expect("due");
    assert_eq!(due.len(), 1);
    let id = due[0].id.clone();
    super::attempted(&mut s, &id, 503, T0).expect("attempt");
    assert!(super::due_deliveries(&s, T0 + 500).expect("due").is_empty());
    assert_eq!(super::next_wakeup(&s).expect("wake"), Some(T0 + 1000));
    super::attempted(&mut s, &id, 0, T0 + 1000).expect("attempt");
    assert_eq!(super::next_wakeup(&s).expect("wake"), Some(T0 + 3000));
    super::attempted(&mut s, &id, 204, T0 + 3000).expect("attempt");
    assert_eq!(super::next_wakeup(&s).expect("wake"), None);
    assert_eq!(
        (1..=6).map(super::backoff_ms).collect::<Vec<_>>(),
        [1000, 2000, 4000, 8000, 16000, 32000]
    );
    assert_eq!(super::backoff_ms(40), 3_600_000);
}

#[test]
fn a_revoked_invitation_cannot_be_accepted_and_the_delivery_log_hides_secrets() {
    let mut s = MemoryAccountStore::default();
    ok::<InvitesResponse>(check_run(&mut s, T0, invite(&["ann@acme.com"])));
    let claims = token_of(webhooks(&s)[0].data.accept_url.as_deref().expect("url"));
    let revoke = || {
        CollabOp::Revoke(protocol::v1::RevokeDoc {
            email: "ann@acme.com".into(),
        })
    };
    ok::<protocol::v1::InviteDto>(check_run(&mut s, T0 + 1, revoke()));
    assert_eq!(
        check_run(&mut s, T0 + 2, revoke()),
        Err(ErrorCode::InvalidValue)
    );
    let accept = CollabOp::Accept {
        user_id: "ann".into(),
        invite_id: claims.id,
        nonce: claims.nonce,
    };
    assert_eq!(check_run(&mut s, T0 + 3, accept), Err(ErrorCode::TokenUsed));
    let log = check_run(&mut s, T0 + 4, CollabOp::ListDeliveries).expect("log");
    let list: protocol::v1::DeliveryList = record_from_json(&log).expect("json");
    assert_eq!(list.deliveries[0].kind, "invite.created");
    assert!(!log.contains("whsec_"), "no signing secret in the log");
}

#[test]
fn without_a_webhook_endpoint_events_are_logged_not_sent() {
    let mut s = MemoryAccountStore::default();
    let mut r = req(T0, invite(&["ann@acme.com"]));
    r.keys.webhook = None;
    let result = run(&mut s, &r).expect("runs");
    assert!(result.problem.is_none());
    assert!(
        super::due_deliveries(&s, T0 + HOUR)
            .expect("due")
            .is_empty()
    );
    assert_eq!(super::next_wakeup(&s).expect("wake"), None);
    let log = check_run(&mut s, T0, CollabOp::ListDeliveries).expect("log");
    let list: protocol::v1::DeliveryList = record_from_json(&log).expect("json");
    assert_eq!((list.deliveries.len(), list.deliveries[0].attempts), (1, 0));
    assert!(list.deliveries[0].body.contains("accept_url"));
}
