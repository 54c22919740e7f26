//! `CollabStore` in memory, for native tests of invitations and approvals.

use rules::{Timestamp, Value};

use super::MemoryAccountStore;
use crate::collab::{CollabStore, Member};
use crate::error::AppError;

impl CollabStore for MemoryAccountStore {
    fn doc(&self, kind: &str, id: &str) -> Result<Option<String>, AppError> {
        Ok(self.docs.get(&(kind.to_owned(), id.to_owned())).cloned())
    }

    fn put_doc(&mut self, kind: &str, id: &str, body: &str) -> Result<(), AppError> {
        self.docs
            .insert((kind.to_owned(), id.to_owned()), body.to_owned());
        Ok(())
    }

    fn docs(&self, kind: &str) -> Result<Vec<String>, AppError> {
        Ok(self
            .docs
            .iter()
            .filter(|((k, _), _)| k == kind)
            .map(|(_, body)| body.clone())
            .collect())
    }

    fn members(&self, role_trait: &str, now: i64) -> Result<Vec<Member>, AppError> {
        let since = Timestamp(now).day().0 - 30;
        Ok(self
            .users
            .iter()
            .map(|(user, (first, last))| {
                let traits = self.user_traits.get(user);
                let text = |key: &str| match traits.and_then(|t| t.get(key)) {
                    Some((Value::Text(s), _)) => Some(s.clone()),
                    _ => None,
                };
                let mut days: Vec<i32> = self
                    .usage
                    .keys()
                    .filter(|(u, _, d)| u == user && d.0 > since)
                    .map(|(_, _, d)| d.0)
                    .collect();
                days.dedup();
                Member {
                    user_id: user.clone(),
                    email: text("email").map(|e| e.trim().to_ascii_lowercase()),
                    name: text("name"),
                    role: text(role_trait),
                    first_seen: *first,
                    last_seen: *last,
                    active_days_30: days.len() as u32,
                }
            })
            .collect())
    }
}
