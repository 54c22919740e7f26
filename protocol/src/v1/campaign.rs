//! Campaign definitions: JSON documents validated at save time, converted into `rules::Campaign`.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, Problem};
use crate::json::decode;
use rules::{
    Campaign, CampaignId, CmpOp, Condition, Operand, Recurrence, Scope, Surface,
    TREND_BASELINE_DAYS, Timestamp, Value, Window,
};

/// A campaign as authored (strict: unknown fields are errors).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignDoc {
    /// Unique id in the workspace.
    pub id: String,
    /// `modal` or `banner`.
    pub surface: SurfaceDto,
    /// 0-1000; higher wins.
    #[serde(default)]
    pub priority: u32,
    /// `once` or `until_dismissed`.
    pub recurrence: RecurrenceDto,
    /// Who qualifies; absent means everyone.
    #[serde(default)]
    pub audience: Option<ConditionDto>,
    /// What the message says.
    pub content: Content,
    /// Not shown before (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<i64>,
    /// Not shown from (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<i64>,
}

/// Surfaces on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurfaceDto {
    /// A dialog.
    Modal,
    /// A strip.
    Banner,
}

/// Recurrence on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecurrenceDto {
    /// Once per user.
    Once,
    /// Until dismissed or clicked.
    UntilDismissed,
}

/// The text of a message. Rendered as text only, never as HTML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Content {
    /// Heading.
    pub title: String,
    /// Body text.
    pub body: String,
    /// Optional call to action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cta: Option<Cta>,
    /// Label of the dismiss button (default "Dismiss").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismiss_label: Option<String>,
}

/// A call to action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cta {
    /// Button label.
    pub label: String,
    /// Where it leads: an `https:`/`http:` URL, a path starting with `/`, or a `#fragment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The targeting language on the wire: `{"all":[…]}`, `{"gt":[left,right]}`, …
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ConditionDto {
    /// Every child holds.
    All(Vec<ConditionDto>),
    /// Some child holds.
    Any(Vec<ConditionDto>),
    /// The child does not hold.
    Not(Box<ConditionDto>),
    /// Equal.
    Eq(OperandDto, OperandDto),
    /// Not equal.
    Ne(OperandDto, OperandDto),
    /// Greater than.
    Gt(OperandDto, OperandDto),
    /// Greater than or equal.
    Gte(OperandDto, OperandDto),
    /// Less than.
    Lt(OperandDto, OperandDto),
    /// Less than or equal.
    Lte(OperandDto, OperandDto),
}

/// An operand: `{"value":5}`, `{"user_trait":"role"}`, `{"account_trait":"plan"}`, `{"usage":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum OperandDto {
    /// A literal string, number, boolean or null.
    Value(serde_json::Value),
    /// A user trait.
    UserTrait(String),
    /// An account trait.
    AccountTrait(String),
    /// Feature usage in a window.
    Usage(UsageDto),
    /// `{"active_days":{"scope":"user","days":7}}`: days with any activity in the window.
    ActiveDays(ActivityDto),
    /// `{"active_users":{"days":28}}`: distinct active users of the account in the window.
    ActiveUsers(DaysDto),
    /// `{"engagement_trend":{"scope":"account","days":7}}`: signed % against the 90-day baseline.
    EngagementTrend(ActivityDto),
    /// `{"limit_usage":{"feature":"create_expense","limit_trait":"plan_expense_limit"}}`: % used this month.
    LimitUsage(LimitDto),
    /// `{"seat_utilisation":{"seats_trait":"seats","days":28}}`: active users as % of seats.
    SeatUtilisation(SeatsDto),
    /// `{"computed":"health"}`: an account fact defined by the workspace's settings.
    Computed(ComputedDto),
}

/// Account facts defined by workspace settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComputedDto {
    /// `high`, `medium` or `low`.
    ValueTier,
    /// A lifecycle stage name.
    LifecycleStage,
    /// 0-100.
    HealthScore,
    /// `green`, `yellow` or `red`.
    Health,
}

/// A scope and a window of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityDto {
    /// `user` or `account` (default).
    #[serde(default = "account_scope")]
    pub scope: ScopeDto,
    /// Window length in days.
    pub days: u32,
}

/// A window of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaysDto {
    /// Window length in days.
    pub days: u32,
}

/// A metered feature and the account trait holding its monthly limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitDto {
    /// The tracked event name.
    pub feature: String,
    /// The account trait with the limit.
    pub limit_trait: String,
}

/// The account trait holding licensed seats, and the activity window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeatsDto {
    /// The account trait with the seat count.
    pub seats_trait: String,
    /// Window length in days (default 28).
    #[serde(default = "default_seat_days")]
    pub days: u32,
}

fn default_seat_days() -> u32 {
    28
}

/// Checks a window length against its maximum.
fn days_in(field: &str, days: u32, max: u32) -> Result<u32, Problem> {
    if (1..=max).contains(&days) {
        Ok(days)
    } else {
        Err(invalid(field, format!("must be 1-{max}")))
    }
}

fn scope(s: ScopeDto) -> Scope {
    match s {
        ScopeDto::User => Scope::User,
        ScopeDto::Account => Scope::Account,
    }
}

/// `{"feature":"create_expense","scope":"account","window":"month"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageDto {
    /// The tracked event name.
    pub feature: String,
    /// `user` or `account` (default).
    #[serde(default = "account_scope")]
    pub scope: ScopeDto,
    /// `today`, `month`, `all_time` or `{"last_days":N}`.
    pub window: WindowDto,
}

fn account_scope() -> ScopeDto {
    ScopeDto::Account
}

/// Usage scope on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeDto {
    /// This user.
    User,
    /// The whole account.
    Account,
}

/// Usage window on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowDto {
    /// Today (UTC).
    Today,
    /// This calendar month (UTC).
    Month,
    /// All retained history.
    AllTime,
    /// The last N days including today.
    LastDays(u32),
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

impl CampaignDoc {
    /// Validates the document and converts it into the `rules` model.
    pub fn to_campaign(&self) -> Result<Campaign, Problem> {
        let id = CampaignId::new(&self.id).map_err(|e| invalid("id", e.to_string()))?;
        let priority =
            Campaign::priority(self.priority).map_err(|e| invalid("priority", e.to_string()))?;
        self.content.check().map_err(|p| p.within("content"))?;
        let audience = match &self.audience {
            None => Condition::always(),
            Some(c) => c.to_condition().map_err(|p| p.within("audience"))?,
        };
        Ok(Campaign {
            id,
            surface: match self.surface {
                SurfaceDto::Modal => Surface::Modal,
                SurfaceDto::Banner => Surface::Banner,
            },
            priority,
            audience,
            recurrence: match self.recurrence {
                RecurrenceDto::Once => Recurrence::Once,
                RecurrenceDto::UntilDismissed => Recurrence::UntilDismissed,
            },
            starts_at: self.starts_at.map(Timestamp),
            ends_at: self.ends_at.map(Timestamp),
        })
    }
}

impl Content {
    fn check(&self) -> Result<(), Problem> {
        let text = |field: &str, s: &str, max: usize| {
            if s.trim().is_empty() || s.chars().count() > max {
                Err(invalid(field, format!("must be 1-{max} characters")))
            } else {
                Ok(())
            }
        };
        text("title", &self.title, 200)?;
        text("body", &self.body, 2000)?;
        if let Some(label) = &self.dismiss_label {
            text("dismiss_label", label, 60)?;
        }
        if let Some(cta) = &self.cta {
            text("cta.label", &cta.label, 60)?;
            if let Some(url) = &cta.url {
                let safe = url.starts_with("https://")
                    || url.starts_with("http://")
                    || url.starts_with('#')
                    || (url.starts_with('/') && !url.starts_with("//"));
                if !safe || url.len() > 2000 {
                    return Err(invalid(
                        "cta.url",
                        "must be an http(s) URL, a path starting with / or a #fragment",
                    ));
                }
            }
        }
        Ok(())
    }
}

impl ConditionDto {
    pub(crate) fn to_condition(&self) -> Result<Condition, Problem> {
        let list = |key: &str, children: &[ConditionDto]| {
            children
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    c.to_condition()
                        .map_err(|p| p.within(&format!("{key}[{i}]")))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let cmp =
            |key: &str, op: CmpOp, l: &OperandDto, r: &OperandDto| -> Result<Condition, Problem> {
                Ok(Condition::Compare {
                    left: l.to_operand().map_err(|p| p.within(&format!("{key}[0]")))?,
                    op,
                    right: r.to_operand().map_err(|p| p.within(&format!("{key}[1]")))?,
                })
            };
        match self {
            ConditionDto::All(c) => Ok(Condition::All(list("all", c)?)),
            ConditionDto::Any(c) => Ok(Condition::Any(list("any", c)?)),
            ConditionDto::Not(c) => Ok(Condition::Not(Box::new(
                c.to_condition().map_err(|p| p.within("not"))?,
            ))),
            ConditionDto::Eq(l, r) => cmp("eq", CmpOp::Eq, l, r),
            ConditionDto::Ne(l, r) => cmp("ne", CmpOp::Ne, l, r),
            ConditionDto::Gt(l, r) => cmp("gt", CmpOp::Gt, l, r),
            ConditionDto::Gte(l, r) => cmp("gte", CmpOp::Gte, l, r),
            ConditionDto::Lt(l, r) => cmp("lt", CmpOp::Lt, l, r),
            ConditionDto::Lte(l, r) => cmp("lte", CmpOp::Lte, l, r),
        }
    }
}

impl OperandDto {
    pub(crate) fn to_operand(&self) -> Result<Operand, Problem> {
        Ok(match self {
            OperandDto::Value(v) => Operand::Literal(match v {
                serde_json::Value::Null => Value::Null,
                serde_json::Value::Bool(b) => Value::Bool(*b),
                serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
                serde_json::Value::String(s) => Value::Text(s.clone()),
                _ => {
                    return Err(Problem::new(
                        ErrorCode::InvalidType,
                        "value",
                        "a string, number, boolean or null",
                    ));
                }
            }),
            OperandDto::UserTrait(k) => Operand::UserTrait(k.clone()),
            OperandDto::AccountTrait(k) => Operand::AccountTrait(k.clone()),
            OperandDto::Computed(c) => match c {
                ComputedDto::ValueTier => Operand::ValueTier,
                ComputedDto::LifecycleStage => Operand::LifecycleStage,
                ComputedDto::HealthScore => Operand::HealthScore,
                ComputedDto::Health => Operand::Health,
            },
            OperandDto::ActiveDays(a) => Operand::ActiveDays {
                scope: scope(a.scope),
                days: days_in("active_days.days", a.days, 366)?,
            },
            OperandDto::ActiveUsers(d) => Operand::ActiveUsers {
                days: days_in("active_users.days", d.days, 366)?,
            },
            OperandDto::EngagementTrend(a) => Operand::EngagementTrend {
                scope: scope(a.scope),
                days: days_in("engagement_trend.days", a.days, TREND_BASELINE_DAYS)?,
            },
            OperandDto::LimitUsage(l) => Operand::LimitUsage {
                feature: l.feature.clone(),
                limit_trait: l.limit_trait.clone(),
            },
            OperandDto::SeatUtilisation(s) => Operand::SeatUtilisation {
                seats_trait: s.seats_trait.clone(),
                days: days_in("seat_utilisation.days", s.days, 366)?,
            },
            OperandDto::Usage(u) => Operand::Usage {
                feature: u.feature.clone(),
                scope: scope(u.scope),
                window: match u.window {
                    WindowDto::Today => Window::Today,
                    WindowDto::Month => Window::Month,
                    WindowDto::AllTime => Window::AllTime,
                    WindowDto::LastDays(n) => Window::last_days(n)
                        .map_err(|e| invalid("usage.window.last_days", e.to_string()))?,
                },
            },
        })
    }
}
