//! What a decision reads about an account, kept in the account object's memory: the
//! account-wide facts, each user's part, and the latest survey answers. Loaded from SQLite
//! once per object, then kept by every write that SQLite takes (write-through), so a
//! decision reads no rows for its facts (`cargo xtask bench decide`).
//!
//! A delete (a forgotten user, a prune) drops the mirror; the next decision loads it again.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rules::{Day, Facts, Seen, SurveyFact, Timestamp, Traits, Usage, Value};

use super::{TraitOwner, current_session, next_session};

/// The mirror of one account object, absent until the first decision loads it.
#[derive(Debug, Default)]
pub(super) struct Warm(RefCell<Option<Mirror>>);

impl Warm {
    /// Applies a write to the mirror, when it is loaded (an unloaded mirror loads it later).
    pub(super) fn keep(&self, write: impl FnOnce(&mut Mirror)) {
        if let Some(m) = self.0.borrow_mut().as_mut() {
            write(m);
        }
    }

    /// Drops the mirror: after deletes, the next decision loads it from storage.
    pub(super) fn drop_all(&self) {
        *self.0.borrow_mut() = None;
    }

    /// The stored session of `user_id` when the mirror is loaded (`None`: not loaded; ask
    /// storage).
    pub(super) fn session(&self, user_id: &str) -> Option<Option<(i64, i64)>> {
        self.0
            .borrow()
            .as_ref()
            .map(|m| m.users.get(user_id).and_then(|u| u.session))
    }

    /// The facts of `user_id` at `now` from the mirror, loading it with `load` first if it is
    /// absent.
    pub(super) fn facts<E>(
        &self,
        user_id: &str,
        now: Timestamp,
        load: impl FnOnce() -> Result<Mirror, E>,
    ) -> Result<Facts, E> {
        if self.0.borrow().is_none() {
            let mirror = load()?;
            *self.0.borrow_mut() = Some(mirror);
        }
        Ok(self
            .0
            .borrow()
            .as_ref()
            .map(|m| m.facts(user_id, now))
            .unwrap_or_default())
    }
}

/// One user's part of the facts.
#[derive(Debug, Default, Clone)]
struct UserPart {
    usage: Usage,
    active_days: BTreeSet<Day>,
    seen: BTreeMap<String, Seen>,
    traits: BTreeMap<String, (Value, i64)>,
    /// `(start, last activity)`.
    session: Option<(i64, i64)>,
}

/// The account's facts as a decision needs them, kept write by write.
#[derive(Debug, Default)]
pub(super) struct Mirror {
    /// The account-wide facts (no current user): usage, active days, users' last activity,
    /// first and last occurrences, traits.
    account: Facts,
    /// When each account trait was set (a write older than the stored one is ignored).
    account_trait_times: BTreeMap<String, i64>,
    users: HashMap<String, UserPart>,
    /// Latest answer per (user, campaign): score and time.
    surveys: BTreeMap<(String, String), (u32, i64)>,
}

impl Mirror {
    /// `n` uses of `feature` by `user` on `day`.
    pub(super) fn add_usage(&mut self, user: &str, feature: &str, day: Day, n: u32) {
        if n == 0 {
            return;
        }
        self.account.add_usage(user, false, feature, day, n);
        let part = self.user(user);
        part.usage.add(feature, day, n);
        part.active_days.insert(day);
    }

    /// `user` performed `name` first at `first` and last at `last`.
    pub(super) fn add_seen(&mut self, user: &str, name: &str, first: i64, last: i64) {
        let span = Seen {
            first: Timestamp(first),
            last: Timestamp(last),
        };
        self.account.add_seen(false, name, span);
        self.user(user)
            .seen
            .entry(name.to_owned())
            .and_modify(|s| s.merge(span))
            .or_insert(span);
    }

    /// Sets a trait unless the stored one is newer.
    pub(super) fn set_trait(&mut self, owner: TraitOwner<'_>, key: &str, value: &Value, at: i64) {
        match owner {
            TraitOwner::Account => {
                if self
                    .account_trait_times
                    .get(key)
                    .is_none_or(|stored| *stored <= at)
                {
                    self.account_trait_times.insert(key.to_owned(), at);
                    self.account
                        .account_traits
                        .insert(key.to_owned(), value.clone());
                }
            }
            TraitOwner::User(u) => {
                let traits = &mut self.user(u).traits;
                if traits.get(key).is_none_or(|(_, stored)| *stored <= at) {
                    traits.insert(key.to_owned(), (value.clone(), at));
                }
            }
        }
    }

    /// Activity of `user` at `times`, in the batch's order (the session moves as in storage).
    pub(super) fn touch(&mut self, user: &str, times: &[i64]) {
        let part = self.user(user);
        part.session = times
            .iter()
            .fold(part.session, |s, t| Some(next_session(s, *t)));
    }

    /// A session as stored: `(start, last activity)`.
    pub(super) fn restore_session(&mut self, user: &str, start: i64, last: i64) {
        self.user(user).session = Some((start, last));
    }

    /// A survey answer (the latest per user and campaign counts).
    pub(super) fn add_survey(&mut self, user: &str, campaign: &str, score: u32, at: i64) {
        let key = (user.to_owned(), campaign.to_owned());
        if self.surveys.get(&key).is_none_or(|(_, t)| *t <= at) {
            self.surveys.insert(key, (score, at));
        }
    }

    fn user(&mut self, user: &str) -> &mut UserPart {
        self.users.entry(user.to_owned()).or_default()
    }

    /// The facts of `user_id` at `now` (without property-filtered events).
    pub(super) fn facts(&self, user_id: &str, now: Timestamp) -> Facts {
        let mut facts = self.account.clone();
        user_id.clone_into(&mut facts.user_id);
        if let Some(part) = self.users.get(user_id) {
            facts.user_usage = part.usage.clone();
            facts.user_active_days = part.active_days.clone();
            facts.user_seen = part.seen.clone();
            facts.user_traits = part
                .traits
                .iter()
                .map(|(k, (v, _))| (k.clone(), v.clone()))
                .collect::<Traits>();
            facts.session_start = current_session(part.session, now);
        }
        facts.surveys = survey_facts(&self.surveys, user_id);
        facts
    }
}

/// The latest answer per (user, campaign) as facts, as of deciding for `user_id`.
pub(super) fn survey_facts(
    surveys: &BTreeMap<(String, String), (u32, i64)>,
    user_id: &str,
) -> Vec<SurveyFact> {
    surveys
        .iter()
        .map(|((user, campaign), (score, at))| SurveyFact {
            user_id: user.clone(),
            campaign: campaign.clone(),
            by_current_user: user == user_id,
            score: *score,
            at: Timestamp(*at),
        })
        .collect()
}

#[cfg(test)]
mod tests;
