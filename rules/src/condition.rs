//! The targeting language: conditions over traits and usage, evaluated against [`Facts`].

use std::fmt;

use std::collections::BTreeSet;

use crate::account::{Ctx, health, lifecycle_stage, value_tier};
use crate::error::ModelError;
use crate::facts::{Facts, Seen, Usage, Value};
use crate::time::{Day, Timestamp};
use crate::trigger::RoutePattern;

/// A targeting condition. `All(vec![])` always matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Every child matches.
    All(Vec<Condition>),
    /// At least one child matches.
    Any(Vec<Condition>),
    /// The child does not match.
    Not(Box<Condition>),
    /// The user is on a page whose path matches.
    Page(RoutePattern),
    /// A comparison of two operands.
    Compare {
        /// Left-hand side.
        left: Operand,
        /// The comparison.
        op: CmpOp,
        /// Right-hand side.
        right: Operand,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Greater than (numbers only).
    Gt,
    /// Greater than or equal (numbers only).
    Gte,
    /// Less than (numbers only).
    Lt,
    /// Less than or equal (numbers only).
    Lte,
}

/// Whose usage an operand counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The current user only.
    User,
    /// Every user of the account.
    Account,
}

/// The period a usage operand sums over, ending today (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The current UTC day.
    Today,
    /// The last `n` days including today.
    LastDays(u32),
    /// The current calendar month (UTC).
    Month,
    /// Everything retained.
    AllTime,
}

impl Window {
    /// A window of the last `n` days, validated.
    pub fn last_days(n: u32) -> Result<Self, ModelError> {
        if (1..=366).contains(&n) {
            Ok(Window::LastDays(n))
        } else {
            Err(ModelError::InvalidWindow(n))
        }
    }

    fn first_day(self, today: Day) -> Day {
        match self {
            Window::Today => today,
            Window::LastDays(n) => today.minus(i32::try_from(n).unwrap_or(i32::MAX) - 1),
            Window::Month => today.month_start(),
            Window::AllTime => Day(i32::MIN),
        }
    }
}

/// A value a condition compares.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A literal.
    Literal(Value),
    /// A trait of the user.
    UserTrait(String),
    /// A trait of the account.
    AccountTrait(String),
    /// How often a feature was used in a window.
    Usage {
        /// The feature (a tracked event name).
        feature: String,
        /// The user or the whole account.
        scope: Scope,
        /// The period.
        window: Window,
    },
    /// On how many of the last `days` days (including today) any feature was used.
    ActiveDays {
        /// The user or the whole account.
        scope: Scope,
        /// Window length.
        days: u32,
    },
    /// How many different users of the account used any feature in the last `days` days.
    ActiveUsers {
        /// Window length.
        days: u32,
    },
    /// Signed percentage change of activity (feature uses) in the last `days` days against
    /// the same length of time at the average rate of the 90 days before them.
    /// No baseline: 0 without recent activity, +100 with it.
    EngagementTrend {
        /// The user or the whole account.
        scope: Scope,
        /// Recent window length (at most 90).
        days: u32,
    },
    /// Percentage of a plan limit (an account trait) the account used this calendar month.
    LimitUsage {
        /// The metered feature.
        feature: String,
        /// The account trait holding the monthly limit.
        limit_trait: String,
    },
    /// The account's value tier (`high`, `medium`, `low`) from the workspace's pyramid.
    ValueTier,
    /// The account's lifecycle stage from the workspace's ordered stages.
    LifecycleStage,
    /// The account's weighted health score, 0-100.
    HealthScore,
    /// The account's health colour: `green`, `yellow` or `red`.
    Health,
    /// Whole days until the account's renewal (account trait `renewal_date`), negative once
    /// past; null without one.
    RenewalInDays,
    /// Whether the account's gross-margin contribution since `customer_since` repaid its
    /// acquisition cost (traits `arr`, `gross_margin`, `cac`); null without them.
    BreakEvenReached,
    /// The renewal review's call: `risk`, `upside` or `steady` (`crate::review_call`: the
    /// computed one, unless a CSM overrode it with a reason).
    ChurnRisk,
    /// The user's advocacy stage: `none`, `discover`, `nurture` or `mobilize`
    /// (`crate::advocacy_stage`).
    AdvocacyStage,
    /// Whether the user is a champion by the rule of `crate::is_champion`, or confirmed by
    /// the account trait `cs_champions`.
    IsChampion,
    /// Empty cells of the account's 3×3 coverage grid (`crate::coverage`), 0-9; null unless
    /// the account's people were loaded (`crate::Catalog::needs_people`).
    CoverageGaps,
    /// The biggest ask the user accepted, or null (`crate::AskHistory::accepted`).
    AcceptedAsk,
    /// Active users in the last `days` days as a percentage of licensed seats (an account trait).
    SeatUtilisation {
        /// The account trait holding the seat count.
        seats_trait: String,
        /// Window length.
        days: u32,
    },
    /// How many events of a name, whose properties pass every filter, happened in a window.
    EventCount {
        /// The tracked event name.
        name: String,
        /// The user or the whole account.
        scope: Scope,
        /// The period.
        window: Window,
        /// Property filters, all of which must hold.
        filters: Vec<PropertyFilter>,
    },
    /// Whole days since the first (or last) occurrence of an event; null if it never happened.
    DaysSince {
        /// The tracked event name.
        name: String,
        /// The user or the whole account.
        scope: Scope,
        /// First occurrence (true) or last (false).
        first: bool,
    },
    /// The current user's latest answer (0-10) to a survey campaign; null if none.
    SurveyScore {
        /// The survey campaign.
        campaign: String,
    },
    /// Net Promoter Score of the account (-100..100) from each user's latest answer (0-10)
    /// to a survey campaign in the last `days` days: % promoters (9-10) minus % detractors
    /// (0-6); null without answers.
    Nps {
        /// The survey campaign.
        campaign: String,
        /// Window length.
        days: u32,
    },
    /// Percentage of the workspace's key features used in the last `days` days.
    AdoptionBreadth {
        /// The user or the whole account.
        scope: Scope,
        /// Window length.
        days: u32,
    },
}

/// A filter on an event property: `property op value`.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyFilter {
    /// The property name.
    pub property: String,
    /// The comparison.
    pub op: CmpOp,
    /// The value compared with.
    pub value: Value,
}

/// The baseline of `EngagementTrend`, in days before the recent window.
pub const TREND_BASELINE_DAYS: u32 = 90;

fn window_days(days: u32) -> i32 {
    i32::try_from(days.max(1)).unwrap_or(i32::MAX) - 1
}

fn percent(part: f64, whole: &Value) -> Value {
    match whole {
        Value::Number(w) if *w > 0.0 => Value::Number(part / w * 100.0),
        _ => Value::Null,
    }
}

impl Operand {
    /// The operand's value in `ctx`.
    pub(crate) fn resolve(&self, ctx: &Ctx<'_>) -> Value {
        let (facts, now) = (ctx.facts, ctx.now);
        match self {
            Operand::ValueTier => value_tier(ctx),
            Operand::LifecycleStage => lifecycle_stage(ctx),
            Operand::HealthScore => health(ctx).score.map_or(Value::Null, Value::Number),
            Operand::Health => health(ctx)
                .colour
                .map_or(Value::Null, |c| Value::Text(c.as_str().into())),
            Operand::RenewalInDays => {
                crate::renewal_in_days(ctx).map_or(Value::Null, Value::Number)
            }
            Operand::BreakEvenReached => {
                crate::account_break_even(ctx).map_or(Value::Null, |b| Value::Bool(b.reached))
            }
            Operand::ChurnRisk => Value::Text(crate::review_call(ctx).0.into()),
            Operand::AdvocacyStage => {
                Value::Text(crate::advocacy_stage(ctx, &ctx.asks).as_str().into())
            }
            Operand::IsChampion => Value::Bool(crate::champion::current_is_champion(ctx)),
            Operand::AcceptedAsk => ctx
                .asks
                .accepted
                .map_or(Value::Null, |a| Value::Text(a.as_str().into())),
            Operand::CoverageGaps => facts.people.as_ref().map_or(Value::Null, |people| {
                Value::Number(f64::from(crate::coverage(people, now.day()).gap_count()))
            }),
            Operand::Literal(v) => v.clone(),
            Operand::UserTrait(k) => facts.user_traits.get(k).cloned().unwrap_or(Value::Null),
            Operand::AccountTrait(k) => facts.account_traits.get(k).cloned().unwrap_or(Value::Null),
            Operand::Usage {
                feature,
                scope,
                window,
            } => {
                let usage = usage_of(facts, *scope);
                let today = now.day();
                Value::Number(usage.sum(feature, window.first_day(today), today) as f64)
            }
            Operand::ActiveDays { scope, days } => {
                let today = now.day();
                let set = match scope {
                    Scope::User => &facts.user_active_days,
                    Scope::Account => &facts.account_active_days,
                };
                Value::Number(set.range(today.minus(window_days(*days))..=today).count() as f64)
            }
            Operand::ActiveUsers { days } => Value::Number(active_users(facts, now, *days) as f64),
            Operand::EngagementTrend { scope, days } => {
                let usage = usage_of(facts, *scope);
                let today = now.day();
                let recent_start = today.minus(window_days(*days));
                let recent = usage.total(recent_start, today) as f64;
                let base_last = recent_start.minus(1);
                let base_first = base_last.minus(window_days(TREND_BASELINE_DAYS));
                let baseline = usage.total(base_first, base_last) as f64 * f64::from(*days)
                    / f64::from(TREND_BASELINE_DAYS);
                Value::Number(match (baseline > 0.0, recent > 0.0) {
                    (true, _) => ((recent - baseline) / baseline * 100.0).round(),
                    (false, true) => 100.0,
                    (false, false) => 0.0,
                })
            }
            Operand::LimitUsage {
                feature,
                limit_trait,
            } => {
                let today = now.day();
                let used = facts.account_usage.sum(feature, today.month_start(), today) as f64;
                percent(
                    used,
                    facts
                        .account_traits
                        .get(limit_trait)
                        .unwrap_or(&Value::Null),
                )
            }
            Operand::SeatUtilisation { seats_trait, days } => percent(
                active_users(facts, now, *days) as f64,
                facts
                    .account_traits
                    .get(seats_trait)
                    .unwrap_or(&Value::Null),
            ),
            Operand::EventCount {
                name,
                scope,
                window,
                filters,
            } => {
                let today = now.day();
                let first = window.first_day(today);
                if filters.is_empty() {
                    let usage = usage_of(facts, *scope);
                    return Value::Number(usage.sum(name, first, today) as f64);
                }
                let n = facts
                    .events
                    .iter()
                    .filter(|e| e.name == *name && (*scope == Scope::Account || e.by_current_user))
                    .filter(|e| (first..=today).contains(&e.at.day()))
                    .filter(|e| {
                        filters.iter().all(|f| {
                            let v = e.properties.get(&f.property).unwrap_or(&Value::Null);
                            compare(v, f.op, &f.value)
                        })
                    })
                    .count();
                Value::Number(n as f64)
            }
            Operand::DaysSince { name, scope, first } => {
                let seen: Option<&Seen> = match scope {
                    Scope::User => facts.user_seen.get(name),
                    Scope::Account => facts.account_seen.get(name),
                };
                seen.map_or(Value::Null, |s| {
                    let at = if *first { s.first } else { s.last };
                    Value::Number(f64::from(now.day().0 - at.day().0))
                })
            }
            Operand::SurveyScore { campaign } => facts
                .surveys
                .iter()
                .filter(|s| s.by_current_user && s.campaign == *campaign)
                .max_by_key(|s| s.at)
                .map_or(Value::Null, |s| Value::Number(f64::from(s.score))),
            Operand::Nps { campaign, days } => {
                let from = now.day().minus(window_days(*days));
                let scores: Vec<u32> = facts
                    .surveys
                    .iter()
                    .filter(|s| s.campaign == *campaign && s.at.day() >= from)
                    .map(|s| s.score)
                    .collect();
                if scores.is_empty() {
                    return Value::Null;
                }
                let share = |f: fn(&u32) -> bool| {
                    scores.iter().filter(|s| f(s)).count() as f64 / scores.len() as f64
                };
                Value::Number(((share(|s| *s >= 9) - share(|s| *s <= 6)) * 100.0).round())
            }
            Operand::AdoptionBreadth { scope, days } => {
                let keys = &ctx.model.key_features;
                let usage = usage_of(facts, *scope);
                let today = now.day();
                let from = today.minus(window_days(*days));
                let used = keys
                    .iter()
                    .filter(|k| usage.sum(k, from, today) > 0)
                    .count();
                percent(used as f64, &Value::Number(keys.len() as f64))
            }
        }
    }

    /// Adds the event names this operand filters by property to `out`.
    pub(crate) fn filtered_events(&self, out: &mut BTreeSet<String>) {
        if let Operand::EventCount { name, filters, .. } = self
            && !filters.is_empty()
        {
            out.insert(name.clone());
        }
    }
}

/// The usage counts of `scope`.
fn usage_of(facts: &Facts, scope: Scope) -> &Usage {
    match scope {
        Scope::User => &facts.user_usage,
        Scope::Account => &facts.account_usage,
    }
}

fn active_users(facts: &Facts, now: Timestamp, days: u32) -> usize {
    let first = now.day().minus(window_days(days));
    facts
        .users_last_active
        .values()
        .filter(|d| **d >= first)
        .count()
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Literal(v) => write!(f, "{v}"),
            Operand::UserTrait(k) => write!(f, "user trait {k}"),
            Operand::AccountTrait(k) => write!(f, "account trait {k}"),
            Operand::ValueTier => f.write_str("value tier"),
            Operand::LifecycleStage => f.write_str("lifecycle stage"),
            Operand::HealthScore => f.write_str("health score"),
            Operand::Health => f.write_str("health"),
            Operand::RenewalInDays => f.write_str("days to renewal"),
            Operand::BreakEvenReached => f.write_str("break-even reached"),
            Operand::ChurnRisk => f.write_str("renewal call"),
            Operand::AdvocacyStage => f.write_str("advocacy stage"),
            Operand::IsChampion => f.write_str("is a champion"),
            Operand::CoverageGaps => f.write_str("coverage gaps"),
            Operand::AcceptedAsk => f.write_str("accepted ask"),
            Operand::Usage {
                feature,
                scope,
                window,
            } => {
                write!(f, "{} uses of {feature} {}", who(*scope), when(*window))
            }
            Operand::ActiveDays { scope, days } => {
                write!(f, "{} active days in the last {days}", who(*scope))
            }
            Operand::ActiveUsers { days } => write!(f, "active users in the last {days} days"),
            Operand::EngagementTrend { scope, days } => {
                write!(f, "{} engagement trend in % over {days} days", who(*scope))
            }
            Operand::LimitUsage {
                feature,
                limit_trait,
            } => {
                write!(
                    f,
                    "{feature} this month as % of account trait {limit_trait}"
                )
            }
            Operand::SeatUtilisation { seats_trait, days } => {
                write!(
                    f,
                    "active users in the last {days} days as % of account trait {seats_trait}"
                )
            }
            Operand::EventCount {
                name,
                scope,
                window,
                filters,
            } => {
                write!(f, "{} {name} events {}", who(*scope), when(*window))?;
                for (i, p) in filters.iter().enumerate() {
                    let sep = if i == 0 { " where" } else { " and" };
                    write!(f, "{sep} {} {} {}", p.property, p.op, p.value)?;
                }
                Ok(())
            }
            Operand::DaysSince { name, scope, first } => {
                let which = if *first { "first" } else { "last" };
                write!(f, "days since the {} {which} {name}", who(*scope))
            }
            Operand::AdoptionBreadth { scope, days } => {
                write!(
                    f,
                    "{} key features used in the last {days} days, %",
                    who(*scope)
                )
            }
            Operand::SurveyScore { campaign } => write!(f, "the user's answer to {campaign}"),
            Operand::Nps { campaign, days } => {
                write!(f, "NPS of {campaign} over the last {days} days")
            }
        }
    }
}

fn when(window: Window) -> String {
    match window {
        Window::Today => "today".to_owned(),
        Window::LastDays(n) => format!("in the last {n} days"),
        Window::Month => "this month".to_owned(),
        Window::AllTime => "ever".to_owned(),
    }
}

fn who(scope: Scope) -> &'static str {
    match scope {
        Scope::User => "user",
        Scope::Account => "account",
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "≠",
            CmpOp::Gt => ">",
            CmpOp::Gte => "≥",
            CmpOp::Lt => "<",
            CmpOp::Lte => "≤",
        })
    }
}

fn compare(left: &Value, op: CmpOp, right: &Value) -> bool {
    match op {
        CmpOp::Eq => left == right,
        CmpOp::Ne => left != right,
        _ => match (left, right) {
            // Ordering is defined on numbers only; anything else (a missing trait) fails closed.
            (Value::Number(a), Value::Number(b)) => match op {
                CmpOp::Gt => a > b,
                CmpOp::Gte => a >= b,
                CmpOp::Lt => a < b,
                _ => a <= b,
            },
            _ => false,
        },
    }
}

impl Condition {
    /// Always true.
    pub fn always() -> Self {
        Condition::All(Vec::new())
    }

    /// `Ok(())` when the condition holds; otherwise an explanation of the first failing leaf.
    pub fn check(&self, ctx: &Ctx<'_>) -> Result<(), String> {
        match self {
            Condition::All(children) => children.iter().try_for_each(|c| c.check(ctx)),
            Condition::Any(children) => {
                let mut first_failure = None;
                for c in children {
                    match c.check(ctx) {
                        Ok(()) => return Ok(()),
                        Err(e) => {
                            first_failure.get_or_insert(e);
                        }
                    }
                }
                Err(first_failure.unwrap_or_else(|| "no alternative in `any`".to_owned()))
            }
            Condition::Not(inner) => match inner.check(ctx) {
                Ok(()) => Err(format!("not ({})", inner.describe())),
                Err(_) => Ok(()),
            },
            Condition::Page(pattern) => match ctx.facts.page.as_deref() {
                Some(path) if pattern.matches(path) => Ok(()),
                Some(path) => Err(format!("page {path:?} does not match {pattern}")),
                None => Err(format!("no current page to match {pattern}")),
            },
            Condition::Compare { left, op, right } => {
                let (l, r) = (left.resolve(ctx), right.resolve(ctx));
                if compare(&l, *op, &r) {
                    Ok(())
                } else {
                    Err(format!("{left} ({l}) {op} {right} ({r}) is false"))
                }
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Condition::All(c) => format!("all of {} conditions", c.len()),
            Condition::Any(c) => format!("any of {} conditions", c.len()),
            Condition::Not(inner) => format!("not ({})", inner.describe()),
            Condition::Page(p) => format!("page matches {p}"),
            Condition::Compare { left, op, right } => format!("{left} {op} {right}"),
        }
    }

    /// Adds the event names this condition filters by property to `out`.
    /// Whether any operand of the condition satisfies `f`.
    pub fn any_operand(&self, f: &dyn Fn(&Operand) -> bool) -> bool {
        match self {
            Condition::All(c) | Condition::Any(c) => c.iter().any(|c| c.any_operand(f)),
            Condition::Not(c) => c.any_operand(f),
            Condition::Page(_) => false,
            Condition::Compare { left, right, .. } => f(left) || f(right),
        }
    }

    pub fn filtered_events(&self, out: &mut BTreeSet<String>) {
        match self {
            Condition::All(c) | Condition::Any(c) => {
                c.iter().for_each(|c| c.filtered_events(out));
            }
            Condition::Not(c) => c.filtered_events(out),
            Condition::Page(_) => {}
            Condition::Compare { left, right, .. } => {
                left.filtered_events(out);
                right.filtered_events(out);
            }
        }
    }
}
