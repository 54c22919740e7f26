//! Touch plans: how each value tier is served (high touch: check-ins every N days; low touch:
//! pooled, just-in-time, every N days; self-service: campaigns only), and which accounts are
//! overdue for their next touch (account trait `last_touch_on`, else `customer_since`).

use crate::commercial::date_trait;
use crate::facts::Traits;
use crate::time::Day;

/// How a tier is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TouchKind {
    /// Named CSM, regular check-ins and QBRs.
    HighTouch,
    /// Pooled CSMs, touched just in time.
    LowTouch,
    /// In-product campaigns only: never overdue.
    SelfService,
}

impl TouchKind {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            TouchKind::HighTouch => "high_touch",
            TouchKind::LowTouch => "low_touch",
            TouchKind::SelfService => "self_service",
        }
    }
}

/// A tier's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TouchPlan {
    /// How.
    pub kind: TouchKind,
    /// Days between touches (none for self-service).
    pub every_days: Option<u32>,
}

/// The plans when a workspace sets none: high value monthly, medium quarterly, low
/// self-service.
pub fn default_touch_plan(tier: &str) -> TouchPlan {
    match tier {
        "high" => TouchPlan {
            kind: TouchKind::HighTouch,
            every_days: Some(30),
        },
        "medium" => TouchPlan {
            kind: TouchKind::LowTouch,
            every_days: Some(90),
        },
        _ => TouchPlan {
            kind: TouchKind::SelfService,
            every_days: None,
        },
    }
}

/// When the account with traits `t` is next due under `plan`, and how many days it is
/// overdue at `today` (0 when not yet due); `None` for self-service or without a date to
/// count from.
pub fn touch_due(plan: TouchPlan, t: &Traits, today: Day) -> Option<(Day, i32)> {
    let every = i32::try_from(plan.every_days?).ok()?;
    let last =
        date_trait(t.get("last_touch_on")).or_else(|| date_trait(t.get("customer_since")))?;
    let due = Day(last.day().0 + every);
    Some((due, (today.0 - due.0).max(0)))
}
