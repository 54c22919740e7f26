//! `POST /v1/decide` and the decision carried by every events response.

use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::json::decode;
use crate::v1::batch::DroppedTotals;
use crate::v1::campaign::{CampaignDoc, CategoryDto, SurfaceDto, TriggerDto};
use crate::v1::content::Content;
use crate::v1::ids::check_id;
use rules::{Decision, RULES_VERSION, Verdict};

/// The body of `POST /v1/decide`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecideRequest {
    /// The workspace's public write key.
    pub write_key: String,
    /// The user.
    pub user_id: String,
    /// The user's account.
    pub account_id: String,
    /// Return a verdict per campaign (only for debug-enabled keys).
    #[serde(default)]
    pub debug: bool,
    /// The path of the page the user is on (for page triggers and conditions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The browser's language (`navigator.language`), for localised content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// Checks a locale sent by a browser: at most 35 characters of letters, digits and `-`.
pub(crate) fn check_locale_hint(field: &str, locale: Option<&str>) -> Result<(), Problem> {
    match locale {
        Some(l)
            if l.is_empty()
                || l.len() > 35
                || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
        {
            Err(Problem::new(
                crate::ErrorCode::InvalidValue,
                field,
                "a language tag such as en-US",
            ))
        }
        _ => Ok(()),
    }
}

/// Checks a page path: starts with `/`, at most 2000 characters.
pub(crate) fn check_page(field: &str, page: Option<&str>) -> Result<(), Problem> {
    match page {
        Some(p) if !p.starts_with('/') || p.len() > 2000 => Err(Problem::new(
            crate::ErrorCode::InvalidValue,
            field,
            "a path starting with / of at most 2000 characters",
        )),
        _ => Ok(()),
    }
}

/// Parses and validates a decide request.
pub fn parse_decide_request(body: &str) -> Result<DecideRequest, Problem> {
    let req: DecideRequest = decode(body)?;
    check_id("user_id", &req.user_id)?;
    check_id("account_id", &req.account_id)?;
    check_page("page", req.page.as_deref())?;
    check_locale_hint("locale", req.locale.as_deref())?;
    Ok(req)
}

/// A message to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageDto {
    /// The campaign it belongs to (reported back with shown / clicked / dismissed).
    pub campaign: String,
    /// Where to render it.
    pub surface: SurfaceDto,
    /// What kind of message it is.
    #[serde(default)]
    pub category: CategoryDto,
    /// What it says.
    pub content: Content,
    /// The experiment variant shown, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Seconds to wait before rendering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_seconds: Option<u32>,
    /// Render only once an element with this `data-cairn-anchor` value is on the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_for: Option<String>,
    /// Remove the message when the user navigates to a path this route pattern does not match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Offer "Remind me later".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub snooze: bool,
    /// For a checklist: which of `content.tasks` the user has done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub done: Vec<bool>,
    /// For a tour: the step to resume at (0-based).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub step: u32,
    /// The language of a translated `content` (e.g. `ar`): the SDK sets `lang`, and `dir` for
    /// right-to-left scripts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Why a campaign was or was not chosen (debug only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerdictDto {
    /// The campaign.
    pub campaign: String,
    /// `chosen`, `outside_schedule`, `already_shown`, `shown_this_session`, `waiting`,
    /// `dismissed`, `completed`, `snoozed`, `in_flight`, `not_triggered`, `audience_mismatch`,
    /// `frequency_cap`, `account_cap`, `holdout` or `lower_priority`.
    pub verdict: String,
    /// Explanation in words (the failing condition, the full cap, the winner, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// When the verdict may change by itself: a cap, snooze, wait or lease ends (ms since
    /// the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
}

/// The decision for one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionDto {
    /// `rules::RULES_VERSION` of the edge that decided.
    pub rules_version: u32,
    /// Messages to show now, highest priority first, at most one per surface.
    pub messages: Vec<MessageDto>,
    /// Per-campaign verdicts, when debug output was asked for and allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdicts: Option<Vec<VerdictDto>>,
    /// With the verdicts: what the account's clients reported as dropped, in total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<DroppedTotals>,
}

/// The response to `POST /v1/decide`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecideResponse {
    /// The decision.
    pub decision: DecisionDto,
}

/// A decision read without its messages' content: how many messages there are, and the
/// verdicts (what the SDK core needs for `debug()` and to know whether to load its guides).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DecisionHead {
    /// One placeholder per message, left unread.
    #[serde(default)]
    pub messages: Vec<serde::de::IgnoredAny>,
    /// Per-campaign verdicts, when debug output was asked for and allowed.
    #[serde(default)]
    pub verdicts: Option<Vec<VerdictDto>>,
}

/// [`DecideResponse`] read as a [`DecisionHead`].
#[derive(Debug, Clone, Deserialize)]
pub struct DecideHead {
    /// The decision.
    pub decision: DecisionHead,
}

/// What a message shows of its campaign: the experiment arm, the tour step, the checklist
/// tasks done, and the user's language.
#[derive(Debug, Clone, Default)]
pub struct Shown<'a> {
    /// The experiment variant (`None`: the campaign's own content).
    pub variant: Option<&'a str>,
    /// The tour step to show (0-based).
    pub step: u32,
    /// Which checklist tasks are done.
    pub done: Vec<bool>,
    /// The user's locale.
    pub locale: Option<&'a str>,
}

/// One campaign as a message on the wire. The edge's decisions and the console's preview both
/// build their messages here, so the preview shows what users are sent.
pub fn message_dto(doc: &CampaignDoc, surface: SurfaceDto, shown: &Shown<'_>) -> MessageDto {
    let (content, lang) = doc.content_for(shown.variant).localized(shown.locale);
    MessageDto {
        campaign: doc.id.clone(),
        surface,
        category: doc.category,
        content,
        variant: shown.variant.map(str::to_owned),
        delay_seconds: doc.delay_seconds.filter(|d| *d > 0),
        wait_for: match &doc.trigger {
            Some(TriggerDto::Element(anchor)) => Some(anchor.clone()),
            _ => None,
        },
        page: match &doc.trigger {
            Some(TriggerDto::Page(pattern)) => Some(pattern.clone()),
            _ => None,
        },
        snooze: doc.snooze_hours.is_some(),
        done: shown.done.clone(),
        step: shown.step,
        lang,
    }
}

/// Builds the wire decision from a `rules` decision and the documents of its campaigns, with
/// content in `locale` where translated.
pub fn decision_dto(
    decision: &Decision,
    docs: &[CampaignDoc],
    debug: bool,
    locale: Option<&str>,
) -> DecisionDto {
    let messages = decision
        .picks
        .iter()
        .filter_map(|pick| {
            let doc = docs.iter().find(|d| d.id == pick.campaign.as_str())?;
            let shown = Shown {
                variant: pick.variant.as_deref(),
                step: pick.step,
                done: pick.done.clone(),
                locale,
            };
            Some(message_dto(doc, SurfaceDto::of(pick.surface), &shown))
        })
        .collect();
    let verdicts = debug.then(|| {
        decision
            .verdicts
            .iter()
            .map(|(id, v)| VerdictDto {
                campaign: id.to_string(),
                verdict: v.kind().to_owned(),
                detail: (*v != Verdict::Chosen).then(|| v.to_string()),
                until: v.until().map(|t| t.0),
            })
            .collect()
    });
    DecisionDto {
        rules_version: RULES_VERSION,
        messages,
        verdicts,
        dropped: None,
    }
}
