//! Pure helpers of the team, keys and install pages: role and invitation labels, the request
//! bodies they send (with `protocol`'s types), allowed origins as lines of text, and the
//! install snippet. Natively tested.

use protocol::v1::control::{
    CreateSecretKey, CreateWriteKey, EnforceBody, InvitationStatus, InviteBody, OriginsBody,
    PatchWriteKey, Policy, PolicyBody, Role, RolesBody, RotateBody, WebhookBody, WriteKeyDto,
    to_text,
};

/// Roles for people, in the order of [`Role::ALL`]: `Admin, Editor`.
pub(crate) fn roles_label(roles: &[Role]) -> String {
    let names: Vec<&str> = Role::ALL
        .into_iter()
        .filter(|r| roles.contains(r))
        .map(crate::doc::role_label)
        .collect();
    if names.is_empty() {
        "No role".to_owned()
    } else {
        names.join(", ")
    }
}

/// `roles` with `role` added (`on`) or taken away, in the order of [`Role::ALL`].
pub(crate) fn toggled(roles: &[Role], role: Role, on: bool) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| if *r == role { on } else { roles.contains(r) })
        .collect()
}

/// An invitation's status for people.
pub(crate) fn status_label(s: InvitationStatus) -> &'static str {
    match s {
        InvitationStatus::Pending => "Pending",
        InvitationStatus::Accepted => "Accepted",
        InvitationStatus::Revoked => "Revoked",
        InvitationStatus::Expired => "Expired",
    }
}

/// The body of `PUT …/members/{user_id}`.
pub(crate) fn roles_body(roles: &[Role]) -> String {
    to_text(&RolesBody {
        roles: roles.to_vec(),
    })
}

/// The body of `POST …/invitations`.
pub(crate) fn invite_body(email: &str, roles: &[Role]) -> String {
    to_text(&InviteBody {
        email: email.trim().to_owned(),
        roles: roles.to_vec(),
    })
}

/// The body of `PUT …/policy`.
pub(crate) fn policy_body(policy: Policy) -> String {
    to_text(&PolicyBody(policy))
}

/// The body of `POST …/write-keys`.
pub(crate) fn write_key_body(label: &str, debug: bool) -> String {
    to_text(&CreateWriteKey {
        label: label.trim().to_owned(),
        debug,
    })
}

/// The body of `PATCH …/write-keys/{key}`.
pub(crate) fn debug_body(debug: bool) -> String {
    to_text(&PatchWriteKey { debug })
}

/// The body of `POST …/write-keys/{key}/rotate`, or the message shown at `overlap_hours`.
pub(crate) fn rotate_body(hours: &str) -> Result<String, &'static str> {
    match hours.trim().parse::<u32>() {
        Ok(h) if h <= 720 => Ok(to_text(&RotateBody { overlap_hours: h })),
        _ => Err("0-720 hours"),
    }
}

/// The body of `POST …/secret-keys`.
pub(crate) fn secret_key_body(label: &str) -> String {
    to_text(&CreateSecretKey {
        label: label.trim().to_owned(),
    })
}

/// The body of `PUT …/identity`.
pub(crate) fn enforce_body(enforce: bool) -> String {
    to_text(&EnforceBody { enforce })
}

/// The body of `PUT …/webhook`.
pub(crate) fn webhook_body(url: &str) -> String {
    to_text(&WebhookBody {
        url: url.trim().to_owned(),
    })
}

/// Allowed origins as the textarea shows them: one a line.
pub(crate) fn origins_text(origins: &[String]) -> String {
    origins.join("\n")
}

/// The origins typed, one a line (blank lines left out).
pub(crate) fn origins_of(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The body of `PUT …/origins`.
pub(crate) fn origins_body(text: &str) -> String {
    to_text(&OriginsBody {
        origins: origins_of(text),
    })
}

/// A refusal's field about an origin (`origins[2]`) for people: `Line 3: message`.
pub(crate) fn origin_message(field: &str, message: &str) -> String {
    field
        .strip_prefix("origins[")
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|i| i.parse::<usize>().ok())
        .map_or_else(
            || message.to_owned(),
            |i| format!("Line {}: {message}", i + 1),
        )
}

/// Whether a write key works at `now` (not revoked, not past its rotation overlap).
pub(crate) fn key_active(k: &WriteKeyDto, now: i64) -> bool {
    k.revoked_at.is_none() && k.expires_at.is_none_or(|e| e > now)
}

/// A write key's state for people.
pub(crate) fn key_state(k: &WriteKeyDto, now: i64) -> &'static str {
    match (k.revoked_at, k.expires_at) {
        (Some(_), _) => "Revoked",
        (None, Some(e)) if e <= now => "Expired",
        (None, Some(_)) => "Rotating out",
        (None, None) => "Active",
    }
}

/// The key the install snippet uses: the first active one without an expiry (else the first
/// active one).
pub(crate) fn install_key(keys: &[WriteKeyDto], now: i64) -> Option<&WriteKeyDto> {
    let active = || keys.iter().filter(move |k| key_active(k, now));
    active()
        .find(|k| k.expires_at.is_none())
        .or_else(|| active().next())
}

/// The install command.
pub(crate) const NPM: &str = "npm install @cairn/sdk";

/// A JavaScript string literal.
fn js_string(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The `init` call for this workspace (the options of `pkg/README.md`); with `identity`, the
/// user's `hash` your backend computes.
pub(crate) fn init_snippet(write_key: &str, endpoint: &str, identity: bool) -> String {
    let hash = if identity {
        "\n    hash: userHash, // hex HMAC-SHA256 of the user id, computed by your backend"
    } else {
        ""
    };
    format!(
        "import {{ init }} from '@cairn/sdk';\n\
         \n\
         await init({{\n  \
         writeKey: {},\n  \
         endpoint: {},\n  \
         user: {{\n    \
         id: currentUser.id,{hash}\n    \
         traits: {{ role: currentUser.role }},\n  \
         }},\n  \
         account: {{ id: currentAccount.id, traits: {{ plan: currentAccount.plan }} }},\n\
         }});\n",
        js_string(write_key),
        js_string(endpoint),
    )
}

/// The server-side computation of `user_hash`, for the identity note (Node.js).
pub(crate) const USER_HASH_NODE: &str = "import { createHmac } from 'node:crypto';\n\
\n\
// On your server: the identity secret never reaches a browser.\n\
const userHash = createHmac('sha256', process.env.CAIRN_IDENTITY_SECRET)\n  \
.update(currentUser.id)\n  \
.digest('hex');\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn key(key: &str, expires_at: Option<i64>, revoked_at: Option<i64>) -> WriteKeyDto {
        WriteKeyDto {
            key: key.into(),
            label: String::new(),
            debug: false,
            created_at: 0,
            expires_at,
            revoked_at,
        }
    }

    #[test]
    fn roles_toggle_in_their_order() {
        let cases: [(&[Role], Role, bool, &[Role]); 5] = [
            (&[], Role::Editor, true, &[Role::Editor]),
            (
                &[Role::Viewer],
                Role::Owner,
                true,
                &[Role::Owner, Role::Viewer],
            ),
            (
                &[Role::Owner, Role::Viewer],
                Role::Owner,
                false,
                &[Role::Viewer],
            ),
            (&[Role::Editor], Role::Editor, true, &[Role::Editor]),
            (&[Role::Editor], Role::Admin, false, &[Role::Editor]),
        ];
        for (before, role, on, after) in cases {
            assert_eq!(toggled(before, role, on), after, "{before:?} {role:?} {on}");
        }
        assert_eq!(roles_label(&[Role::Viewer, Role::Admin]), "Admin, Viewer");
        assert_eq!(roles_label(&[]), "No role");
    }

    #[test]
    fn bodies_are_what_the_edge_parses() {
        use protocol::v1::control::parse_body;
        let invite = invite_body(" Ed@Acme.example ", &[Role::Editor, Role::Approver]);
        let parsed: InviteBody = parse_body(&invite).expect("valid invite");
        assert_eq!(parsed.email, "ed@acme.example");
        assert_eq!(parsed.roles, [Role::Editor, Role::Approver]);
        assert!(parse_body::<RolesBody>(&roles_body(&[])).is_err());
        let policy = Policy {
            required_approvals: 2,
            author_may_approve: true,
            reviewer_required: false,
        };
        let p: PolicyBody = parse_body(&policy_body(policy)).expect("valid policy");
        assert_eq!(p.0, policy);
        let k: CreateWriteKey = parse_body(&write_key_body(" web ", true)).expect("valid");
        assert_eq!((k.label.as_str(), k.debug), ("web", true));
        let o: OriginsBody = parse_body(&origins_body(
            "https://b.example\n\n  https://a.example  \n",
        ))
        .expect("ok");
        assert_eq!(o.origins, ["https://a.example", "https://b.example"]);
        let e = parse_body::<OriginsBody>(&origins_body("https://a.example\nftp://x"))
            .expect_err("bad origin");
        assert_eq!(e.field, "origins[1]");
        assert!(parse_body::<WebhookBody>(&webhook_body(" https://h.example/x ")).is_ok());
        assert!(parse_body::<EnforceBody>(&enforce_body(true)).is_ok());
        assert!(parse_body::<PatchWriteKey>(&debug_body(false)).is_ok());
        assert!(parse_body::<CreateSecretKey>(&secret_key_body("ci")).is_ok());
    }

    #[test]
    fn rotation_overlap_is_checked_before_sending() {
        for (hours, ok) in [
            ("24", true),
            ("0", true),
            ("720", true),
            ("721", false),
            ("", false),
            ("-1", false),
            ("2.5", false),
        ] {
            assert_eq!(rotate_body(hours).is_ok(), ok, "{hours}");
        }
        assert_eq!(
            rotate_body(" 48 ").as_deref(),
            Ok(r#"{"overlap_hours":48}"#)
        );
    }

    #[test]
    fn origin_refusals_name_their_line() {
        let cases = [
            ("origins[0]", "bad", "Line 1: bad"),
            ("origins[12]", "bad", "Line 13: bad"),
            ("origins", "at most 50", "at most 50"),
            ("origins[x]", "bad", "bad"),
        ];
        for (field, message, shown) in cases {
            assert_eq!(origin_message(field, message), shown);
        }
        assert_eq!(origins_text(&["a".into(), "b".into()]), "a\nb");
    }

    #[test]
    fn keys_have_a_state_and_the_snippet_uses_an_active_one() {
        let now = 1_000;
        let keys = [
            key("wk_revoked", None, Some(10)),
            key("wk_old", Some(2_000), None),
            key("wk_expired", Some(500), None),
            key("wk_new", None, None),
        ];
        let states: Vec<&str> = keys.iter().map(|k| key_state(k, now)).collect();
        assert_eq!(states, ["Revoked", "Rotating out", "Expired", "Active"]);
        assert_eq!(
            install_key(&keys, now).map(|k| k.key.as_str()),
            Some("wk_new")
        );
        assert_eq!(
            install_key(&keys[..3], now).map(|k| k.key.as_str()),
            Some("wk_old")
        );
        assert_eq!(install_key(&keys[..1], now), None);
    }

    #[test]
    fn the_snippet_carries_the_key_and_endpoint_quoted() {
        let s = init_snippet("wk_123", "http://127.0.0.1:8787", false);
        assert!(s.contains("writeKey: 'wk_123',"), "{s}");
        assert!(s.contains("endpoint: 'http://127.0.0.1:8787',"), "{s}");
        assert!(s.contains("import { init } from '@cairn/sdk';"), "{s}");
        assert!(!s.contains("hash"), "{s}");
        let s = init_snippet("wk_'x", "https://e.example", true);
        assert!(s.contains(r"writeKey: 'wk_\'x',"), "{s}");
        assert!(s.contains("hash: userHash"), "{s}");
        assert_eq!(js_string("a\\b\n"), r"'a\\b\n'");
    }
}
