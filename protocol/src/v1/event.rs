//! One tracked event: its wire DTO and the validated `Event`.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, Problem};
use crate::json::{decode, scalar};
use crate::v1::ids::{check_id, normalize_uuid};
use rules::{CampaignId, Outcome, Timestamp, Traits};

/// A JSON object, the edge's representation of `properties` and `traits`.
pub type JsonMap = serde_json::Map<String, serde_json::Value>;

/// The kind of an event (`type` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// A named action; its name counts as use of a feature.
    Track,
    /// Sets user traits.
    Identify,
    /// Sets account traits.
    Group,
    /// A page or SPA route view; `name` is the path.
    Page,
    /// An outcome of a shown message.
    Message,
    /// An answer to a survey message: `score` (0-10) and an optional `comment`.
    Survey,
}

/// What happened to a message (`action` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageAction {
    /// Rendered.
    Shown,
    /// Call to action clicked.
    Clicked,
    /// Dismissed.
    Dismissed,
    /// "Remind me later".
    Snoozed,
    /// A tour step was reached (`step`).
    Step,
}

/// An event as sent by an SDK. `P` is the representation of `properties` and `traits`
/// (a JSON map on the edge, a JS object in the browser SDK).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDto<P> {
    /// Client-generated UUID; the edge stores each id once.
    pub id: String,
    /// Event kind.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// The vendor's user id.
    pub user_id: String,
    /// The vendor's account (company, workspace, tenant) id.
    pub account_id: String,
    /// Client clock, milliseconds since the epoch.
    pub timestamp: i64,
    /// Event name (track) or path (page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Free-form properties (track, page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<P>,
    /// Traits (identify, group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traits: Option<P>,
    /// Campaign id (message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    /// What happened (message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<MessageAction>,
    /// The answer, 0-10 (survey).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
    /// A free-text comment, at most 2000 characters (survey).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The tour step reached, 0-based (message with action `step`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
}

/// The validated meaning of an event.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// Use of the feature `name`.
    Track {
        /// Event / feature name.
        name: String,
    },
    /// New user traits (merged into the existing ones).
    Identify {
        /// Traits.
        traits: Traits,
    },
    /// New account traits (merged into the existing ones).
    Group {
        /// Traits.
        traits: Traits,
    },
    /// A page view.
    Page {
        /// The path.
        path: String,
    },
    /// A message outcome.
    Message {
        /// Which campaign.
        campaign: CampaignId,
        /// What happened.
        outcome: Outcome,
    },
    /// A survey answer.
    Survey {
        /// Which campaign asked.
        campaign: CampaignId,
        /// 0-10.
        score: u32,
        /// Optional comment.
        comment: Option<String>,
    },
}

impl EventKind {
    /// The wire name of this kind (`type`).
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::Track { .. } => "track",
            EventKind::Identify { .. } => "identify",
            EventKind::Group { .. } => "group",
            EventKind::Page { .. } => "page",
            EventKind::Message { .. } => "message",
            EventKind::Survey { .. } => "survey",
        }
    }
}

/// A validated event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Lower-case UUID.
    pub id: String,
    /// The user.
    pub user_id: String,
    /// The account.
    pub account_id: String,
    /// Client timestamp as sent (uncorrected).
    pub timestamp: Timestamp,
    /// What it means.
    pub kind: EventKind,
}

/// Account traits with this prefix (executive relationship, champion strength, …) are the
/// customer-success team's subjective inputs: set with a secret key only.
pub const RESERVED_PREFIX: &str = "cs_";

/// 2000-01-01 and 2100-01-01: timestamps outside are certainly wrong clocks or units.
const MIN_TS: i64 = 946_684_800_000;
const MAX_TS: i64 = 4_102_444_800_000;

/// Parses and validates one event's JSON text. Field paths in errors are relative to the event.
pub fn validate_event(text: &str) -> Result<Event, Problem> {
    let dto: EventDto<JsonMap> = decode(text)?;
    let id = normalize_uuid("id", &dto.id)?;
    check_id("user_id", &dto.user_id)?;
    check_id("account_id", &dto.account_id)?;
    if !(MIN_TS..MAX_TS).contains(&dto.timestamp) {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "timestamp",
            "must be milliseconds since the Unix epoch (between years 2000 and 2100)",
        ));
    }
    let kind = match dto.kind {
        EventType::Track => EventKind::Track {
            name: required_name(dto.name.as_deref())?,
        },
        EventType::Page => EventKind::Page {
            path: required_name(dto.name.as_deref())?,
        },
        EventType::Identify => EventKind::Identify {
            traits: traits(dto.traits.as_ref())?,
        },
        EventType::Group => {
            let traits = traits(dto.traits.as_ref())?;
            if let Some(key) = traits.keys().find(|k| k.starts_with(RESERVED_PREFIX)) {
                return Err(Problem::new(
                    ErrorCode::ReservedTrait,
                    format!("traits.{key}"),
                    "cs_ traits are set by the customer-success team through the admin API",
                ));
            }
            EventKind::Group { traits }
        }
        EventType::Survey => {
            let campaign = campaign_of(dto.campaign.as_deref())?;
            let score = dto
                .score
                .ok_or_else(|| Problem::new(ErrorCode::MissingField, "score", "0-10"))?;
            if score > 10 {
                return Err(Problem::new(
                    ErrorCode::InvalidValue,
                    "score",
                    "must be 0-10",
                ));
            }
            if dto
                .comment
                .as_ref()
                .is_some_and(|c| c.chars().count() > 2000)
            {
                return Err(Problem::new(
                    ErrorCode::InvalidValue,
                    "comment",
                    "at most 2000 characters",
                ));
            }
            EventKind::Survey {
                campaign,
                score,
                comment: dto.comment.filter(|c| !c.trim().is_empty()),
            }
        }
        EventType::Message => {
            let campaign = campaign_of(dto.campaign.as_deref())?;
            let action = dto.action.ok_or_else(|| {
                Problem::new(
                    ErrorCode::MissingField,
                    "action",
                    "one of shown, clicked, dismissed",
                )
            })?;
            let outcome = match action {
                MessageAction::Shown => Outcome::Shown,
                MessageAction::Clicked => Outcome::Clicked,
                MessageAction::Dismissed => Outcome::Dismissed,
                MessageAction::Snoozed => Outcome::Snoozed,
                MessageAction::Step => {
                    Outcome::Step(dto.step.filter(|s| *s < 100).ok_or_else(|| {
                        Problem::new(ErrorCode::InvalidValue, "step", "a step of 0-99")
                    })?)
                }
            };
            EventKind::Message { campaign, outcome }
        }
    };
    Ok(Event {
        id,
        user_id: dto.user_id,
        account_id: dto.account_id,
        timestamp: Timestamp(dto.timestamp),
        kind,
    })
}

/// The flat (string, number, boolean, null) properties of a stored event's JSON text;
/// nested values are left out. Empty if the text is not an event.
pub fn event_properties(text: &str) -> Traits {
    let Ok(dto) = decode::<EventDto<JsonMap>>(text) else {
        return Traits::new();
    };
    dto.properties
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k, scalar(&v)?)))
        .collect()
}

fn campaign_of(campaign: Option<&str>) -> Result<CampaignId, Problem> {
    let campaign = campaign.ok_or_else(|| {
        Problem::new(
            ErrorCode::MissingField,
            "campaign",
            "message and survey events name their campaign",
        )
    })?;
    CampaignId::new(campaign)
        .map_err(|e| Problem::new(ErrorCode::InvalidValue, "campaign", e.to_string()))
}

fn required_name(name: Option<&str>) -> Result<String, Problem> {
    let name = name.ok_or_else(|| {
        Problem::new(
            ErrorCode::MissingField,
            "name",
            "track and page events need a name",
        )
    })?;
    check_id("name", name)?;
    Ok(name.to_owned())
}

/// Converts JSON traits into `rules` values; nested objects and arrays are rejected.
pub(crate) fn traits(map: Option<&JsonMap>) -> Result<Traits, Problem> {
    let mut out = Traits::new();
    for (k, v) in map.into_iter().flatten() {
        let value = scalar(v).ok_or_else(|| {
            Problem::new(
                ErrorCode::InvalidType,
                format!("traits.{k}"),
                "a trait is a string, number, boolean or null",
            )
        })?;
        out.insert(k.clone(), value);
    }
    Ok(out)
}
