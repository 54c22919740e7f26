//! The raw numbers of one experiment arm: users exposed and users who converted.

/// Exposed users and goal conversions of one arm (holdout or variant).
///
/// Conversions are counted once per user, so a valid arm has `converted ≤ exposed`;
/// functions given an invalid arm return `None` rather than guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Users who were assigned to the arm and saw (or were held out of) the message.
    pub exposed: u64,
    /// Exposed users who reached the goal.
    pub converted: u64,
}

impl Counts {
    /// Counts of `exposed` users of whom `converted` reached the goal.
    pub const fn new(exposed: u64, converted: u64) -> Self {
        Self { exposed, converted }
    }

    /// Whether the counts are consistent (`converted ≤ exposed`).
    pub const fn is_valid(self) -> bool {
        self.converted <= self.exposed
    }

    /// Users who did not convert; `None` when `converted > exposed`.
    pub const fn failures(self) -> Option<u64> {
        self.exposed.checked_sub(self.converted)
    }

    /// The conversion rate `converted / exposed`; `None` for an empty or invalid arm.
    pub fn rate(self) -> Option<f64> {
        if self.exposed == 0 || !self.is_valid() {
            return None;
        }
        Some(self.converted as f64 / self.exposed as f64)
    }
}

/// One arm of an experiment as the verdict needs it: a name, its planned share and its counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arm<'a> {
    /// The arm's name as people see it ("Holdout", "B").
    pub name: &'a str,
    /// The planned share of traffic, in any unit (10, 45, 45 or 0.1, 0.45, 0.45).
    pub weight: f64,
    /// What was observed.
    pub counts: Counts,
}

impl<'a> Arm<'a> {
    /// An arm named `name` with planned share `weight`, `exposed` users and `converted` goals.
    pub const fn new(name: &'a str, weight: f64, exposed: u64, converted: u64) -> Self {
        Self {
            name,
            weight,
            counts: Counts::new(exposed, converted),
        }
    }
}
