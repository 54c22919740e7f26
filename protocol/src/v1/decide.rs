//! `POST /v1/decide` and the decision carried by every events response.

use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::json::decode;
use crate::v1::campaign::{CampaignDoc, Content, SurfaceDto};
use crate::v1::ids::check_id;
use rules::{Decision, RULES_VERSION, Surface, Verdict};

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
}

/// Parses and validates a decide request.
pub fn parse_decide_request(body: &str) -> Result<DecideRequest, Problem> {
    let req: DecideRequest = decode(body)?;
    check_id("user_id", &req.user_id)?;
    check_id("account_id", &req.account_id)?;
    Ok(req)
}

/// A message to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageDto {
    /// The campaign it belongs to (reported back with shown / clicked / dismissed).
    pub campaign: String,
    /// Where to render it.
    pub surface: SurfaceDto,
    /// What it says.
    pub content: Content,
}

/// Why a campaign was or was not chosen (debug only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerdictDto {
    /// The campaign.
    pub campaign: String,
    /// `chosen`, `outside_schedule`, `already_shown`, `dismissed`, `audience_mismatch`,
    /// `frequency_cap` or `lower_priority`.
    pub verdict: String,
    /// Explanation (the failing condition, the winner, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For `frequency_cap`: when budget frees up (ms since the epoch).
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
}

/// The response to `POST /v1/decide`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecideResponse {
    /// The decision.
    pub decision: DecisionDto,
}

/// Builds the wire decision from a `rules` decision and the documents of its campaigns.
pub fn decision_dto(decision: &Decision, docs: &[CampaignDoc], debug: bool) -> DecisionDto {
    let messages = decision
        .picks
        .iter()
        .filter_map(|(id, surface)| {
            let doc = docs.iter().find(|d| d.id == id.as_str())?;
            Some(MessageDto {
                campaign: doc.id.clone(),
                surface: match surface {
                    Surface::Modal => SurfaceDto::Modal,
                    Surface::Banner => SurfaceDto::Banner,
                },
                content: doc.content.clone(),
            })
        })
        .collect();
    let verdicts = debug.then(|| {
        decision
            .verdicts
            .iter()
            .map(|(id, v)| {
                let (verdict, detail, until) = match v {
                    Verdict::Chosen => ("chosen", None, None),
                    Verdict::OutsideSchedule => ("outside_schedule", None, None),
                    Verdict::AlreadyShown => ("already_shown", None, None),
                    Verdict::Dismissed => ("dismissed", None, None),
                    Verdict::AudienceMismatch(why) => {
                        ("audience_mismatch", Some(why.clone()), None)
                    }
                    Verdict::FrequencyCap { until } => ("frequency_cap", None, Some(until.0)),
                    Verdict::LowerPriority { winner } => {
                        ("lower_priority", Some(format!("{winner} wins")), None)
                    }
                };
                VerdictDto {
                    campaign: id.to_string(),
                    verdict: verdict.to_owned(),
                    detail,
                    until,
                }
            })
            .collect()
    });
    DecisionDto {
        rules_version: RULES_VERSION,
        messages,
        verdicts,
    }
}
