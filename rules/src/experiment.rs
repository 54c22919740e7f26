//! Experiments: a holdout (control) group and weighted variants, with deterministic, sticky
//! bucketing by a hash of (campaign, user).

use crate::error::ModelError;
use crate::model::CampaignId;

/// An experiment on one campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Experiment {
    /// Share of users, in percent (0-100), held out: never shown the message.
    pub holdout_percent: u32,
    /// Named variants and their relative weights; empty means a single treatment.
    pub variants: Vec<(String, u32)>,
}

/// The arm a user falls into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arm {
    /// Held out: the message is not shown, the exposure is still recorded.
    Control,
    /// Shown the message (the named variant, if the experiment has variants).
    Treatment(Option<String>),
}

/// FNV-1a, 64 bits: stable across platforms and releases, which sticky bucketing needs.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// A user's position in `0..10_000` for one campaign and purpose.
pub fn bucket(campaign: &CampaignId, user_id: &str, purpose: &str) -> u32 {
    // The modulo keeps the value below 10 000, so the conversion cannot fail.
    u32::try_from(fnv1a(&[purpose, campaign.as_str(), user_id]) % 10_000).unwrap_or(0)
}

impl Experiment {
    /// Validates an experiment: holdout 0-100 %, at most 10 variants with weights 1-1000.
    pub fn new(holdout_percent: u32, variants: Vec<(String, u32)>) -> Result<Self, ModelError> {
        if holdout_percent > 100 {
            return Err(ModelError::InvalidExperiment("holdout must be 0-100 %"));
        }
        if variants.len() > 10 || variants.iter().any(|(_, w)| !(1..=1000).contains(w)) {
            return Err(ModelError::InvalidExperiment(
                "use at most 10 variants with weights 1-1000",
            ));
        }
        Ok(Self {
            holdout_percent,
            variants,
        })
    }

    /// The arm of `user_id`: the same for the same campaign and user, always.
    pub fn arm(&self, campaign: &CampaignId, user_id: &str) -> Arm {
        if bucket(campaign, user_id, "holdout") < self.holdout_percent * 100 {
            return Arm::Control;
        }
        let total: u64 = self.variants.iter().map(|(_, w)| u64::from(*w)).sum();
        if total == 0 {
            return Arm::Treatment(None);
        }
        let mut point = u64::from(bucket(campaign, user_id, "variant")) * total / 10_000;
        for (name, weight) in &self.variants {
            if point < u64::from(*weight) {
                return Arm::Treatment(Some(name.clone()));
            }
            point -= u64::from(*weight);
        }
        Arm::Treatment(self.variants.last().map(|(n, _)| n.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::{Arm, Experiment};
    use crate::model::CampaignId;

    fn shares(e: &Experiment, n: usize) -> (usize, usize, usize) {
        let id = CampaignId::new("exp").expect("valid id");
        let (mut control, mut a, mut b) = (0, 0, 0);
        for i in 0..n {
            match e.arm(&id, &format!("user-{i}")) {
                Arm::Control => control += 1,
                Arm::Treatment(Some(v)) if v == "a" => a += 1,
                Arm::Treatment(_) => b += 1,
            }
        }
        (control, a, b)
    }

    #[test]
    fn arms_follow_the_configured_shares() {
        let e = Experiment::new(20, vec![("a".into(), 1), ("b".into(), 3)]).expect("valid");
        let (control, a, b) = shares(&e, 10_000);
        // 20 % held out; the rest split 1:3. Bounds are wide: the hash is fixed, not random.
        assert!((1_800..2_200).contains(&control), "control {control}");
        assert!((1_800..2_200).contains(&a), "a {a}");
        assert!((5_600..6_400).contains(&b), "b {b}");
    }

    #[test]
    fn arms_are_sticky_and_depend_on_the_campaign() {
        let e = Experiment::new(50, Vec::new()).expect("valid");
        let (x, y) = (
            CampaignId::new("x").expect("id"),
            CampaignId::new("y").expect("id"),
        );
        let same = (0..200).all(|i| {
            let u = format!("u{i}");
            e.arm(&x, &u) == e.arm(&x, &u)
        });
        let differs = (0..200).any(|i| {
            let u = format!("u{i}");
            e.arm(&x, &u) != e.arm(&y, &u)
        });
        assert!(same && differs);
    }

    #[test]
    fn invalid_experiments() {
        assert!(Experiment::new(101, Vec::new()).is_err());
        assert!(Experiment::new(10, vec![("a".into(), 0)]).is_err());
    }
}
