//! The admin API's account documents: traits a customer-success manager sets (secret key),
//! and the account summary (value tier, lifecycle stage, health with its contributions).

use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::json::decode;
use crate::v1::batch::DroppedTotals;
use crate::v1::event::{JsonMap, traits};
use rules::{Colour, Ctx, Traits, Value, health, lifecycle_stage, value_tier};

/// The body of `POST /v1/admin/accounts/{id}/forget`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgetRequest {
    /// The user whose data the account deletes.
    pub user_id: String,
}

impl ForgetRequest {
    /// Decodes and checks a request body.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        let req: Self = decode(text)?;
        crate::v1::check_id("user_id", &req.user_id)?;
        Ok(req)
    }
}

/// The answer of `POST /v1/admin/accounts/{id}/forget`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForgetAnswer {
    /// The account.
    pub account_id: String,
    /// The user forgotten.
    pub user_id: String,
    /// How many of the user's events were deleted.
    pub events_deleted: u64,
}

/// Parses `PUT /v1/admin/accounts/{id}/traits`: a flat JSON object of traits (any keys,
/// including the reserved `cs_` ones).
pub fn parse_admin_traits(body: &str) -> Result<(JsonMap, Traits), Problem> {
    let map: JsonMap = decode(body)?;
    let traits = admin_traits(&map)?;
    Ok((map, traits))
}

/// Converts admin traits (a flat JSON object) into `rules` values.
pub fn admin_traits(map: &JsonMap) -> Result<Traits, Problem> {
    if map.is_empty() || map.len() > 100 {
        return Err(crate::v1::campaign::invalid("", "1-100 traits"));
    }
    // The body is the traits object itself: name the key, not `traits.key`.
    traits(Some(map)).map_err(|mut p| {
        if let Some(key) = p.field.strip_prefix("traits.") {
            p.field = key.to_owned();
        }
        p
    })
}

/// Checks a CSM's override of the renewal review's call among admin `traits`: `cs_call` is
/// one of `risk`, `upside`, `steady` (or null to go back to the computed call), and needs a
/// `cs_call_reason`.
pub fn check_call_override(traits: &Traits) -> Result<(), Problem> {
    match traits.get("cs_call") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Text(c)) if rules::CALLS.contains(&c.as_str()) => {
            match traits.get("cs_call_reason") {
                Some(Value::Text(r)) if !r.trim().is_empty() => Ok(()),
                _ => Err(Problem::new(
                    crate::ErrorCode::MissingField,
                    "cs_call_reason",
                    "overriding the call needs a reason",
                )),
            }
        }
        Some(_) => Err(crate::v1::campaign::invalid(
            "cs_call",
            "risk, upside or steady (null: the computed call)",
        )),
    }
}

/// The event-log record of traits set through the admin API (type `admin_traits`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminTraitsEvent {
    /// Unique within the account.
    pub id: String,
    /// Always `admin_traits`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When they were set (ms since the epoch).
    pub timestamp: i64,
    /// The traits as sent.
    pub traits: JsonMap,
}

impl AdminTraitsEvent {
    /// The record of `traits` set at `at`. The id hashes both, so a retried request is
    /// recorded once.
    pub fn new(traits: &JsonMap, at: i64) -> Self {
        let text = crate::v1::account::to_json(traits);
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        Self {
            id: format!("admin-traits:{at}:{hash:016x}"),
            kind: "admin_traits".to_owned(),
            timestamp: at,
            traits: traits.clone(),
        }
    }
}

/// One health component's part in the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContributionDto {
    /// Component name.
    pub name: String,
    /// Its measured value (null when unknown: left out of the score).
    pub value: serde_json::Value,
    /// Its score, 0-100.
    pub score: Option<f64>,
    /// Its weight.
    pub weight: f64,
}

/// The account's health.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthReportDto {
    /// Weighted score 0-100 (null without known components).
    pub score: Option<f64>,
    /// `green`, `yellow` or `red`.
    pub colour: Option<String>,
    /// Every component.
    pub components: Vec<ContributionDto>,
}

/// `GET /v1/admin/accounts/{id}/summary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// The account.
    pub account_id: String,
    /// `high`, `medium` or `low`.
    pub value_tier: Option<String>,
    /// The lifecycle stage.
    pub lifecycle_stage: Option<String>,
    /// The health score and its explanation.
    pub health: HealthReportDto,
    /// The account's traits.
    pub traits: serde_json::Map<String, serde_json::Value>,
    /// Events the account's clients reported they could not keep, in total.
    pub dropped: DroppedTotals,
    /// Whole days until the renewal (trait `renewal_date`), negative once past.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_in_days: Option<f64>,
    /// The renewal review's call: `risk`, `upside` or `steady`.
    #[serde(default)]
    pub call: String,
    /// Why the CSM set the call (traits `cs_call`, `cs_call_reason`); absent when computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_reason: Option<String>,
    /// Break-even of lifetime value against acquisition cost (traits `arr`, `gross_margin`,
    /// `cac`, `customer_since`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_even: Option<BreakEvenDto>,
    /// Champions and the 3×3 coverage (computed by the account when it sends its summary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<PeopleDto>,
    /// Licence utilisation, breadth and NPS (`rules::account_adoption`).
    #[serde(default)]
    pub adoption: AdoptionDto,
    /// Promoters, power users and detractors (`rules::advocates`), each `[user, figure]`.
    #[serde(default, skip_serializing_if = "AdvocatesDto::is_empty")]
    pub advocates: AdvocatesDto,
}

/// An account's people for advocacy's Discover step.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AdvocatesDto {
    /// `[user, latest answer]` for answers of 9-10.
    #[serde(default)]
    pub promoters: Vec<(String, u32)>,
    /// `[user, active days of the last 30]` for at least 10.
    #[serde(default)]
    pub power_users: Vec<(String, u32)>,
    /// `[user, latest answer]` for answers of 0-6.
    #[serde(default)]
    pub detractors: Vec<(String, u32)>,
}

impl AdvocatesDto {
    /// No one in any list.
    pub fn is_empty(&self) -> bool {
        self.promoters.is_empty() && self.power_users.is_empty() && self.detractors.is_empty()
    }
}

impl From<rules::Advocates> for AdvocatesDto {
    fn from(a: rules::Advocates) -> Self {
        Self {
            promoters: a.promoters,
            power_users: a.power_users,
            detractors: a.detractors,
        }
    }
}

/// An account's adoption over the last 28 days, and its NPS over a year.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AdoptionDto {
    /// Users active in the last 28 days.
    pub active_users: u32,
    /// Licensed seats (account trait `seats`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<f64>,
    /// The key features used in the last 28 days.
    pub features_used: Vec<String>,
    /// How many key features the workspace names.
    pub key_features: u32,
    /// The account's Net Promoter Score over a year (-100..100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nps: Option<f64>,
}

impl From<rules::Adoption> for AdoptionDto {
    fn from(a: rules::Adoption) -> Self {
        Self {
            active_users: a.active_users,
            seats: a.seats,
            features_used: a.features_used,
            key_features: a.key_features,
            nps: a.nps,
        }
    }
}

impl AdoptionDto {
    /// As `rules` sees it.
    pub fn rules(&self) -> rules::Adoption {
        rules::Adoption {
            active_users: self.active_users,
            seats: self.seats,
            features_used: self.features_used.clone(),
            key_features: self.key_features,
            nps: self.nps,
        }
    }
}

/// An account's champions and relationship coverage (`rules::champion`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PeopleDto {
    /// Champions: by the rule, or confirmed.
    pub champions: Vec<String>,
    /// Champions a CSM confirmed (account trait `cs_champions`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confirmed: Vec<String>,
    /// The only champion has been quiet for 30 days.
    #[serde(default)]
    pub sole_champion_quiet: bool,
    /// The three largest departments of the active users.
    pub departments: Vec<String>,
    /// Active users by level (executive, manager, individual) and department.
    pub grid: [[u32; 3]; 3],
    /// The gaps in words.
    pub gaps: Vec<String>,
    /// Empty cells of the grid (0-9).
    pub gap_count: u32,
}

/// An account's break-even.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BreakEvenDto {
    /// Months of gross-margin contribution that repay the acquisition cost.
    pub months: f64,
    /// Months as a customer so far.
    pub tenure_months: f64,
    /// Contribution so far minus the acquisition cost.
    pub net: f64,
    /// Whether the tenure reached the break-even.
    pub reached: bool,
}

fn json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::Number::from_f64(*n)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Text(s) => serde_json::Value::String(s.clone()),
    }
}

fn text(v: Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s),
        _ => None,
    }
}

impl AccountSummary {
    /// A text trait.
    pub fn trait_text(&self, key: &str) -> Option<&str> {
        self.traits.get(key)?.as_str()
    }

    /// A number trait.
    pub fn trait_number(&self, key: &str) -> Option<f64> {
        self.traits.get(key)?.as_f64()
    }

    /// The scalar traits as `rules` values (for the portfolio's pure analyses).
    pub fn rules_traits(&self) -> Traits {
        self.traits
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), crate::json::scalar(v)?)))
            .collect()
    }

    /// The summary of the account whose facts `ctx` holds, with its clients' dropped totals.
    pub fn of(account_id: &str, ctx: &Ctx<'_>, dropped: DroppedTotals) -> Self {
        let report = health(ctx);
        let renewal_in_days = rules::renewal_in_days(ctx);
        let (call, call_reason) = rules::review_call(ctx);
        Self {
            renewal_in_days,
            call: call.to_owned(),
            call_reason,
            break_even: rules::account_break_even(ctx).map(|b| BreakEvenDto {
                months: b.months,
                tenure_months: b.tenure_months,
                net: b.net,
                reached: b.reached,
            }),
            people: None,
            advocates: AdvocatesDto::default(),
            adoption: rules::account_adoption(ctx).into(),
            account_id: account_id.to_owned(),
            value_tier: text(value_tier(ctx)),
            lifecycle_stage: text(lifecycle_stage(ctx)),
            health: HealthReportDto {
                score: report.score,
                colour: report.colour.map(|c: Colour| c.as_str().to_owned()),
                components: report
                    .contributions
                    .iter()
                    .map(|c| ContributionDto {
                        name: c.name.clone(),
                        value: json(&c.value),
                        score: c.score,
                        weight: c.weight,
                    })
                    .collect(),
            },
            traits: ctx
                .facts
                .account_traits
                .iter()
                .map(|(k, v)| (k.clone(), json(v)))
                .collect(),
            dropped,
        }
    }
}

/// A traits map of text values (for tests and fixtures).
pub fn admin_traits_map(pairs: &[(&str, &str)]) -> serde_json::Map<String, serde_json::Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String((*v).to_owned())))
        .collect()
}
