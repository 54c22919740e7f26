//! `CollabStore` over the account object's SQLite: documents in `docs`, members from
//! `users`, `traits` and `usage`.

use worker::SqlStorageValue as V;

use super::{SqlStore, int, text};
use crate::collab::{CollabStore, Member};
use crate::error::AppError;

impl CollabStore for SqlStore<'_> {
    fn doc(&self, kind: &str, id: &str) -> Result<Option<String>, AppError> {
        Ok(self
            .rows(
                "SELECT body FROM docs WHERE kind = ? AND id = ?",
                vec![kind.into(), id.into()],
            )?
            .first()
            .and_then(|r| text(r.first())))
    }

    fn put_doc(&mut self, kind: &str, id: &str, body: &str) -> Result<(), AppError> {
        self.rows(
            "INSERT INTO docs (kind, id, body) VALUES (?, ?, ?)
             ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
            vec![kind.into(), id.into(), body.into()],
        )?;
        Ok(())
    }

    fn docs(&self, kind: &str) -> Result<Vec<String>, AppError> {
        Ok(self
            .rows(
                "SELECT body FROM docs WHERE kind = ? ORDER BY id",
                vec![kind.into()],
            )?
            .iter()
            .filter_map(|r| text(r.first()))
            .collect())
    }

    fn members(&self, role_trait: &str, now: i64) -> Result<Vec<Member>, AppError> {
        let since_day = now.div_euclid(86_400_000) - 30;
        let rows = self.rows(
            "SELECT u.user_id, u.first_seen, u.last_seen,
               (SELECT text FROM traits WHERE owner = 'u:' || u.user_id AND key = 'email'),
               (SELECT text FROM traits WHERE owner = 'u:' || u.user_id AND key = 'name'),
               (SELECT text FROM traits WHERE owner = 'u:' || u.user_id AND key = ?),
               (SELECT count(DISTINCT day) FROM usage WHERE user_id = u.user_id AND day > ?)
             FROM users u ORDER BY u.user_id",
            vec![role_trait.into(), V::Integer(since_day)],
        )?;
        Ok(rows
            .iter()
            .map(|r| Member {
                user_id: text(r.first()).unwrap_or_default(),
                first_seen: int(r.get(1)).unwrap_or(0),
                last_seen: int(r.get(2)).unwrap_or(0),
                email: text(r.get(3)).map(|e| e.trim().to_ascii_lowercase()),
                name: text(r.get(4)),
                role: text(r.get(5)),
                active_days_30: int(r.get(6))
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(0),
            })
            .collect())
    }
}
