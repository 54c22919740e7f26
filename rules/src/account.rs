//! Account facts defined by the workspace: value tier, lifecycle stage and health score.
//!
//! They follow the customer-success model of seed 001: a value pyramid (high / medium /
//! low), ordered lifecycle stages, and a scorecard of weighted, explainable components mapped
//! to Red / Yellow / Green. Subjective inputs (executive relationship, champion strength) are
//! account traits a customer-success manager sets, used as components like any other.

use crate::condition::{Condition, Operand};
use crate::facts::{Facts, Value};
use crate::time::Timestamp;

/// The value pyramid: an operand (typically the ARR trait) and two thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct Tiers {
    /// What ranks accounts (e.g. `AccountTrait("arr")`).
    pub value: Operand,
    /// At or above: `high`.
    pub high: f64,
    /// At or above: `medium`; below: `low`.
    pub medium: f64,
}

/// One lifecycle stage and the condition to be in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// Stage name, e.g. `adopting`.
    pub name: String,
    /// When it holds (the first stage needs none: it is where every account starts).
    pub when: Condition,
}

/// One scorecard component: a value mapped linearly from `red_at` (score 0) to
/// `green_at` (score 100), clamped. `red_at` may be above `green_at` (lower is better).
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// Name shown in explanations.
    pub name: String,
    /// Relative weight.
    pub weight: f64,
    /// The measured value.
    pub value: Operand,
    /// Value scoring 0.
    pub red_at: f64,
    /// Value scoring 100.
    pub green_at: f64,
}

/// The scorecard: components and the colour thresholds of the weighted score.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// Components.
    pub components: Vec<Component>,
    /// Score at or above: green.
    pub green_at: f64,
    /// Score at or above: yellow; below: red.
    pub yellow_at: f64,
}

/// Everything a workspace defines about its accounts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountModel {
    /// The value pyramid, if defined.
    pub tiers: Option<Tiers>,
    /// Stages from first to last; the last one whose condition holds wins.
    pub lifecycle: Vec<Stage>,
    /// The scorecard, if defined.
    pub health: Option<Health>,
    /// The features whose adoption breadth is measured (tracked event names).
    pub key_features: Vec<String>,
}

/// What a condition is evaluated against.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The user's and account's facts.
    pub facts: &'a Facts,
    /// The workspace's account model.
    pub model: &'a AccountModel,
    /// The time of the decision.
    pub now: Timestamp,
    /// The user's advocacy asks and touches so far (none outside a decision).
    pub asks: crate::AskHistory,
    /// Nesting of derived facts (a stage defined by health, …); bounded so a cyclic
    /// definition yields null instead of looping.
    pub(crate) depth: u8,
}

const MAX_DEPTH: u8 = 3;

impl<'a> Ctx<'a> {
    /// A context at the top level.
    pub fn new(facts: &'a Facts, model: &'a AccountModel, now: Timestamp) -> Self {
        Self {
            facts,
            model,
            now,
            asks: crate::AskHistory::default(),
            depth: 0,
        }
    }

    /// The context one level down, or `None` when definitions nest too deeply.
    pub(crate) fn deeper(&self) -> Option<Self> {
        (self.depth < MAX_DEPTH).then_some(Self {
            depth: self.depth + 1,
            ..*self
        })
    }
}

/// One component's part of a health score.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// Component name.
    pub name: String,
    /// Its measured value (null when unknown: then it is left out of the score).
    pub value: Value,
    /// Its score, 0-100.
    pub score: Option<f64>,
    /// Its weight.
    pub weight: f64,
}

/// Red / Yellow / Green.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    /// Healthy.
    Green,
    /// Watch.
    Yellow,
    /// At risk.
    Red,
}

impl Colour {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Green => "green",
            Colour::Yellow => "yellow",
            Colour::Red => "red",
        }
    }
}

/// A health score with its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthReport {
    /// Weighted score 0-100 over the known components; `None` when none is known.
    pub score: Option<f64>,
    /// Colour of the score.
    pub colour: Option<Colour>,
    /// Every component's contribution.
    pub contributions: Vec<Contribution>,
}

/// The account's value tier: `high`, `medium` or `low` (null without a model or a value).
pub fn value_tier(ctx: &Ctx<'_>) -> Value {
    let (Some(tiers), Some(inner)) = (&ctx.model.tiers, ctx.deeper()) else {
        return Value::Null;
    };
    match tiers.value.resolve(&inner) {
        Value::Number(v) if v >= tiers.high => Value::Text("high".into()),
        Value::Number(v) if v >= tiers.medium => Value::Text("medium".into()),
        Value::Number(_) => Value::Text("low".into()),
        _ => Value::Null,
    }
}

/// The account's lifecycle stage: the last stage whose condition holds, else the first.
pub fn lifecycle_stage(ctx: &Ctx<'_>) -> Value {
    let Some(inner) = ctx.deeper() else {
        return Value::Null;
    };
    let stages = &ctx.model.lifecycle;
    stages
        .iter()
        .skip(1)
        .rev()
        .find(|s| s.when.check(&inner).is_ok())
        .or(stages.first())
        .map_or(Value::Null, |s| Value::Text(s.name.clone()))
}

/// The account's health score and how each component contributed.
pub fn health(ctx: &Ctx<'_>) -> HealthReport {
    let empty = HealthReport {
        score: None,
        colour: None,
        contributions: Vec::new(),
    };
    let (Some(model), Some(inner)) = (&ctx.model.health, ctx.deeper()) else {
        return empty;
    };
    let contributions: Vec<Contribution> = model
        .components
        .iter()
        .map(|c| {
            let value = c.value.resolve(&inner);
            let score = match value {
                Value::Number(v) if c.green_at != c.red_at => {
                    Some(((v - c.red_at) / (c.green_at - c.red_at) * 100.0).clamp(0.0, 100.0))
                }
                Value::Number(v) => Some(if v >= c.green_at { 100.0 } else { 0.0 }),
                _ => None,
            };
            Contribution {
                name: c.name.clone(),
                value,
                score,
                weight: c.weight,
            }
        })
        .collect();
    let (sum, weights) = contributions
        .iter()
        .filter_map(|c| c.score.map(|s| (s * c.weight, c.weight)))
        .fold((0.0, 0.0), |(a, b), (s, w)| (a + s, b + w));
    let score = (weights > 0.0).then(|| (sum / weights).round());
    let colour = score.map(|s| {
        if s >= model.green_at {
            Colour::Green
        } else if s >= model.yellow_at {
            Colour::Yellow
        } else {
            Colour::Red
        }
    });
    HealthReport {
        score,
        colour,
        contributions,
    }
}
