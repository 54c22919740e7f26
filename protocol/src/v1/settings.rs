//! Workspace settings: the frequency budget and the account model (value tiers, lifecycle
//! stages, health scorecard), validated strictly and converted into `rules` types.

use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::json::decode;
use crate::v1::campaign::{CategoryDto, invalid};
use crate::v1::targeting::{ConditionDto, OperandDto};
use rules::{AccountModel, Budget, Cap, Component, Condition, Health, Period, Stage, Tiers};

/// Per-workspace settings (strict: unknown fields are errors).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WorkspaceSettings {
    /// The frequency budget shared by every surface.
    #[serde(default)]
    pub budget: Option<BudgetDto>,
    /// The value pyramid.
    #[serde(default)]
    pub value_tiers: Option<TiersDto>,
    /// Lifecycle stages, first to last (default: [`DEFAULT_LIFECYCLE`]).
    #[serde(default)]
    pub lifecycle: Option<Vec<StageDto>>,
    /// The health scorecard.
    #[serde(default)]
    pub health: Option<HealthDto>,
    /// The features whose adoption breadth is measured (tracked event names, at most 100).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_features: Vec<String>,
    /// Invitations and approvals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collab: Option<CollabDto>,
    /// The reasons an account may be marked churned or contracted with (default:
    /// `DEFAULT_CHURN_REASONS`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub churn_reasons: Vec<String>,
    /// How each value tier is served (default: `rules::default_touch_plan`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub touch_plans: Vec<super::touch::TouchPlanDto>,
}

/// `{"accept_url":"https://app.example/join?token={token}","approver_roles":["cfo"],…}`;
/// every field has a default.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CollabDto {
    /// The vendor's page that accepts an invitation; `{token}` is replaced by the token
    /// (default: `/accept?token={token}` on the edge's origin, where the demo app answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_url: Option<String>,
    /// Days an invitation stays valid (1-30, default 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_days: Option<u32>,
    /// Invitations per inviter per 10 minutes (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_inviter: Option<u32>,
    /// Invitations per account per day (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_account: Option<u32>,
    /// Invitations per address per day (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_recipient: Option<u32>,
    /// The user trait that holds a user's role (default `role`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_trait: Option<String>,
    /// The roles that approve (default `approver`, `admin`, `cfo`, `finance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver_roles: Option<Vec<String>>,
    /// Hours before the approver is reminded (1-168, default 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remind_after_hours: Option<u32>,
    /// Hours before an undecided approval and its one-click links expire (1-720, default 24).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_hours: Option<u32>,
}

impl CollabDto {
    /// The settings with defaults filled in; `endpoint` is the edge's public origin.
    pub fn resolve(&self, endpoint: &str) -> crate::v1::CollabSettings {
        crate::v1::CollabSettings {
            accept_url: self
                .accept_url
                .clone()
                .unwrap_or_else(|| format!("{endpoint}/accept?token={{token}}")),
            endpoint: endpoint.to_owned(),
            invite_days: self.invite_days.unwrap_or(7).clamp(1, 30),
            per_inviter: self.per_inviter.unwrap_or(30),
            per_account: self.per_account.unwrap_or(100),
            per_recipient: self.per_recipient.unwrap_or(5),
            role_trait: self.role_trait.clone().unwrap_or_else(|| "role".to_owned()),
            approver_roles: self.approver_roles.clone().unwrap_or_else(|| {
                ["approver", "admin", "cfo", "finance"]
                    .map(str::to_owned)
                    .to_vec()
            }),
            remind_after_hours: self.remind_after_hours.unwrap_or(4).clamp(1, 168),
            approval_hours: self.approval_hours.unwrap_or(24).clamp(1, 720),
        }
    }
}

/// `{"max_campaigns":3,"window_hours":24,"interruptive_per_session":1,"caps":[…]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetDto {
    /// Distinct campaigns per window, over every surface (default 3).
    #[serde(default = "three")]
    pub max_campaigns: u32,
    /// Window length in hours (default 24).
    #[serde(default = "twenty_four")]
    pub window_hours: u32,
    /// Interruptive messages (modals) per session (default 1).
    #[serde(default = "one")]
    pub interruptive_per_session: u32,
    /// Further caps, e.g. per category.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caps: Vec<CapDto>,
}

/// `{"category":"upgrade","max":1,"window_hours":168}`; without `window_hours`, per session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CapDto {
    /// Campaigns per period.
    pub max: u32,
    /// Rolling window in hours (1-2160); absent: per session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_hours: Option<u32>,
    /// Only this category counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryDto>,
    /// Only interruptive surfaces count.
    #[serde(default)]
    pub interruptive_only: bool,
}

fn one() -> u32 {
    1
}

fn three() -> u32 {
    3
}

fn twenty_four() -> u32 {
    24
}

fn window(field: &str, hours: u32) -> Result<Period, Problem> {
    if (1..=24 * 90).contains(&hours) {
        Ok(Period::Window(i64::from(hours) * 3_600_000))
    } else {
        Err(invalid(field, "must be 1-2160"))
    }
}

fn budget_of(b: &BudgetDto) -> Result<Budget, Problem> {
    let mut caps = vec![
        Cap {
            max: b.interruptive_per_session,
            period: Period::Session,
            category: None,
            interruptive_only: true,
        },
        Cap {
            max: b.max_campaigns,
            period: window("window_hours", b.window_hours)?,
            category: None,
            interruptive_only: false,
        },
    ];
    for (i, c) in b.caps.iter().enumerate() {
        let at = format!("caps[{i}]");
        caps.push(Cap {
            max: c.max,
            period: match c.window_hours {
                None => Period::Session,
                Some(h) => window("window_hours", h).map_err(|p| p.within(&at))?,
            },
            category: c.category.map(CategoryDto::to_category),
            interruptive_only: c.interruptive_only,
        });
    }
    Ok(Budget { caps })
}

/// `{"value":{"account_trait":"arr"},"high":50000,"medium":10000}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TiersDto {
    /// What ranks accounts.
    pub value: OperandDto,
    /// Threshold of `high`.
    pub high: f64,
    /// Threshold of `medium`.
    pub medium: f64,
}

/// `{"stage":"adopting","when":{…}}`; the first stage has no `when`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageDto {
    /// Stage name.
    pub stage: String,
    /// Condition to be in this stage or a later one.
    #[serde(default)]
    pub when: Option<ConditionDto>,
}

/// `{"components":[…],"green_at":70,"yellow_at":40}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HealthDto {
    /// Weighted components.
    pub components: Vec<ComponentDto>,
    /// Score at or above: green.
    pub green_at: f64,
    /// Score at or above: yellow.
    pub yellow_at: f64,
}

/// `{"name":"usage trend","weight":3,"value":{…},"red_at":-50,"green_at":0}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ComponentDto {
    /// Shown in explanations.
    pub name: String,
    /// Relative weight (> 0).
    pub weight: f64,
    /// The measured value.
    pub value: OperandDto,
    /// Value scoring 0.
    pub red_at: f64,
    /// Value scoring 100.
    pub green_at: f64,
}

/// The lifecycle used when settings define none: Onboarding → Actively Using → Adopting →
/// Expanding → Transformational.
pub const DEFAULT_LIFECYCLE: &str = r#"[
  {"stage": "onboarding"},
  {"stage": "actively_using", "when": {"gte": [{"active_days": {"scope": "account", "days": 28}}, {"value": 4}]}},
  {"stage": "adopting", "when": {"all": [
    {"gte": [{"active_days": {"scope": "account", "days": 28}}, {"value": 12}]},
    {"gte": [{"active_users": {"days": 28}}, {"value": 2}]}]}},
  {"stage": "expanding", "when": {"gte": [{"seat_utilisation": {"seats_trait": "seats", "days": 28}}, {"value": 80}]}},
  {"stage": "transformational", "when": {"all": [
    {"gte": [{"seat_utilisation": {"seats_trait": "seats", "days": 28}}, {"value": 95}]},
    {"gte": [{"engagement_trend": {"scope": "account", "days": 28}}, {"value": 10}]}]}}
]"#;

/// Parses workspace settings into the budget and the account model they define.
/// (JSON numbers are never NaN, so plain comparisons validate the thresholds.)
pub fn parse_settings(text: &str) -> Result<(WorkspaceSettings, Budget, AccountModel), Problem> {
    let s: WorkspaceSettings = decode(text)?;
    let budget = match &s.budget {
        None => Budget::default(),
        Some(b) => budget_of(b).map_err(|p| p.within("budget"))?,
    };
    if s.key_features.len() > 100
        || s.key_features
            .iter()
            .any(|k| k.trim().is_empty() || k.len() > 200)
    {
        return Err(invalid(
            "key_features",
            "at most 100 event names of 1-200 characters",
        ));
    }
    super::churn::check_reasons(&s.churn_reasons)?;
    let tiers = match &s.value_tiers {
        None => None,
        Some(t) if t.high <= t.medium => {
            return Err(invalid("value_tiers.high", "must be above `medium`"));
        }
        Some(t) => Some(Tiers {
            value: t
                .value
                .to_operand()
                .map_err(|p| p.within("value_tiers.value"))?,
            high: t.high,
            medium: t.medium,
        }),
    };
    let lifecycle = match &s.lifecycle {
        Some(stages) => stages_of(stages).map_err(|p| p.within("lifecycle"))?,
        None => {
            let stages: Vec<StageDto> = decode(DEFAULT_LIFECYCLE)?;
            stages_of(&stages)?
        }
    };
    let health = match &s.health {
        None => None,
        Some(h) => Some(health_of(h).map_err(|p| p.within("health"))?),
    };
    Ok((
        s.clone(),
        budget,
        AccountModel {
            tiers,
            lifecycle,
            health,
            key_features: s.key_features.clone(),
        },
    ))
}

fn stages_of(stages: &[StageDto]) -> Result<Vec<Stage>, Problem> {
    if stages.is_empty() {
        return Err(invalid("", "needs at least one stage"));
    }
    let mut out: Vec<Stage> = Vec::with_capacity(stages.len());
    for (i, s) in stages.iter().enumerate() {
        let at = format!("[{i}]");
        if s.stage.trim().is_empty() || s.stage.len() > 64 || out.iter().any(|o| o.name == s.stage)
        {
            return Err(invalid("stage", "a unique name of 1-64 characters").within(&at));
        }
        let when = match (&s.when, i) {
            (None, 0) => Condition::always(),
            (None, _) => {
                return Err(Problem::new(
                    crate::ErrorCode::MissingField,
                    "when",
                    "every stage after the first needs a condition",
                )
                .within(&at));
            }
            (Some(c), _) => c.to_condition().map_err(|p| p.within("when").within(&at))?,
        };
        out.push(Stage {
            name: s.stage.clone(),
            when,
        });
    }
    Ok(out)
}

fn health_of(h: &HealthDto) -> Result<Health, Problem> {
    if h.components.is_empty() {
        return Err(invalid("components", "needs at least one component"));
    }
    if h.green_at <= h.yellow_at {
        return Err(invalid("green_at", "must be above `yellow_at`"));
    }
    let components = h
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let at = format!("components[{i}]");
            if c.weight <= 0.0 {
                return Err(invalid("weight", "must be positive").within(&at));
            }
            if c.red_at == c.green_at {
                return Err(invalid("green_at", "must differ from `red_at`").within(&at));
            }
            Ok(Component {
                name: c.name.clone(),
                weight: c.weight,
                value: c
                    .value
                    .to_operand()
                    .map_err(|p| p.within("value").within(&at))?,
                red_at: c.red_at,
                green_at: c.green_at,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Health {
        components,
        green_at: h.green_at,
        yellow_at: h.yellow_at,
    })
}
