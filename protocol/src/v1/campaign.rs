//! Campaign definitions: JSON documents validated at save time, converted into `rules::Campaign`.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, Problem};
use crate::json::decode;
use crate::v1::content::ContentDoc;
use crate::v1::targeting::ConditionDto;
use rules::{
    AccountCap, Campaign, CampaignId, Category, Condition, DEFAULT_SNOOZE_MS, Experiment, Goal,
    Recurrence, RoutePattern, Surface, Timestamp, Trigger,
};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// A campaign as authored (strict: unknown fields are errors).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignDoc {
    /// Unique id in the workspace.
    pub id: String,
    /// `modal` or `banner`.
    pub surface: SurfaceDto,
    /// `general` (default), `onboarding`, `upgrade`, `survey`, `announcement`, `invite`, `approval`.
    #[serde(default)]
    pub category: CategoryDto,
    /// 0-1000; higher wins.
    #[serde(default)]
    pub priority: u32,
    /// What must happen first; absent means every decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<TriggerDto>,
    /// Seconds the SDK waits after the decision before rendering (0-300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_seconds: Option<u32>,
    /// `once`, `until_dismissed`, `until_completed`, `{"times":{"max":3,"every_days":1}}`
    /// or `{"every":{"days":7}}`.
    pub recurrence: RecurrenceDto,
    /// Offer "Remind me later", hiding the message this many hours (1-720).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snooze_hours: Option<u32>,
    /// At most this many users of one account shown it per window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_cap: Option<AccountCapDto>,
    /// A holdout group and content variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<ExperimentDto>,
    /// Who qualifies; absent means everyone.
    #[serde(default)]
    pub audience: Option<ConditionDto>,
    /// What the message says.
    pub content: ContentDoc,
    /// Not shown before (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<i64>,
    /// Not shown from (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<i64>,
    /// What counts as success: `{"event":"expense_approved","within_days":14}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<GoalDto>,
    /// The advocacy ask this campaign makes: offered only to users who accepted the ask one
    /// rung smaller (`review` < `reference` < `case_study` < `speaking`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask: Option<AskDto>,
}

/// An advocacy ask, smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AskDto {
    /// A review on a marketplace or review site.
    Review,
    /// A reference call with a prospect.
    Reference,
    /// A published case study.
    CaseStudy,
    /// Speaking at an event or webinar.
    Speaking,
}

impl AskDto {
    /// The domain ask.
    pub fn to_ask(self) -> rules::Ask {
        match self {
            AskDto::Review => rules::Ask::Review,
            AskDto::Reference => rules::Ask::Reference,
            AskDto::CaseStudy => rules::Ask::CaseStudy,
            AskDto::Speaking => rules::Ask::Speaking,
        }
    }
}

/// A campaign's goal on the wire: a tracked event, optionally with property equalities,
/// within a number of days of the user's first exposure (or first view).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GoalDto {
    /// The tracked event's name (1-200 characters).
    pub event: String,
    /// Days after first exposure during which the event counts (1-90; default 14).
    #[serde(default = "fourteen")]
    pub within_days: u32,
    /// Property values the event must carry (strings, numbers or booleans; at most 10).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub properties: crate::v1::event::JsonMap,
}

fn fourteen() -> u32 {
    14
}

impl GoalDto {
    /// The goal in words: `expense_approved with plan = "pro" within 14 days`.
    pub fn describe(&self) -> String {
        let filters: Vec<String> = self
            .properties
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        let with = if filters.is_empty() {
            String::new()
        } else {
            format!(" with {}", filters.join(", "))
        };
        format!("{}{with} within {} days", self.event, self.within_days)
    }

    pub(crate) fn to_goal(&self) -> Result<Goal, Problem> {
        if self.event.trim().is_empty() || self.event.len() > 200 {
            return Err(invalid("event", "must be 1-200 characters"));
        }
        if !(1..=90).contains(&self.within_days) {
            return Err(invalid("within_days", "must be 1-90"));
        }
        if self.properties.len() > 10 {
            return Err(invalid("properties", "at most 10"));
        }
        let mut properties = Vec::with_capacity(self.properties.len());
        for (k, v) in &self.properties {
            let value = crate::json::scalar(v)
                .filter(|v| !matches!(v, rules::Value::Null))
                .ok_or_else(|| {
                    invalid(&format!("properties.{k}"), "a string, number or boolean")
                })?;
            properties.push((k.clone(), value));
        }
        Ok(Goal {
            event: self.event.clone(),
            properties,
            within_ms: i64::from(self.within_days) * DAY_MS,
        })
    }
}

/// Surfaces on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SurfaceDto {
    /// A dialog.
    Modal,
    /// A strip.
    Banner,
    /// A small card in a corner (toast).
    Slideout,
    /// A note anchored to an element (`content.anchor`).
    Tooltip,
    /// Steps across pages (`content.steps`).
    Tour,
    /// Self-completing onboarding tasks (`content.tasks`).
    Checklist,
    /// Invite teammates: emails and suggestions (the SDK sends the invitations).
    Invite,
}

impl SurfaceDto {
    /// The `rules` surface.
    pub fn to_surface(self) -> Surface {
        match self {
            SurfaceDto::Modal => Surface::Modal,
            SurfaceDto::Banner => Surface::Banner,
            SurfaceDto::Slideout => Surface::Slideout,
            SurfaceDto::Tooltip => Surface::Tooltip,
            SurfaceDto::Tour => Surface::Tour,
            SurfaceDto::Checklist => Surface::Checklist,
            SurfaceDto::Invite => Surface::Invite,
        }
    }

    /// The wire surface of a `rules` surface.
    pub fn of(surface: Surface) -> Self {
        match surface {
            Surface::Modal => SurfaceDto::Modal,
            Surface::Banner => SurfaceDto::Banner,
            Surface::Slideout => SurfaceDto::Slideout,
            Surface::Tooltip => SurfaceDto::Tooltip,
            Surface::Tour => SurfaceDto::Tour,
            Surface::Checklist => SurfaceDto::Checklist,
            Surface::Invite => SurfaceDto::Invite,
        }
    }
}

/// Categories on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CategoryDto {
    /// Anything else.
    #[default]
    General,
    /// Getting started.
    Onboarding,
    /// Upgrades and limits.
    Upgrade,
    /// Surveys.
    Survey,
    /// News and features.
    Announcement,
    /// Invitations.
    Invite,
    /// Approvals.
    Approval,
}

impl CategoryDto {
    /// The `rules` category.
    pub fn to_category(self) -> Category {
        match self {
            CategoryDto::General => Category::General,
            CategoryDto::Onboarding => Category::Onboarding,
            CategoryDto::Upgrade => Category::Upgrade,
            CategoryDto::Survey => Category::Survey,
            CategoryDto::Announcement => Category::Announcement,
            CategoryDto::Invite => Category::Invite,
            CategoryDto::Approval => Category::Approval,
        }
    }
}

/// Recurrence on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecurrenceDto {
    /// Once per user.
    Once,
    /// Until dismissed or completed.
    UntilDismissed,
    /// Until completed; dismissing snoozes.
    UntilCompleted,
    /// Up to `max` times, `every_days` apart.
    Times(TimesDto),
    /// Every `days` days until completed.
    Every(EveryDto),
}

/// `{"max":3,"every_days":1}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TimesDto {
    /// Most shows (1-100).
    pub max: u32,
    /// Days between shows (0-365; default 1).
    #[serde(default = "one")]
    pub every_days: u32,
}

/// `{"days":7}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EveryDto {
    /// Days between shows (1-365).
    pub days: u32,
}

fn one() -> u32 {
    1
}

/// Triggers on the wire: `{"page":"/reports/*"}`, `{"event":{"name":"submit_expense"}}`,
/// `{"element":"submit-button"}` or `{"fact":{…condition…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TriggerDto {
    /// On a page whose path matches the route pattern.
    Page(String),
    /// After the user performs an event.
    Event(EventTriggerDto),
    /// When an element with this `data-cairn-anchor` value is on the page.
    Element(String),
    /// When the condition crosses from false to true.
    Fact(ConditionDto),
}

/// `{"name":"submit_expense","within_hours":24}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EventTriggerDto {
    /// The tracked event name.
    pub name: String,
    /// How long the occurrence keeps the trigger armed (1-720 hours; default 24).
    #[serde(default = "default_within")]
    pub within_hours: u32,
}

fn default_within() -> u32 {
    24
}

/// `{"max_users":3,"window_hours":24}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountCapDto {
    /// Users per window (1-10000).
    pub max_users: u32,
    /// Window length in hours (1-2160; default 24).
    #[serde(default = "default_within")]
    pub window_hours: u32,
}

/// `{"holdout_percent":10,"variants":[{"id":"short","weight":1,"content":{…}}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExperimentDto {
    /// Share of users held out (0-100).
    #[serde(default)]
    pub holdout_percent: u32,
    /// Variants; empty means one treatment with the campaign's content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<VariantDto>,
}

/// One variant: its id, weight and (optionally) its own content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct VariantDto {
    /// Variant id (as a campaign id).
    pub id: String,
    /// Relative weight (1-1000; default 1).
    #[serde(default = "one")]
    pub weight: u32,
    /// Content of this variant; absent means the campaign's content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<ContentDoc>,
}

/// Parses and validates one campaign document.
pub fn parse_campaign(text: &str) -> Result<(CampaignDoc, Campaign), Problem> {
    let doc: CampaignDoc = decode(text)?;
    let campaign = doc.to_campaign()?;
    Ok((doc, campaign))
}

pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Problem {
    Problem::new(ErrorCode::InvalidValue, field, message)
}

fn hours(field: &str, h: u32, max: u32) -> Result<i64, Problem> {
    if (1..=max).contains(&h) {
        Ok(i64::from(h) * HOUR_MS)
    } else {
        Err(invalid(field, format!("must be 1-{max}")))
    }
}

impl CampaignDoc {
    /// Validates the document and converts it into the `rules` model.
    pub fn to_campaign(&self) -> Result<Campaign, Problem> {
        let id = CampaignId::new(&self.id).map_err(|e| invalid("id", e.to_string()))?;
        let priority =
            Campaign::priority(self.priority).map_err(|e| invalid("priority", e.to_string()))?;
        self.content
            .check(self.surface)
            .map_err(|p| p.within("content"))?;
        let audience = match &self.audience {
            None => Condition::always(),
            Some(c) => c.to_condition().map_err(|p| p.within("audience"))?,
        };
        if self.delay_seconds.is_some_and(|d| d > 300) {
            return Err(invalid("delay_seconds", "must be 0-300"));
        }
        let trigger = match &self.trigger {
            None => Trigger::Always,
            Some(t) => t.to_trigger().map_err(|p| p.within("trigger"))?,
        };
        let recurrence = match self.recurrence {
            RecurrenceDto::Once => Recurrence::Once,
            RecurrenceDto::UntilDismissed => Recurrence::UntilDismissed,
            RecurrenceDto::UntilCompleted => Recurrence::UntilCompleted,
            RecurrenceDto::Times(t) => {
                if !(1..=100).contains(&t.max) {
                    return Err(invalid("recurrence.times.max", "must be 1-100"));
                }
                if t.every_days > 365 {
                    return Err(invalid("recurrence.times.every_days", "must be 0-365"));
                }
                Recurrence::Times {
                    max: t.max,
                    every_ms: i64::from(t.every_days) * DAY_MS,
                }
            }
            RecurrenceDto::Every(e) => Recurrence::Every {
                every_ms: hours("recurrence.every.days", e.days, 365)? * 24,
            },
        };
        let snooze_ms = match self.snooze_hours {
            None => DEFAULT_SNOOZE_MS,
            Some(h) => hours("snooze_hours", h, 720)?,
        };
        let account_cap = match self.account_cap {
            None => None,
            Some(a) if !(1..=10_000).contains(&a.max_users) => {
                return Err(invalid("account_cap.max_users", "must be 1-10000"));
            }
            Some(a) => Some(AccountCap {
                max_users: a.max_users,
                window_ms: hours("account_cap.window_hours", a.window_hours, 2160)?,
            }),
        };
        let experiment = match &self.experiment {
            None => None,
            Some(e) => Some(
                e.to_experiment(self.surface)
                    .map_err(|p| p.within("experiment"))?,
            ),
        };
        Ok(Campaign {
            id,
            surface: self.surface.to_surface(),
            category: self.category.to_category(),
            priority,
            audience,
            trigger,
            recurrence,
            snooze_ms,
            account_cap,
            experiment,
            tasks: self.content.tasks.iter().map(|t| t.event.clone()).collect(),
            starts_at: self.starts_at.map(Timestamp),
            ends_at: self.ends_at.map(Timestamp),
            goal: match &self.goal {
                None => None,
                Some(g) => Some(g.to_goal().map_err(|p| p.within("goal"))?),
            },
            ask: self.ask.map(AskDto::to_ask),
        })
    }

    /// The content of `variant` (the campaign's own content when the variant has none).
    pub fn content_for(&self, variant: Option<&str>) -> &ContentDoc {
        self.experiment
            .iter()
            .flat_map(|e| &e.variants)
            .find(|v| Some(v.id.as_str()) == variant)
            .and_then(|v| v.content.as_ref())
            .unwrap_or(&self.content)
    }
}

impl TriggerDto {
    fn to_trigger(&self) -> Result<Trigger, Problem> {
        Ok(match self {
            TriggerDto::Page(p) => {
                Trigger::Page(RoutePattern::new(p).map_err(|e| invalid("page", e.to_string()))?)
            }
            TriggerDto::Event(e) => {
                if e.name.trim().is_empty() || e.name.len() > 200 {
                    return Err(invalid("event.name", "must be 1-200 characters"));
                }
                Trigger::Event {
                    name: e.name.clone(),
                    within_ms: hours("event.within_hours", e.within_hours, 720)?,
                }
            }
            TriggerDto::Element(anchor) => {
                let ok = !anchor.is_empty()
                    && anchor.len() <= 100
                    && anchor
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
                if !ok {
                    return Err(invalid(
                        "element",
                        "a data-cairn-anchor value: 1-100 characters from A-Z a-z 0-9 _ - .",
                    ));
                }
                Trigger::Element(anchor.clone())
            }
            TriggerDto::Fact(c) => Trigger::Fact(c.to_condition().map_err(|p| p.within("fact"))?),
        })
    }
}

impl ExperimentDto {
    fn to_experiment(&self, surface: SurfaceDto) -> Result<Experiment, Problem> {
        let mut variants = Vec::with_capacity(self.variants.len());
        for (i, v) in self.variants.iter().enumerate() {
            let at = format!("variants[{i}]");
            CampaignId::new(&v.id).map_err(|e| invalid("id", e.to_string()).within(&at))?;
            if variants.iter().any(|(id, _)| *id == v.id) {
                return Err(invalid("id", "variant ids must be unique").within(&at));
            }
            if let Some(c) = &v.content {
                c.check(surface)
                    .map_err(|p| p.within("content").within(&at))?;
            }
            variants.push((v.id.clone(), v.weight));
        }
        Experiment::new(self.holdout_percent, variants).map_err(|e| {
            let field = if self.holdout_percent > 100 {
                "holdout_percent"
            } else {
                "variants"
            };
            invalid(field, e.to_string())
        })
    }
}
