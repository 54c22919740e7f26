//! Touch plans in the workspace settings: `"touch_plans": [{"tier":"high","plan":"high_touch",
//! "every_days":30}, …]`. A tier without a plan gets `rules::default_touch_plan`.

use rules::{TouchKind, TouchPlan, default_touch_plan};
use serde::{Deserialize, Serialize};

use super::campaign::invalid;
use super::settings::WorkspaceSettings;
use crate::error::Problem;

/// How a tier is served, on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TouchKindDto {
    /// Named CSM, regular check-ins and QBRs.
    HighTouch,
    /// Pooled, just in time.
    LowTouch,
    /// Campaigns only.
    SelfService,
}

/// One tier's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TouchPlanDto {
    /// `high`, `medium`, `low` or `none` (accounts without a tier).
    pub tier: String,
    /// How the tier is served.
    pub plan: TouchKindDto,
    /// Days between touches (1-365); required unless self-service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_days: Option<u32>,
}

impl TouchPlanDto {
    fn to_plan(&self) -> TouchPlan {
        TouchPlan {
            kind: match self.plan {
                TouchKindDto::HighTouch => TouchKind::HighTouch,
                TouchKindDto::LowTouch => TouchKind::LowTouch,
                TouchKindDto::SelfService => TouchKind::SelfService,
            },
            every_days: self
                .every_days
                .filter(|_| self.plan != TouchKindDto::SelfService),
        }
    }
}

impl WorkspaceSettings {
    /// The plan of accounts in `tier` (`none` for accounts without one).
    pub fn touch_plan(&self, tier: &str) -> TouchPlan {
        self.touch_plans
            .iter()
            .find(|p| p.tier == tier)
            .map_or_else(|| default_touch_plan(tier), TouchPlanDto::to_plan)
    }
}

/// Checks the settings' plans: one per tier, and a cadence of 1-365 days unless self-service.
/// The control plane checks this when settings are saved; it is not part of `parse_settings`,
/// so the console's module stays without it.
pub fn check_touch_plans(plans: &[TouchPlanDto]) -> Result<(), Problem> {
    for (i, p) in plans.iter().enumerate() {
        let at = format!("touch_plans[{i}]");
        if !matches!(p.tier.as_str(), "high" | "medium" | "low" | "none")
            || plans[..i].iter().any(|q| q.tier == p.tier)
        {
            return Err(invalid("tier", "high, medium, low or none, once each").within(&at));
        }
        let needs_days = p.plan != TouchKindDto::SelfService;
        if needs_days != p.every_days.is_some_and(|d| (1..=365).contains(&d)) {
            return Err(invalid(
                "every_days",
                "1-365 days for high and low touch; none for self-service",
            )
            .within(&at));
        }
    }
    Ok(())
}
