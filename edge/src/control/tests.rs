//! The lifecycle and the policy as pure functions: table-driven scenarios of who does what,
//! in which order, with the error code of each refusal and the campaign's status after each
//! accepted step; a refused step leaves the record as it was.

use protocol::ErrorCode;
use protocol::v1::control::{
    CampaignRecord, CheckedDocument, LiveState, Policy, ReviewBody, ReviewVerdict, Role,
    RollbackBody,
};

use super::auth::sha256_hex;
use super::lifecycle::{self, Ctx, Outcome};
use super::policy::MemberRoles;

#[derive(Debug, Clone, Copy)]
enum Act {
    Create,
    Edit(&'static str),
    Submit,
    Withdraw,
    Review(ReviewVerdict),
    Publish,
    /// Publish with a hash that is not the working revision's.
    PublishStale,
    Pause,
    Resume,
    Archive,
    Rollback(Option<u32>),
    Emergency(&'static str),
    /// Set this member's roles (the owner does it; not a lifecycle action).
    Roles(&'static [Role]),
}

use Act::*;
use ReviewVerdict::{Approve, RequestChanges};
use Role::*;

type Expect = Result<&'static str, ErrorCode>;
type Step = (&'static str, Act, Expect);

fn doc(title: &str) -> CheckedDocument {
    let canonical = format!(
        r#"{{"content":{{"body":"b","title":"{title}"}},"id":"c1","recurrence":"once","surface":"banner"}}"#
    );
    CheckedDocument {
        canonical,
        id: "c1".into(),
        surface: "banner".into(),
        category: None,
    }
}

fn team() -> Vec<MemberRoles> {
    [
        ("ed", &[Editor][..]),
        ("ed2", &[Editor][..]),
        ("rv", &[Reviewer][..]),
        ("ap", &[Approver][..]),
        ("ap2", &[Approver][..]),
        ("ex", &[Executor][..]),
        ("edap", &[Editor, Approver][..]),
        ("own", &[Owner][..]),
        ("vw", &[Viewer][..]),
    ]
    .into_iter()
    .map(|(u, r)| MemberRoles {
        user_id: u.into(),
        roles: r.to_vec(),
    })
    .collect()
}

fn working_hash(r: &CampaignRecord) -> String {
    r.working
        .and_then(|n| r.revisions.iter().find(|x| x.number == n))
        .map_or_else(|| "0".repeat(64), |x| x.hash.clone())
}

fn run(name: &str, policy: Policy, steps: &[Step]) {
    let mut members = team();
    let mut record: Option<CampaignRecord> = None;
    let mut live: Option<u32> = None;
    for (i, (who, act, expect)) in steps.iter().enumerate() {
        let at = format!("{name}, step {i} ({who} {act:?})");
        if let Roles(roles) = act {
            let m = members
                .iter_mut()
                .find(|m| m.user_id == *who)
                .expect("member");
            m.roles = roles.to_vec();
            continue;
        }
        let roles = members
            .iter()
            .find(|m| m.user_id == *who)
            .map(|m| m.roles.clone())
            .unwrap_or_default();
        let ctx = Ctx {
            actor: who,
            roles: &roles,
            members: &members,
            policy,
            now: 1_000 + i as i64,
        };
        let result: Result<Outcome, protocol::Problem> = match (act, &record) {
            (Create, _) => {
                lifecycle::create(&ctx, &doc("v1"), sha256_hex(doc("v1").canonical.as_bytes()))
            }
            (_, None) => panic!("{at}: no campaign yet"),
            (Edit(t), Some(r)) => lifecycle::edit(
                &ctx,
                r,
                &doc(t),
                sha256_hex(doc(t).canonical.as_bytes()),
                None,
            ),
            (Submit, Some(r)) => lifecycle::submit(&ctx, r, &working_hash(r)),
            (Withdraw, Some(r)) => lifecycle::withdraw(&ctx, r, &working_hash(r)),
            (Review(v), Some(r)) => {
                let body = ReviewBody {
                    hash: working_hash(r),
                    verdict: *v,
                    comment: String::new(),
                };
                lifecycle::review(&ctx, r, &body, format!("rev{i}"))
            }
            (Publish, Some(r)) => lifecycle::publish(&ctx, r, &working_hash(r)),
            (PublishStale, Some(r)) => lifecycle::publish(&ctx, r, &"f".repeat(64)),
            (Pause, Some(r)) => lifecycle::set_live(&ctx, r, Some(LiveState::Paused)),
            (Resume, Some(r)) => lifecycle::set_live(&ctx, r, Some(LiveState::Live)),
            (Archive, Some(r)) => lifecycle::set_live(&ctx, r, None),
            (Rollback(n), Some(r)) => lifecycle::rollback(
                &ctx,
                r,
                &RollbackBody {
                    revision: *n,
                    ..Default::default()
                },
            ),
            (Emergency(reason), Some(r)) => lifecycle::rollback(
                &ctx,
                r,
                &RollbackBody {
                    revision: None,
                    emergency: true,
                    reason: (*reason).into(),
                },
            ),
            (Roles(_), _) => unreachable!(),
        };
        match (result, expect) {
            (Ok(out), Ok(status)) => {
                let approved = out.record.working.is_some()
                    && super::policy::approval_status(
                        &working_hash(&out.record),
                        &out.record
                            .revisions
                            .iter()
                            .find(|x| Some(x.number) == out.record.working)
                            .map(|x| x.authors.clone())
                            .unwrap_or_default(),
                        &out.record.reviews,
                        policy,
                        &members,
                    )
                    .satisfied;
                assert_eq!(lifecycle::status(&out.record, approved), *status, "{at}");
                if let Some(l) = out.live {
                    live = l;
                }
                record = Some(out.record);
            }
            (Err(p), Err(code)) => assert_eq!(p.code, *code, "{at}: {p}"),
            (got, want) => panic!("{at}: got {got:?}, want {want:?}"),
        }
        // The data plane shows what the record says is live.
        if let Some(r) = &record {
            let should = r
                .live
                .filter(|l| l.state == LiveState::Live && !r.archived)
                .map(|l| l.revision);
            assert_eq!(live, should, "{at}: live catalog");
        }
    }
}

const DEFAULT: Policy = Policy {
    required_approvals: 1,
    author_may_approve: false,
    reviewer_required: false,
};

#[test]
fn happy_path_and_roles() {
    run(
        "happy",
        DEFAULT,
        &[
            ("rv", Create, Err(ErrorCode::ForbiddenRole)),
            ("ed", Create, Ok("draft")),
            ("ap", Submit, Err(ErrorCode::ForbiddenRole)),
            ("ed", Submit, Ok("in_review")),
            ("vw", Review(Approve), Err(ErrorCode::ForbiddenRole)),
            ("ex", Review(Approve), Err(ErrorCode::ForbiddenRole)),
            ("ed", Publish, Err(ErrorCode::ForbiddenRole)),
            ("ex", Publish, Err(ErrorCode::NotApproved)),
            ("rv", Review(Approve), Ok("in_review")),
            ("ex", Publish, Err(ErrorCode::NotApproved)),
            ("ap", Review(Approve), Ok("approved")),
            ("ap", Publish, Err(ErrorCode::ForbiddenRole)),
            ("ex", PublishStale, Err(ErrorCode::StaleHash)),
            ("ex", Publish, Ok("live")),
            ("ex", Publish, Err(ErrorCode::InvalidState)),
            ("ed", Pause, Err(ErrorCode::ForbiddenRole)),
            ("ex", Pause, Ok("paused")),
            ("ex", Pause, Err(ErrorCode::InvalidState)),
            ("ex", Resume, Ok("live")),
            ("ex", Archive, Ok("archived")),
            ("ex", Resume, Err(ErrorCode::InvalidState)),
        ],
    );
}

#[test]
fn review_bypass_attempts_are_refused() {
    // Approving your own revision.
    run(
        "self",
        DEFAULT,
        &[
            ("edap", Create, Ok("draft")),
            ("edap", Submit, Ok("in_review")),
            ("edap", Review(Approve), Err(ErrorCode::SelfApproval)),
            ("ex", Publish, Err(ErrorCode::NotApproved)),
        ],
    );
    // A co-author is an author too.
    run(
        "co-author",
        DEFAULT,
        &[
            ("ed", Create, Ok("draft")),
            ("edap", Edit("v2"), Ok("draft")),
            ("ed", Submit, Ok("in_review")),
            ("edap", Review(Approve), Err(ErrorCode::SelfApproval)),
        ],
    );
    run(
        "self allowed by policy",
        Policy {
            author_may_approve: true,
            ..DEFAULT
        },
        &[
            ("edap", Create, Ok("draft")),
            ("edap", Submit, Ok("in_review")),
            ("edap", Review(Approve), Ok("approved")),
            ("ex", Publish, Ok("live")),
        ],
    );
    // Editing after approval: not in review; after withdraw and edit, the approval is void.
    run(
        "edit after approval",
        DEFAULT,
        &[
            ("ed", Create, Ok("draft")),
            ("ed", Submit, Ok("in_review")),
            ("ap", Review(Approve), Ok("approved")),
            ("ed", Edit("sneaky"), Err(ErrorCode::NotEditable)),
            ("ed", Withdraw, Ok("draft")),
            ("ed", Edit("sneaky"), Ok("draft")),
            ("ed", Submit, Ok("in_review")),
            ("ex", Publish, Err(ErrorCode::NotApproved)),
        ],
    );
    // Approve, lose the approver role, publish.
    run(
        "lost role",
        DEFAULT,
        &[
            ("ed", Create, Ok("draft")),
            ("ed", Submit, Ok("in_review")),
            ("ap", Review(Approve), Ok("approved")),
            ("ap", Roles(&[Viewer]), Ok("")),
            ("ex", Publish, Err(ErrorCode::NotApproved)),
            ("ap", Roles(&[Approver]), Ok("")),
            ("ex", Publish, Ok("live")),
        ],
    );
    // Changes requested block until that reviewer approves.
    run(
        "changes requested",
        DEFAULT,
        &[
            ("ed", Create, Ok("draft")),
            ("ed", Submit, Ok("in_review")),
            ("ap2", Review(RequestChanges), Ok("changes_requested")),
            ("ap", Review(Approve), Err(ErrorCode::InvalidState)),
            ("ed", Submit, Ok("in_review")),
            ("ap", Review(Approve), Ok("in_review")),
            ("ex", Publish, Err(ErrorCode::NotApproved)),
            ("ap2", Review(Approve), Ok("approved")),
            ("ex", Publish, Ok("live")),
        ],
    );
}

#[test]
fn policy_variants() {
    run(
        "two approvals",
        Policy {
            required_approvals: 2,
            ..DEFAULT
        },
        &[
            ("ed", Create, Ok("draft")),
            ("ed", Submit, Ok("in_review")),
            ("ap", Review(Approve), Ok("in_review")),
            ("ap", Review(Approve), Ok("in_review")),
            ("ex", Publish, Err(ErrorCode::NotApproved)),
            ("ap2", Review(Approve), Ok("approved")),
            ("ex", Publish, Ok("live")),
        ],
    );
    run(
        "reviewer required",
        Policy {
            reviewer_required: true,
            ..DEFAULT
        },
        &[
            ("ed", Create, Ok("draft")),
            ("ed", Submit, Ok("in_review")),
            ("ap", Review(Approve), Ok("in_review")),
            ("ex", Publish, Err(ErrorCode::NotApproved)),
            ("rv", Review(Approve), Ok("approved")),
            ("ex", Publish, Ok("live")),
        ],
    );
}

#[test]
fn rollback_under_the_policy() {
    let publish_v2: &[Step] = &[
        ("ed", Create, Ok("draft")),
        ("ed", Submit, Ok("in_review")),
        ("ap", Review(Approve), Ok("approved")),
        ("ex", Publish, Ok("live")),
        ("ed", Edit("v2"), Ok("draft")),
        ("ed", Submit, Ok("in_review")),
        ("ap", Review(Approve), Ok("approved")),
        ("ex", Publish, Ok("live")),
    ];
    let with = |rest: &[Step]| [publish_v2, rest].concat();
    run(
        "rollback",
        DEFAULT,
        &with(&[
            ("ed", Rollback(None), Err(ErrorCode::ForbiddenRole)),
            ("ex", Rollback(Some(2)), Err(ErrorCode::InvalidState)),
            ("ex", Rollback(Some(9)), Err(ErrorCode::UnknownRevision)),
            ("ex", Rollback(None), Ok("live")),
            // Back at revision 1: nothing earlier, so the next rollback takes it off.
            ("ex", Rollback(Some(2)), Ok("live")),
            ("ex", Rollback(Some(1)), Ok("live")),
            ("ex", Rollback(None), Ok("off")),
            ("ex", Rollback(None), Err(ErrorCode::InvalidState)),
        ]),
    );
    run(
        "rollback needs current approvers",
        DEFAULT,
        &with(&[
            ("ap", Roles(&[Viewer]), Ok("")),
            ("ex", Rollback(None), Err(ErrorCode::NotApproved)),
            ("ex", Emergency("bad copy"), Err(ErrorCode::ForbiddenRole)),
            ("own", Emergency("bad copy"), Ok("live")),
        ]),
    );
}
