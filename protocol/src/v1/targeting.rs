//! The targeting language on the wire: conditions and operands, validated into `rules` types.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, Problem};
use crate::json::scalar;
use crate::v1::campaign::invalid;
use rules::{
    CmpOp, Condition, Operand, PropertyFilter, RoutePattern, Scope, TREND_BASELINE_DAYS, Value,
    Window,
};

/// The targeting language on the wire: `{"all":[…]}`, `{"gt":[left,right]}`, …
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ConditionDto {
    /// Every child holds.
    All(Vec<ConditionDto>),
    /// Some child holds.
    Any(Vec<ConditionDto>),
    /// The child does not hold.
    Not(Box<ConditionDto>),
    /// `{"page":"/expenses/:id"}`: the current page's path matches the route pattern.
    Page(String),
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// `{"event_count":{"name":"submit_expense","scope":"user","window":{"last_days":30},
    /// "where":[{"property":"amount","op":"gte","value":1000}]}}`: matching events in a window.
    EventCount(EventCountDto),
    /// `{"days_since_first":{"name":"create_expense","scope":"user"}}`: null if never.
    DaysSinceFirst(EventRefDto),
    /// `{"days_since_last":{"name":"create_expense","scope":"user"}}`: null if never.
    DaysSinceLast(EventRefDto),
    /// `{"adoption_breadth":{"scope":"account","days":28}}`: % of the key features used.
    AdoptionBreadth(ActivityDto),
    /// `{"survey_score":{"campaign":"nps"}}`: the user's latest answer (0-10); null if none.
    SurveyScore(SurveyRefDto),
    /// `{"nps":{"campaign":"nps","days":365}}`: the account's Net Promoter Score (-100..100).
    Nps(NpsDto),
}

/// A survey campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyRefDto {
    /// The survey campaign's id.
    pub campaign: String,
}

/// A survey campaign and the window of answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NpsDto {
    /// The survey campaign's id.
    pub campaign: String,
    /// Window in days (default 365).
    #[serde(default = "year")]
    pub days: u32,
}

fn year() -> u32 {
    365
}

/// Events of a name, filtered by properties, counted in a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EventCountDto {
    /// The tracked event name.
    pub name: String,
    /// `user` or `account` (default).
    #[serde(default = "account_scope")]
    pub scope: ScopeDto,
    /// `today`, `month`, `all_time` or `{"last_days":N}` (default: the last 90 days).
    #[serde(default = "default_event_window")]
    pub window: WindowDto,
    /// Property filters, all of which must hold.
    #[serde(default, rename = "where", skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<PropertyFilterDto>,
}

fn default_event_window() -> WindowDto {
    WindowDto::LastDays(90)
}

/// `{"property":"amount","op":"gte","value":1000}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PropertyFilterDto {
    /// The property name.
    pub property: String,
    /// `eq`, `ne`, `gt`, `gte`, `lt` or `lte`.
    pub op: OpDto,
    /// A string, number, boolean or null.
    pub value: serde_json::Value,
}

/// A comparison operator on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OpDto {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
}

/// An event name and whose occurrences count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EventRefDto {
    /// The tracked event name.
    pub name: String,
    /// `user` or `account` (default).
    #[serde(default = "account_scope")]
    pub scope: ScopeDto,
}

/// Account facts defined by workspace settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// Whole days until the account trait `renewal_date` (negative once past).
    RenewalInDays,
    /// Whether the contribution since `customer_since` repaid the acquisition cost (traits
    /// `arr`, `gross_margin`, `cac`).
    BreakEvenReached,
    /// The renewal review's call: `risk`, `upside` or `steady`.
    ChurnRisk,
    /// The user's advocacy stage: `none`, `discover` (a promoter or power user),
    /// `nurture` (given value first) or `mobilize` (asked).
    AdvocacyStage,
    /// Whether the user is a champion: active on 8 of the last 30 days, using half the key
    /// features, a user for 60 days; or listed in the account trait `cs_champions`.
    IsChampion,
    /// Empty cells of the account's 3×3 coverage grid (seniority by department), 0-9.
    CoverageGaps,
    /// The biggest ask the user accepted (`review`, `reference`, `case_study`, `speaking`),
    /// or null: for the thank-you step.
    AcceptedAsk,
}

/// A scope and a window of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DaysDto {
    /// Window length in days.
    pub days: u32,
}

/// A metered feature and the account trait holding its monthly limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LimitDto {
    /// The tracked event name.
    pub feature: String,
    /// The account trait with the limit.
    pub limit_trait: String,
}

/// The account trait holding licensed seats, and the activity window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ScopeDto {
    /// This user.
    User,
    /// The whole account.
    Account,
}

/// Usage window on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
            ConditionDto::Page(p) => Ok(Condition::Page(
                RoutePattern::new(p).map_err(|e| invalid("page", e.to_string()))?,
            )),
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
            OperandDto::Value(v) => Operand::Literal(literal("value", v)?),
            OperandDto::EventCount(e) => Operand::EventCount {
                name: e.name.clone(),
                scope: scope(e.scope),
                window: window("event_count.window", e.window)?,
                filters: e
                    .filters
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        Ok(PropertyFilter {
                            property: f.property.clone(),
                            op: op(f.op),
                            value: literal("value", &f.value)
                                .map_err(|p| p.within(&format!("event_count.where[{i}]")))?,
                        })
                    })
                    .collect::<Result<_, Problem>>()?,
            },
            OperandDto::DaysSinceFirst(e) | OperandDto::DaysSinceLast(e) => Operand::DaysSince {
                name: e.name.clone(),
                scope: scope(e.scope),
                first: matches!(self, OperandDto::DaysSinceFirst(_)),
            },
            OperandDto::SurveyScore(r) => Operand::SurveyScore {
                campaign: r.campaign.clone(),
            },
            OperandDto::Nps(n) => Operand::Nps {
                campaign: n.campaign.clone(),
                days: days_in("nps.days", n.days, 366)?,
            },
            OperandDto::AdoptionBreadth(a) => Operand::AdoptionBreadth {
                scope: scope(a.scope),
                days: days_in("adoption_breadth.days", a.days, 366)?,
            },
            OperandDto::UserTrait(k) => Operand::UserTrait(k.clone()),
            OperandDto::AccountTrait(k) => Operand::AccountTrait(k.clone()),
            OperandDto::Computed(c) => match c {
                ComputedDto::ValueTier => Operand::ValueTier,
                ComputedDto::LifecycleStage => Operand::LifecycleStage,
                ComputedDto::HealthScore => Operand::HealthScore,
                ComputedDto::Health => Operand::Health,
                ComputedDto::RenewalInDays => Operand::RenewalInDays,
                ComputedDto::BreakEvenReached => Operand::BreakEvenReached,
                ComputedDto::ChurnRisk => Operand::ChurnRisk,
                ComputedDto::AdvocacyStage => Operand::AdvocacyStage,
                ComputedDto::IsChampion => Operand::IsChampion,
                ComputedDto::CoverageGaps => Operand::CoverageGaps,
                ComputedDto::AcceptedAsk => Operand::AcceptedAsk,
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
                window: window("usage.window", u.window)?,
            },
        })
    }
}

fn window(field: &str, w: WindowDto) -> Result<Window, Problem> {
    Ok(match w {
        WindowDto::Today => Window::Today,
        WindowDto::Month => Window::Month,
        WindowDto::AllTime => Window::AllTime,
        WindowDto::LastDays(n) => Window::last_days(n)
            .map_err(|e| invalid(&format!("{field}.last_days"), e.to_string()))?,
    })
}

fn op(o: OpDto) -> CmpOp {
    match o {
        OpDto::Eq => CmpOp::Eq,
        OpDto::Ne => CmpOp::Ne,
        OpDto::Gt => CmpOp::Gt,
        OpDto::Gte => CmpOp::Gte,
        OpDto::Lt => CmpOp::Lt,
        OpDto::Lte => CmpOp::Lte,
    }
}

fn literal(field: &str, v: &serde_json::Value) -> Result<Value, Problem> {
    scalar(v).ok_or_else(|| {
        Problem::new(
            ErrorCode::InvalidType,
            field,
            "a string, number, boolean or null",
        )
    })
}
